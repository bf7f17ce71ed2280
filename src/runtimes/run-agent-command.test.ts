import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { openDirectorySandbox } from '../sandbox/directory-sandbox.ts'
import type { AgentAction } from './agent-action.ts'
import type { RuntimeRun } from './agent-runtime.ts'
import { runAgentCommand } from './run-agent-command.ts'

/** What an agent CLI that runs `script` reports, its JSON lines handed over as they are. */
const actionsOf = async (script: string) => {
  const dir = mkdtempSync(join(tmpdir(), 'cadre-agent-command-'))
  const workspace = await openDirectorySandbox(dir)
  const run: RuntimeRun = {
    taskId: 'tsk_test',
    runId: 'run_test',
    workspace: {
      ...workspace,
      info: { kind: 'worktree', branch: 'main', isolation: 'none', created: true, stateDir: dir },
    },
    model: { model: 'm', baseUrl: 'http://127.0.0.1:9', apiKey: 'k' },
    stateDir: dir,
    mode: 'default',
    signal: new AbortController().signal,
    env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
  }
  const actions: AgentAction[] = []
  const translate = (message: unknown): AgentAction[] => [{ type: 'other', raw: message }]
  for await (const action of runAgentCommand(run, 'fake', ['/bin/sh', '-c', script], {}, translate)) {
    actions.push(action)
  }
  return actions
}

describe('an agent CLI that does not end well', () => {
  it('crashing mid-run: what it said, then that it crashed and of what', async () => {
    const actions = await actionsOf(
      'echo \'{"type":"started"}\'; echo "about to fall over" >&2; kill -SEGV $$',
    )
    expect(actions).toEqual([
      { type: 'other', raw: { type: 'started' } },
      { type: 'error', message: 'fake crashed (SIGSEGV): about to fall over' },
    ])
  })

  it('dying of a signal inside a sandbox, which reports it as exit 128 + the signal', async () => {
    expect((await actionsOf('exit 139')).at(-1)).toEqual({
      type: 'error',
      message: 'fake crashed (SIGSEGV, exit 139)',
    })
    expect((await actionsOf('exit 137')).at(-1)).toEqual({
      type: 'error',
      message: 'fake was killed (SIGKILL, exit 137)',
    })
  })

  it('failing: its exit code and its last words', async () => {
    expect((await actionsOf('echo "no key configured" >&2; exit 1')).at(-1)).toEqual({
      type: 'error',
      message: 'fake exited with 1: no key configured',
    })
  })
})
