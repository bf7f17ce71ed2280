import { Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { createRedactor } from '../secrets/redactor.ts'
import { createLogger } from './create-logger.ts'

const capture = () => {
  const lines: string[] = []
  const destination = new Writable({
    write(chunk, _encoding, done) {
      lines.push(String(chunk))
      done()
    },
  })
  return { lines, destination }
}

describe('logger', () => {
  it('never writes a known secret or a token-shaped string, wherever it is in the line', async () => {
    const known = 'Q9v-known-but-shapeless-secret'
    const shaped = 'sk-ant-api03-never-told-0123456789abcdef'
    const { lines, destination } = capture()
    const log = await createLogger({
      level: 'debug',
      pretty: false,
      destination,
      redactor: createRedactor([known]),
    })
    log.info(`message with ${known}`)
    log.info({ request: { url: `https://x/?key=${known}`, headers: { 'x-api-key': shaped } } }, 'fields')
    log.error({ err: new Error(`upstream refused ${shaped}`) }, 'error with stack')
    log.debug({ [known]: 'as a key' }, 'keys too')
    log.flush()
    const written = lines.join('')
    expect(lines).toHaveLength(4)
    expect(written).not.toContain(known)
    expect(written).not.toContain(shaped)
    expect(written.match(/\[redacted\]/g)?.length).toBeGreaterThanOrEqual(6)
    for (const line of lines) expect(() => JSON.parse(line)).not.toThrow()
  })
})
