import { Hono } from 'hono'
import { pino } from 'pino'
import { describe, expect, it } from 'vitest'
import { toErrorResponse } from './error-responses.ts'

/** An app whose one route throws `error`, and the lines it logged. */
const appThrowing = (error: unknown) => {
  const lines: string[] = []
  const log = pino({ level: 'info' }, { write: (line: string) => lines.push(line) })
  const app = new Hono()
  app.onError((thrown, c) => toErrorResponse(thrown, c, log))
  app.post('/api/tasks', () => {
    throw error
  })
  return { app, lines }
}

describe('error responses', () => {
  it('tells the client the database cannot be written when the disk is full, and logs why', async () => {
    const full = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    const { app, lines } = appThrowing(full)
    const response = await app.request('/api/tasks', { method: 'POST' })
    expect(response.status).toBe(503)
    expect(await response.json()).toEqual({
      error: {
        code: 'unavailable',
        message:
          'the database cannot be written: the disk is full (database or disk is full); free some space. Nothing stored is lost',
        details: { storage: 'disk_full' },
      },
    })
    expect(JSON.parse(lines[0]!)).toMatchObject({
      level: 50,
      path: '/api/tasks',
      msg: expect.stringMatching(/^the database cannot be written: the disk is full/),
    })
  })

  it('keeps anything unexpected to the log, giving the client an incident number', async () => {
    const { app, lines } = appThrowing(new Error('a secret detail'))
    const response = await app.request('/api/tasks', { method: 'POST' })
    expect(response.status).toBe(500)
    const { error } = (await response.json()) as { error: { message: string } }
    expect(error.message).toMatch(/^internal error; the server log has the details \(incident [\w-]+\)$/)
    expect(lines.join('')).toContain('a secret detail')
  })
})
