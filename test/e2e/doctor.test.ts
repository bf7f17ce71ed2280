import { mkdirSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runCli } from '../support/cli.ts'

const home = () => mkdtempSync(join(tmpdir(), 'cadre-doctor-'))

describe('cadre doctor', () => {
  it('reports what this machine has, with what to do about what it lacks', async () => {
    // A user's home with an SSH key and a cloud login in it.
    const userHome = home()
    mkdirSync(join(userHome, '.ssh'))
    mkdirSync(join(userHome, '.aws'))
    const result = await runCli(['doctor', '--json'], { CADRE_HOME: home(), HOME: userHome })
    expect(result.code).toBe(0)
    const checks = JSON.parse(result.stdout) as {
      name: string
      status: string
      detail: string
      fix?: string
    }[]
    const byName = Object.fromEntries(checks.map((check) => [check.name, check]))
    expect(byName.git).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^git version 2\./) })
    expect(byName.bubblewrap).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(
        /: agents' processes are isolated, Cadre's home hidden and your credentials too \(~\/\.ssh, ~\/\.aws\)$/,
      ),
    })
    expect(byName.ripgrep).toMatchObject({ status: 'ok', detail: expect.stringMatching(/^ripgrep \d/) })
    // The tests' Docker engine answers here (.ci/run starts it).
    expect(byName['container engine']).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/Engine 20\.\d+.* \(API 1\.\d+\)/),
    })
    expect(byName['disk space']).toMatchObject({
      status: 'ok',
      detail: expect.stringMatching(/GiB free at /),
    })
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['Claude Code', 'Codex', 'Gemini CLI', 'OpenCode']),
    )
  })

  it('fails, saying how to fix it, when git cannot be found', async () => {
    const result = await runCli(['doctor'], { CADRE_HOME: home(), PATH: '/nonexistent' })
    expect(result.code).toBe(1)
    expect(result.stdout).toMatch(/✗ git +not found\n +→ install git/)
    expect(result.stdout).toMatch(
      /! Codex +not installed\n +→ cadre agents install codex, to run tasks with Codex/,
    )
  })
})
