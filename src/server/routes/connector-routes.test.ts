import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

describe('connector routes', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  it('refuses a URL that carries credentials, on creation and on change (regression: kept in plain text, then a 503)', async () => {
    const url = 'http://user:pass@127.0.0.1:9/mcp'
    const made = await t.api('/api/connectors', {
      method: 'POST',
      json: { name: 'c', transport: 'http', url },
    })
    expect(made.status).toBe(400)
    expect((await made.json()).error.message).toMatch(/^body\.url: must not carry credentials/)
    const good = await (
      await t.api('/api/connectors', {
        method: 'POST',
        json: { name: 'd', transport: 'http', url: 'http://127.0.0.1:9/mcp', oauth: true },
      })
    ).json()
    const changed = await t.api(`/api/connectors/${good.id}`, { method: 'PATCH', json: { url } })
    expect(changed.status).toBe(400)
    // A server that cannot be reached is said so, as the route documents.
    const authorize = await t.api(`/api/connectors/${good.id}/authorize`, { method: 'POST' })
    expect(authorize.status).toBe(503)
    expect((await authorize.json()).error.code).toBe('unavailable')
  })
})
