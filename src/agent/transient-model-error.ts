import { APICallError } from 'ai'

const retryableStatuses = new Set([408, 409, 425, 429, 500, 502, 503, 504, 529])
// What a dropped connection or a stream cut mid-way looks like from fetch and the stream parsers.
const droppedStream =
  /terminated|ECONNRESET|ECONNREFUSED|socket hang up|fetch failed|premature close|other side closed|network/i

/** A model call that went silent for longer than the retry policy allows: a dropped stream. */
export class ModelStalledError extends Error {
  constructor(silentMs: number, started: boolean) {
    super(
      `the model's stream went silent for ${Math.round(silentMs / 1000)} s ${started ? 'in the middle of its reply' : 'before its reply began'}`,
    )
    this.name = 'ModelStalledError'
  }
}

/** The messages of an error and of its causes, in one line. */
const causeChain = (error: unknown): string => {
  const messages: string[] = []
  for (let current = error, depth = 0; current && depth < 5; depth++) {
    messages.push(String((current as Error).message ?? current))
    current = (current as { cause?: unknown }).cause
  }
  return messages.join(' / ')
}

/** An HTTP status the provider answered with, when it refused the call (a 2xx stream that broke is not one). */
const refusalStatus = (error: unknown) =>
  APICallError.isInstance(error) && error.statusCode !== undefined && error.statusCode >= 300
    ? error.statusCode
    : undefined

/** Whether a model call's failure is worth retrying: rate limits, overload, server errors, dropped streams. */
export const isTransientModelError = (error: unknown): boolean => {
  if (error instanceof ModelStalledError) return true
  const status = refusalStatus(error)
  return status !== undefined ? retryableStatuses.has(status) : droppedStream.test(causeChain(error))
}

/** How long the provider asked to wait, in milliseconds, if it said (retry-after, retry-after-ms). */
export const retryAfterMs = (error: unknown): number | undefined => {
  if (!APICallError.isInstance(error)) return undefined
  const headers = error.responseHeaders ?? {}
  const ms = Number(headers['retry-after-ms'])
  if (headers['retry-after-ms'] !== undefined && Number.isFinite(ms) && ms >= 0) return ms
  const value = headers['retry-after']
  if (value === undefined) return undefined
  const seconds = Number(value)
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000)
  const date = Date.parse(value)
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now())
}

/** A short reason for the retry event: the status and the provider's message, or what dropped. */
export const describeModelError = (error: unknown): string => {
  if (error instanceof ModelStalledError) return error.message
  const status = refusalStatus(error)
  const text =
    status !== undefined
      ? `${status}: ${(error as Error).message}`
      : `the connection dropped: ${causeChain(error)}`
  return text.slice(0, 300)
}
