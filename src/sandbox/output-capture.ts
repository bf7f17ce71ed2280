import type { ExecResult } from './sandbox.ts'

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
