import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

describe('settings routes', () => {
  let t: TestServer
  beforeEach(async () => {
    t = await startTestServer()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  it('reads defaults, applies a patch, and refuses a bad value without changing anything', async () => {
    expect(await (await t.api('/api/settings')).json()).toEqual({
      defaultAgent: 'builtin',
      maxConcurrentRuns: 4,
    })
    const patched = await t.api('/api/settings', {
      method: 'PATCH',
      json: { maxConcurrentRuns: 8, defaultModel: 'm1' },
    })
    expect(await patched.json()).toEqual({
      defaultAgent: 'builtin',
      maxConcurrentRuns: 8,
      defaultModel: 'm1',
    })
    const bad = await t.api('/api/settings', { method: 'PATCH', json: { maxConcurrentRuns: 0 } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/settings\.maxConcurrentRuns/)
    expect((await (await t.api('/api/settings')).json()).maxConcurrentRuns).toBe(8)
  })
})
