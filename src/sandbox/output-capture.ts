import type { ExecRequest, ExecResult } from './sandbox.ts'

/** How much of each stream a result keeps by default (all of it is streamed). */
export const defaultMaxOutputBytes = 1024 * 1024

/** Output kept up to a byte limit; the rest only counted. */
export const createCapture = (limit: number) => {
  let kept = ''
  let bytes = 0
  let truncated = false
  return {
    add(text: string) {
      const size = Buffer.byteLength(text)
      if (bytes + size <= limit) kept += text
      else {
        if (bytes < limit)
          kept += Buffer.from(text)
            .subarray(0, limit - bytes)
            .toString()
        truncated = true
      }
      bytes += size
    },
    get text() {
      return kept
    },
    get truncated() {
      return truncated
    },
  }
}

/** The result of a process cancelled before it began: nothing was made. */
export const cancelledBeforeStart: ExecResult = {
  exitCode: null,
  signal: null,
  timedOut: false,
  cancelled: true,
  stdout: '',
  stderr: '',
  truncated: false,
  durationMs: 0,
}

/**
 * A process's cancel and time limit for execs that end their processes by a call (a container's, a
 * pod's): `end` runs when either comes; `state` says which did; `release` when the process is over.
 */
export const stopOnCancelOrTimeout = (request: ExecRequest, end: () => void) => {
  const state = { cancelled: false, timedOut: false }
  const onAbort = () => {
    state.cancelled = true
    end()
  }
  request.signal?.addEventListener('abort', onAbort, { once: true })
  const timer = request.timeoutMs
    ? setTimeout(() => {
        state.timedOut = true
        end()
      }, request.timeoutMs).unref()
    : undefined
  return {
    state,
    /** Whether the process is being ended (and must be ended again if it lives on). */
    get stopping() {
      return state.cancelled || state.timedOut
    },
    release() {
      if (timer) clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
    },
  }
}

/** The result of a process whose streams were captured; one ended by Cadre without a code exited 137. */
export const capturedResult = (
  output: { stdout: ReturnType<typeof createCapture>; stderr: ReturnType<typeof createCapture> },
  state: { cancelled: boolean; timedOut: boolean },
  exitCode: number | null,
  started: number,
): ExecResult => ({
  exitCode: state.cancelled || state.timedOut ? (exitCode ?? 137) : exitCode,
  signal: null,
  timedOut: state.timedOut,
  cancelled: state.cancelled,
  stdout: output.stdout.text,
  stderr: output.stderr.text,
  truncated: output.stdout.truncated || output.stderr.truncated,
  durationMs: Math.round(performance.now() - started),
})
