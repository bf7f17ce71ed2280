import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import type { Project } from '../core/entities.ts'
import type { EventInput } from '../core/events/registry.ts'
import { ProjectSettings } from '../core/settings.ts'
import { openDirectorySandbox } from '../sandbox/directory-sandbox.ts'
import { runCheckCommand } from './run-check-command.ts'

const projectWith = (checkCommand?: string): Project => ({
  id: 'prj_x',
  name: 'x',
  path: '/x',
  settings: ProjectSettings.parse(checkCommand === undefined ? {} : { checkCommand }),
  createdAt: '2026-01-01T00:00:00.000Z',
  updatedAt: '2026-01-01T00:00:00.000Z',
})

const check = async (checkCommand: string | undefined, signal = new AbortController().signal) => {
  await using workspace = await openDirectorySandbox(mkdtempSync(join(tmpdir(), 'cadre-check-')))
  const recorded: EventInput[] = []
  await runCheckCommand({
    workspace,
    project: projectWith(checkCommand),
    record: async (events) => void recorded.push(...events),
    signal,
    env: { CADRE_RUN_ID: 'run_x' },
  })
  return recorded
}

describe("the project's check command", () => {
  it('runs in the workspace and records its exit code and the end of its output', async () => {
    const [passed] = await check('echo "ok from $(basename "$PWD") $CADRE_RUN_ID"')
    expect(passed).toMatchObject({
      type: 'check.finished',
      data: {
        exitCode: 0,
        timedOut: false,
        output: expect.stringMatching(/^ok from cadre-check-\w+ run_x$/),
      },
    })
    const [failed] = await check('seq 1 5000; echo "2 failing" >&2; exit 3')
    expect(failed).toMatchObject({
      data: { command: 'seq 1 5000; echo "2 failing" >&2; exit 3', exitCode: 3 },
    })
    const output = (failed!.data as { output: string }).output
    expect(output.length).toBeLessThanOrEqual(8000)
    expect(output).toMatch(/4999\n5000\n2 failing$/)
  })

  it('does nothing without a check command, or once the run is cancelled', async () => {
    expect(await check(undefined)).toEqual([])
    expect(await check('   ')).toEqual([])
    expect(await check('true', AbortSignal.abort())).toEqual([])
    // Cancelled while it runs: killed, and nothing recorded.
    const cancel = new AbortController()
    setTimeout(() => cancel.abort(), 100)
    const started = Date.now()
    expect(await check('sleep 20', cancel.signal)).toEqual([])
    expect(Date.now() - started).toBeLessThan(5000)
  })
})
