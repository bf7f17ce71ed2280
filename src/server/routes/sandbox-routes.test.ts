import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

describe('GET /api/sandboxes', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  it('says which workspace backends this machine can run, and why not', async () => {
    const { sandboxes } = await (await t.api('/api/sandboxes')).json()
    expect(sandboxes).toEqual([
      { kind: 'worktree', usable: true, detail: expect.stringContaining('bubblewrap') },
      // The tests' Docker engine answers here (.ci/run starts it).
      { kind: 'docker', usable: true, detail: expect.stringMatching(/\(API 1\.\d+\)/) },
      { kind: 'kubernetes', usable: false, detail: expect.stringContaining('not available') },
    ])
  })
})
