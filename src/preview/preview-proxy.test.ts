import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WebSocket, WebSocketServer } from 'ws'
import type { PageErrors } from './error-reporter.ts'
import { type PreviewProxy, startPreviewProxy } from './preview-proxy.ts'

describe("a task's preview proxy", () => {
  let upstream: Server
  let proxy: PreviewProxy
  const reports: PageErrors[] = []
  const token = 'preview-token-0123456789abcdef'
  beforeAll(async () => {
    // A dev server: an HTML page, a script, what cookies it was sent, and a hot-reload socket.
    upstream = createServer((req, res) => {
      if (req.url === '/cookies') return res.end(req.headers.cookie ?? '(none)')
      if (req.url === '/app.js') {
        res.writeHead(200, { 'content-type': 'text/javascript' })
        return res.end('console.log(1)')
      }
      res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
      res.end('<!doctype html><html><head><title>app</title></head><body>hello</body></html>')
    })
    const sockets = new WebSocketServer({ server: upstream })
    sockets.on('connection', (socket) => socket.on('message', (data) => socket.send(`echo ${data}`)))
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve))
    proxy = await startPreviewProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      token,
      onErrors: (report) => reports.push(report),
    })
  })
  afterAll(async () => {
    await proxy.close()
    upstream.close()
  })

  /** The cookie the link gives, as a browser would keep it. */
  const signIn = async () => {
    const opened = await fetch(proxy.link, { redirect: 'manual' })
    expect(opened.status).toBe(303)
    expect(opened.headers.get('location')).toBe('/')
    const cookie = opened.headers.get('set-cookie')!.split(';')[0]!
    expect(opened.headers.get('set-cookie')).toMatch(/HttpOnly/)
    return cookie
  }

  it('is on an origin of its own, and opens only with its link', async () => {
    expect(proxy.origin).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect((await fetch(`${proxy.origin}/`)).status).toBe(401)
    expect((await fetch(`${proxy.origin}/?cadre_preview=wrong`, { redirect: 'manual' })).status).toBe(403)
    const cookie = await signIn()
    const page = await fetch(`${proxy.origin}/`, { headers: { cookie: `${cookie.split('=')[0]}=wrong` } })
    expect(page.status).toBe(401)
  })

  it("puts the error reporter first in HTML pages only, and keeps Cadre's cookies from the dev server", async () => {
    const cookie = await signIn()
    const page = await (await fetch(`${proxy.origin}/`, { headers: { cookie } })).text()
    expect(page).toBe(
      '<!doctype html><html><head><script src="/__cadre_preview/errors.js"></script><title>app</title></head><body>hello</body></html>',
    )
    expect(await (await fetch(`${proxy.origin}/app.js`, { headers: { cookie } })).text()).toBe(
      'console.log(1)',
    )
    const reporter = await fetch(`${proxy.origin}/__cadre_preview/errors.js`, { headers: { cookie } })
    expect(await reporter.text()).toContain("addEventListener('unhandledrejection'")
    const sent = await fetch(`${proxy.origin}/cookies`, {
      headers: { cookie: `${cookie}; cadre_session=the-users-session; theme=dark` },
    })
    expect(await sent.text()).toBe('theme=dark')
  })

  it("takes the page's error reports, and refuses malformed ones with a reason", async () => {
    const cookie = await signIn()
    const report = {
      page: `${proxy.origin}/`,
      errors: [{ kind: 'error', message: 'boom', source: `${proxy.origin}/src/App.tsx`, line: 3, column: 9 }],
    }
    const post = (body: string) =>
      fetch(`${proxy.origin}/__cadre_preview/errors`, {
        method: 'POST',
        headers: { cookie, 'content-type': 'application/json' },
        body,
      })
    expect((await post(JSON.stringify(report))).status).toBe(204)
    expect(reports.at(-1)).toEqual(report)
    const bad = await post(JSON.stringify({ errors: [{ kind: 'nope', message: 'x' }] }))
    expect(bad.status).toBe(400)
    expect(await bad.text()).toMatch(/not valid/)
    expect((await post('{')).status).toBe(400)
    expect(reports).toHaveLength(1)
  })

  it('proxies the hot-reload WebSocket for a page with its cookie, and no other', async () => {
    const cookie = await signIn()
    const url = proxy.origin.replace('http', 'ws')
    const echoed = await new Promise<string>((resolve, reject) => {
      const socket = new WebSocket(url, { headers: { cookie } })
      socket.on('open', () => socket.send('ping'))
      socket.on('message', (data) => {
        resolve(String(data))
        socket.close()
      })
      socket.on('error', reject)
    })
    expect(echoed).toBe('echo ping')
    const refused = await new Promise<string>((resolve) => {
      const socket = new WebSocket(url)
      socket.on('open', () => resolve('opened'))
      socket.on('error', (error) => resolve(error.message))
    })
    expect(refused).toMatch(/401/)
  })

  it('closes with a page still connected over hot reload (regression: it waited for the page forever)', async () => {
    const cookie = await signIn()
    const another = await startPreviewProxy({
      target: `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`,
      token,
      onErrors: () => {},
    })
    const socket = new WebSocket(another.origin.replace('http', 'ws'), {
      headers: { cookie: cookie.replace(/^[^=]+/, `cadre_preview_${new URL(another.origin).port}`) },
    })
    await new Promise((resolve, reject) => {
      socket.on('open', resolve)
      socket.on('error', reject)
    })
    const closedBy = (ms: number) =>
      Promise.race([
        another.close().then(() => 'closed'),
        new Promise((resolve) => setTimeout(() => resolve('still open'), ms)),
      ])
    expect(await closedBy(3000)).toBe('closed')
    await new Promise((resolve) => socket.on('close', resolve))
  })
})
