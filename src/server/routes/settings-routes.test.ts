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
      hiddenPaths: [],
      worktreeRetentionDays: 7,
      policy: { rules: [] },
    })
    const patched = await t.api('/api/settings', {
      method: 'PATCH',
      json: {
        maxConcurrentRuns: 8,
        defaultModel: 'm1',
        policy: { rules: [{ tool: 'bash', pattern: 'git push*', action: 'deny' }] },
      },
    })
    expect(await patched.json()).toEqual({
      defaultAgent: 'builtin',
      maxConcurrentRuns: 8,
      hiddenPaths: [],
      worktreeRetentionDays: 7,
      defaultModel: 'm1',
      policy: { rules: [{ tool: 'bash', pattern: 'git push*', action: 'deny' }] },
    })
    const bad = await t.api('/api/settings', { method: 'PATCH', json: { maxConcurrentRuns: 0 } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/settings\.maxConcurrentRuns/)
    const badRule = await t.api('/api/settings', {
      method: 'PATCH',
      json: { policy: { rules: [{ tool: 'bash', action: 'maybe' }] } },
    })
    expect(badRule.status).toBe(400)
    expect((await badRule.json()).error.message).toMatch(/settings\.policy\.rules\.0\.action/)
    const relativePath = await t.api('/api/settings', {
      method: 'PATCH',
      json: { hiddenPaths: ['~/private', 'secrets'] },
    })
    expect(relativePath.status).toBe(400)
    expect((await relativePath.json()).error.message).toMatch(
      /settings\.hiddenPaths\.1: an absolute path, or one starting with ~\//,
    )
    const systemFolder = await t.api('/api/settings', { method: 'PATCH', json: { hiddenPaths: ['/usr/'] } })
    expect(systemFolder.status).toBe(400)
    expect((await systemFolder.json()).error.message).toMatch(
      /settings\.hiddenPaths\.0: a folder every program needs/,
    )
    expect(await (await t.api('/api/settings')).json()).toMatchObject({
      maxConcurrentRuns: 8,
      hiddenPaths: [],
    })
  })
})
