import { constants } from 'node:os'
import type { ExecResult } from '../sandbox/sandbox.ts'
import type { AgentAction } from './agent-action.ts'
import type { RuntimeRun } from './agent-runtime.ts'
import { execLines } from './exec-lines.ts'

const signalNames = new Map(Object.entries(constants.signals).map(([name, number]) => [number, name]))
const killSignals = new Set(['SIGKILL', 'SIGTERM', 'SIGINT', 'SIGHUP'])

/**
 * How an agent's process ended, in words: a crash named by its signal. A process in a sandbox
 * (bubblewrap, a container) that dies of a signal comes back as exit 128 + its number, the shell's way.
 */
const howItEnded = ({ exitCode, signal }: Pick<ExecResult, 'exitCode' | 'signal'>): string => {
  const named = signal ?? (exitCode !== null && exitCode > 128 ? signalNames.get(exitCode - 128) : undefined)
  if (!named) return `exited with ${exitCode}`
  const detail = exitCode === null ? named : `${named}, exit ${exitCode}`
  return killSignals.has(named) ? `was killed (${detail})` : `crashed (${detail})`
}

/**
 * One turn of an agent CLI in the workspace: each JSON line it prints is translated as it comes
 * (a line that is not JSON is handed over as it is); with `joinText`, text pieces in a row (an
 * agent that streams its reply as deltas) are joined into one reply. A non-zero exit that was not a cancel becomes an error with what the agent printed last.
 */
export async function* runAgentCommand(
  run: RuntimeRun,
  name: string,
  command: readonly string[],
  env: Record<string, string>,
  translate: (message: unknown) => AgentAction[],
  { joinText = false }: { joinText?: boolean } = {},
): AsyncGenerator<AgentAction> {
  const lines = execLines(run.workspace, { command, env: { ...run.env, ...env }, signal: run.signal })
  let text = ''
  let next = await lines.next()
  while (!next.done) {
    let message: unknown
    try {
      message = JSON.parse(next.value)
    } catch {
      message = next.value
    }
    for (const action of translate(message)) {
      if (action.type === 'text' && joinText) {
        text += action.text
        continue
      }
      if (text) yield { type: 'text', text }
      text = ''
      yield action
    }
    next = await lines.next()
  }
  if (text) yield { type: 'text', text }
  const result = next.value
  if (result.exitCode !== 0 && !result.cancelled) {
    const said = result.stderr.trim().split('\n').slice(-3).join(' ')
    yield {
      type: 'error',
      message: `${name} ${howItEnded(result)}${said ? `: ${said}` : ''}`,
    }
  }
}
