import { retryAfterMs } from './transient-model-error.ts'

export interface RetryPolicy {
  /** Attempts per model call, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
  /**
   * How long a call may go without output before it counts as dropped and is retried: until its
   * first piece (generous: a reasoning model may think for minutes before it says anything), and
   * between pieces once it streams.
   */
  firstOutputMs: number
  silenceMs: number
}

export const defaultRetryPolicy: RetryPolicy = {
  maxAttempts: 8,
  baseDelayMs: 1000,
  maxDelayMs: 60_000,
  firstOutputMs: 10 * 60_000,
  silenceMs: 5 * 60_000,
}

/** A provider asking for longer than this is not believed (the run would look hung). */
const maxRetryAfterMs = 10 * 60_000

/** Exponential backoff with jitter, capped; never sooner than the provider asked. */
export const backoffMs = (policy: RetryPolicy, attempt: number, error: unknown): number => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2)
  return Math.round(Math.max(jittered, Math.min(retryAfterMs(error) ?? 0, maxRetryAfterMs)))
}

/** Waits, or less when the signal aborts. */
export const pause = (ms: number, signal: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    const timer = setTimeout(done, ms)
    signal.addEventListener('abort', done, { once: true })
  })
