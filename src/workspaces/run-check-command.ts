import type { Project } from '../core/entities.ts'
import type { EventInput } from '../core/events/registry.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'

/** A check runs at most this long; then its processes are killed and it counts as timed out. */
export const checkTimeoutMs = 15 * 60_000
/** How much of the check's output its event keeps: the end, where test runners say what failed. */
const keptOutputChars = 8000

export interface CheckRequest {
  workspace: Sandbox
  project: Project
  record(events: readonly EventInput[]): Promise<void>
  /** A cancel or a shutdown kills the check, and nothing is recorded. */
  signal: AbortSignal
  /** Added to the check's environment (the run's mark, so a restarted server finds its processes). */
  env?: Readonly<Record<string, string>>
}

/**
 * Runs the project's check command (`checkCommand`, e.g. `npm test`) in the workspace the agent
 * has just finished in, and records its result as `check.finished`. The result is there to compare
 * and review, not a verdict: a failing check, a timeout or a command that cannot start never fails
 * the task. Files the check writes stay in the workspace (keep build output in .gitignore).
 */
export const runCheckCommand = async ({ workspace, project, record, signal, env }: CheckRequest) => {
  const command = project.settings.checkCommand?.trim()
  if (!command || signal.aborted) return
  const started = performance.now()
  const result = await workspace
    .exec({ command: { shell: command }, timeoutMs: checkTimeoutMs, signal, env, maxOutputBytes: 1 << 20 })
    .catch((error: unknown) => ({
      exitCode: null,
      timedOut: false,
      stdout: '',
      stderr: `the check could not run: ${(error as Error).message}`,
      durationMs: performance.now() - started,
    }))
  if (signal.aborted) return
  const printed = [result.stdout.trim(), result.stderr.trim()].filter(Boolean).join('\n')
  await record([
    {
      type: 'check.finished',
      data: {
        command,
        exitCode: result.exitCode,
        timedOut: result.timedOut,
        durationMs: Math.round(result.durationMs),
        output: printed.slice(-keptOutputChars),
      },
    },
  ])
}
