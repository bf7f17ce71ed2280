import { describe, expect, it } from 'vitest'
import { GlobalSettings, ProjectSettings, patchSettings } from './settings.ts'

describe('settings patches', () => {
  const current = ProjectSettings.parse({
    checkCommand: 'npm test',
    sandbox: { kind: 'docker', image: 'node:24' },
  })

  it('merges objects key by key and keeps what the patch does not name', () => {
    const next = patchSettings(ProjectSettings, current, {
      sandbox: { network: 'off' },
      devCommand: 'npm run dev',
    })
    expect(next.sandbox).toEqual({ kind: 'docker', image: 'node:24', network: 'off' })
    expect(next).toMatchObject({ checkCommand: 'npm test', devCommand: 'npm run dev' })
  })

  it('resets a key to its default with null', () => {
    const next = patchSettings(ProjectSettings, current, {
      checkCommand: null,
      sandbox: { image: null, kind: null },
    })
    expect(next.checkCommand).toBeUndefined()
    expect(next.sandbox).toEqual({ kind: 'worktree', network: 'on' })
  })

  it('refuses unknown keys and bad values, naming them, without touching the input', () => {
    expect(() => patchSettings(ProjectSettings, current, { checkComand: 'x' })).toThrow(
      'unknown setting "checkComand"',
    )
    expect(() => patchSettings(ProjectSettings, current, { sandbox: { cpus: -1 } })).toThrow(
      /settings\.sandbox\.cpus/,
    )
    expect(() => patchSettings(ProjectSettings, current, { sandbox: { colour: 'red' } })).toThrow(/colour/)
    expect(() =>
      patchSettings(GlobalSettings, GlobalSettings.parse({}), { defaultAgent: 'Not An Agent' }),
    ).toThrow(/settings\.defaultAgent: an agent name is lower-case/)
    expect(current.sandbox).toEqual({ kind: 'docker', image: 'node:24', network: 'on' })
  })
})
