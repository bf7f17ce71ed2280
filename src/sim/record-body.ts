import { isUtf8 } from 'node:buffer'
import type { Redactor } from '../secrets/redactor.ts'
import type { CassetteChunk, CassetteExchange } from './cassette.ts'

export interface ReceivedChunk {
  atMs: number
  data: Buffer
}

/** What a cassette holds in place of a body that is not UTF-8 text. */
export const binaryPlaceholder = '[cadre sim: binary body omitted]'

/**
 * A streamed body as cassette chunks, redacted. Text chunks are decoded as one stream, so a
 * character split between two network chunks still comes out whole. A secret split between chunks
 * escapes per-chunk redaction; then the body is kept as a single redacted chunk instead.
 */
const recordChunks = (received: ReceivedChunk[], redactor: Redactor): CassetteChunk[] => {
  const decoder = new TextDecoder('utf-8')
  const texts = received.map(({ data }, index) =>
    decoder.decode(data, { stream: index < received.length - 1 }),
  )
  const redacted = texts.map((text) => redactor.redact(text))
  const wholeText = redactor.redact(texts.join(''))
  if (redacted.join('') !== wholeText) return [{ atMs: received[0]?.atMs ?? 0, text: wholeText }]
  return received.map(({ atMs }, index) => ({ atMs, text: redacted[index]! }))
}

/**
 * A response body as a cassette stores it, redacted: an event stream as timed chunks, anything
 * else whole. A body that is not UTF-8 text (compressed, or an image) is not stored at all, since
 * the redactor cannot see a secret inside it: a placeholder and a note stand in for it.
 */
export const recordResponseBody = (
  received: ReceivedChunk[],
  redactor: Redactor,
  stream: boolean,
): Pick<CassetteExchange['response'], 'chunks' | 'body' | 'note'> => {
  const whole = Buffer.concat(received.map((chunk) => chunk.data))
  if (!isUtf8(whole)) {
    const note = `the upstream body (${whole.length} bytes) was not UTF-8 text, so it is omitted: a secret inside it could not be redacted`
    return { body: binaryPlaceholder, note }
  }
  return stream
    ? { chunks: recordChunks(received, redactor) }
    : { body: redactor.redact(whole.toString('utf8')) }
}

/** A request body as stored: parsed JSON with every string redacted, or the redacted text. */
export const recordRequestBody = (body: Buffer, redactor: Redactor): unknown => {
  if (body.length === 0) return undefined
  const text = body.toString('utf8')
  try {
    return redactor.redactValue(JSON.parse(text))
  } catch {
    return redactor.redact(text)
  }
}
