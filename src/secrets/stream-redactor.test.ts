import { describe, expect, it } from 'vitest'
import { createRedactor, REDACTED } from './redactor.ts'
import { createStreamRedactor } from './stream-redactor.ts'

const known = 'Zq-known-shapeless-secret-77'
const shaped = 'sk-ant-api03-abcdefghijklmnopqrstuvwxyz0123'
const text = [
  `Here is the key ${known} and another ${shaped} in the output.`,
  'Authorization: Bearer abcdefghijklmnop0123 sent.',
  '-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\nBKcwggSjAgEAAoIBAQC7\n-----END PRIVATE KEY-----',
  'The end.',
].join('\n')

/** Feeds the text in pieces of `size` characters and returns everything let through. */
const streamed = (size: number) => {
  const stream = createStreamRedactor(createRedactor([known]))
  let out = ''
  for (let i = 0; i < text.length; i += size) out += stream.push(text.slice(i, i + size))
  return out + stream.flush()
}

describe('stream redactor', () => {
  it.each([1, 2, 3, 5, 7, 16, 64, 1000])(
    'lets no secret through when the text arrives in pieces of %i characters',
    (size) => {
      const out = streamed(size)
      expect(out).toBe(createRedactor([known]).redact(text))
      expect(out).not.toContain('known-shapeless')
      expect(out).not.toContain('abcdefghijklmnop')
      expect(out).not.toContain('MIIEvQ')
      expect(out.match(new RegExp(REDACTED.replace(/[[\]]/g, '\\$&'), 'g'))).toHaveLength(4)
    },
  )

  it('lets long text without spaces flow, still catching a secret split at the release point', () => {
    for (const filler of ['x'.repeat(16 * 1024), `{"a":"${'y'.repeat(16 * 1024)}","b":"`]) {
      const stream = createStreamRedactor(createRedactor([known]))
      const half = known.length / 2
      let out = stream.push(filler)
      out += stream.push(known.slice(0, half))
      out += stream.push(known.slice(half))
      out += stream.flush()
      expect(out).not.toContain(known.slice(3))
      expect(out).toContain(REDACTED)
    }
  })

  it('lets text flow as it arrives, holding back only the last two words', () => {
    const stream = createStreamRedactor(createRedactor([known]))
    expect(stream.push('one two three ')).toBe('one ')
    expect(stream.push('four five')).toBe('two three ')
    expect(stream.flush()).toBe('four five')
  })
})
