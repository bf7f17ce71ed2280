import { setTimeout as pause } from 'node:timers/promises'
import type { ExecRequest, ExecResult, OutputStream } from './sandbox.ts'

/** How bubblewrap's complaints begin (its own, or one of a bwrap the command itself ran). */
const setupFailurePrefix = 'bwrap: '
/**
 * The complaints of a set-up that failed on the host's mounts before the command ran: retried.
 * Any other (no namespaces allowed, a nested bwrap's) is not: the command may have run.
 */
const mountSetupFailure =
  /^bwrap: Can't (bind mount|mount|remount|mkdir|create file at|find source path|get type of source)/
const attempts = 3

/** Whether this much of stderr, all there is so far, may still be bubblewrap's one-line complaint. */
const mayBeSetupFailure = (seen: string) => {
  const newline = seen.indexOf('\n')
  const firstLine = newline === -1 || newline === seen.length - 1
  return firstLine && (seen.startsWith(setupFailurePrefix) || setupFailurePrefix.startsWith(seen))
}

/**
 * Runs an isolated process again, up to three times, when bubblewrap failed to set up its mounts:
 * on a Docker host a container's mount can vanish while bubblewrap re-binds the host's mounts, and
 * the process fails with nothing run. Since the command never started, nothing is done twice. Output
 * that may be that complaint (stderr beginning `bwrap: `, one line, before anything else) is held
 * until it is known; the rest streams as it comes. A process fed from a stream runs once: its
 * input cannot be given twice.
 */
export const retryIsolationSetup = async (
  request: Pick<ExecRequest, 'onOutput' | 'stdin' | 'signal'>,
  run: (onOutput: (stream: OutputStream, text: string) => void) => Promise<ExecResult>,
): Promise<ExecResult> => {
  const inputRepeatable = request.stdin === undefined || typeof request.stdin === 'string'
  for (let attempt = 1; ; attempt++) {
    let held = ''
    let streaming = false
    const release = () => {
      streaming = true
      if (held) request.onOutput?.('stderr', held)
      held = ''
    }
    const result = await run((stream, text) => {
      if (!streaming && stream === 'stderr' && mayBeSetupFailure(held + text)) {
        held += text
        return
      }
      if (!streaming) release()
      request.onOutput?.(stream, text)
    })
    const setupFailed =
      !streaming &&
      mountSetupFailure.test(held) &&
      result.exitCode === 1 &&
      !result.cancelled &&
      !result.timedOut
    if (!setupFailed || !inputRepeatable || attempt === attempts || request.signal?.aborted) {
      release()
      return result
    }
    await pause(100 * attempt)
  }
}
