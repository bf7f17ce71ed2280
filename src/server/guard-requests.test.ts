import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { startTestServer, type TestResponse, type TestServer } from '../../test/support/test-server.ts'

describe('access to the server', () => {
  let t: TestServer
  beforeEach(async () => {
    t = await startTestServer()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  const raw = (path: string, headers: Record<string, string> = {}): Promise<TestResponse> =>
    fetch(`${t.url}${path}`, { headers, redirect: 'manual' })

  it('serves health without a token, and nothing else', async () => {
    expect(await (await raw('/api/health')).json()).toEqual({ ok: true, version: '0.0.0-test' })
    const missing = await raw('/api/projects')
    expect(missing.status).toBe(401)
    expect((await missing.json()).error.message).toMatch(/needs the access token/)
    const wrong = await raw('/api/projects', { authorization: 'Bearer not-the-token' })
    expect(wrong.status).toBe(401)
    expect((await wrong.json()).error.message).toBe('the access token is not valid')
    expect((await raw('/api/projects', { authorization: `Bearer ${t.token}` })).status).toBe(200)
  })

  it('refuses a foreign Host (DNS rebinding) even with the token', async () => {
    const { port } = t.server
    const http = await import('node:http')
    const status = (host: string) =>
      new Promise<number>((resolve, reject) => {
        http
          .get(
            {
              port,
              host: '127.0.0.1',
              path: '/api/projects',
              headers: { host, authorization: `Bearer ${t.token}` },
            },
            (res) => {
              res.resume()
              resolve(res.statusCode ?? 0)
            },
          )
          .on('error', reject)
      })
    expect(await status('evil.example:80')).toBe(403)
    expect(await status(`evil.example:${port}`)).toBe(403)
    expect(await status(`localhost:${port}`)).toBe(200)
    expect(await status(`127.0.0.1:${port}`)).toBe(200)
  })

  it('refuses a foreign Origin (cross-site requests)', async () => {
    const foreign = await raw('/api/projects', {
      authorization: `Bearer ${t.token}`,
      origin: 'https://evil.example',
    })
    expect(foreign.status).toBe(403)
    expect((await foreign.json()).error.message).toMatch(
      /cross-site request from https:\/\/evil.example refused/,
    )
    const own = await raw('/api/projects', { authorization: `Bearer ${t.token}`, origin: t.url })
    expect(own.status).toBe(200)
  })

  it('trades the token in a link for an HttpOnly SameSite=Strict cookie and drops it from the address', async () => {
    // A wrong link lands on the UI's sign-in page, saying so, with no cookie and no token kept.
    const wrong = await raw('/?token=nope')
    expect(wrong.status).toBe(302)
    expect(wrong.headers.get('location')).toBe('/?signin=refused')
    expect(wrong.headers.get('set-cookie')).toBeNull()
    const wrongApi = await raw('/api/projects?token=nope')
    expect(wrongApi.status).toBe(401)

    const signIn = await raw(`/?token=${t.token}&tab=board`)
    expect(signIn.status).toBe(302)
    expect(signIn.headers.get('location')).toBe('/?tab=board')
    const cookie = signIn.headers.get('set-cookie') ?? ''
    expect(cookie).toMatch(/^cadre_session=[\w-]+;/)
    expect(cookie).toMatch(/HttpOnly/)
    expect(cookie).toMatch(/SameSite=Strict/)
    expect(cookie).not.toContain(t.token)

    const session = cookie.split(';')[0]!
    expect((await raw('/api/projects', { cookie: session })).status).toBe(200)
    expect((await raw('/', { cookie: session })).status).not.toBe(401)
    // The UI's page holds nothing secret; what it shows comes from the API, which asks.
    expect((await raw('/tasks/tsk_1')).status).not.toBe(401)
    expect((await raw('/api/tasks/tsk_1')).status).toBe(401)
    expect((await raw('/api/projects', { cookie: 'cadre_session=forged' })).status).toBe(401)

    // The same cookie opens the live stream, and a foreign Origin cannot use it.
    const viaCookie = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream`, {
      headers: { cookie: session, origin: t.url },
    })
    await new Promise((resolve, reject) => {
      viaCookie.on('open', resolve)
      viaCookie.on('error', reject)
    })
    viaCookie.close()
    const crossSite = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream`, {
      headers: { cookie: session, origin: 'https://evil.example' },
    })
    expect(
      await new Promise((resolve) =>
        crossSite.on('unexpected-response', (_req, res) => resolve(res.statusCode)),
      ),
    ).toBe(403)
  })

  it('refuses the stream without a token', async () => {
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream`)
    expect(
      await new Promise((resolve) =>
        socket.on('unexpected-response', (_req, res) => resolve(res.statusCode)),
      ),
    ).toBe(401)
  })

  it('survives a malformed upgrade request from anyone (regression: it used to crash the server)', async () => {
    const net = await import('node:net')
    const socket = net.connect(t.server.port, '127.0.0.1')
    await new Promise((resolve) => socket.once('connect', resolve))
    socket.write(
      `GET http://[/api/stream HTTP/1.1\r\nHost: 127.0.0.1:${t.server.port}\r\nUpgrade: websocket\r\n` +
        'Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n',
    )
    await new Promise((resolve) => socket.once('close', resolve).resume())
    expect((await raw('/api/health')).status).toBe(200)
  })
})
