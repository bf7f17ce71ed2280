import type { Redactor } from '../secrets/redactor.ts'
import type { CassetteChunk } from './cassette.ts'

export interface ReceivedChunk {
  atMs: number
  data: Buffer
}

const isUtf8 = (data: Buffer) => {
  try {
    new TextDecoder('utf-8', { fatal: true }).decode(data)
    return true
  } catch {
    return false
  }
}

/**
 * A streamed body as cassette chunks, redacted. Text chunks are decoded as one stream, so a
 * character split between two network chunks still comes out whole. A secret split between chunks
 * escapes per-chunk redaction; then the body is kept as a single redacted chunk instead.
 */
export const recordChunks = (received: ReceivedChunk[], redactor: Redactor): CassetteChunk[] => {
  const whole = Buffer.concat(received.map((chunk) => chunk.data))
  if (!isUtf8(whole)) return received.map(({ atMs, data }) => ({ atMs, base64: data.toString('base64') }))
  const decoder = new TextDecoder('utf-8')
  const texts = received.map(({ data }, index) =>
    decoder.decode(data, { stream: index < received.length - 1 }),
  )
  const redacted = texts.map((text) => redactor.redact(text))
  const wholeText = redactor.redact(texts.join(''))
  if (redacted.join('') !== wholeText) return [{ atMs: received[0]?.atMs ?? 0, text: wholeText }]
  return received.map(({ atMs }, index) => ({ atMs, text: redacted[index]! }))
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
