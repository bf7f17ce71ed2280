import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { createServer, type IncomingMessage, request, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { Cassette } from './cassette.ts'
import { binaryPlaceholder } from './record-body.ts'
import { startRecorder } from './start-recorder.ts'

const secret = () => randomBytes(16).toString('hex')
const anthropic = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': secret(),
}

/** A plain HTTP server that notes every request it gets (URL, headers, body) and answers with `answer`. */
const upstreamServer = async (answer: (response: ServerResponse, request: IncomingMessage) => void) => {
  const seen: Array<{ url: string; headers: IncomingMessage['headers']; body: string }> = []
  const server = createServer(async (incoming, response) => {
    const chunks: Buffer[] = []
    for await (const chunk of incoming) chunks.push(chunk as Buffer)
    seen.push({ url: incoming.url ?? '', headers: incoming.headers, body: Buffer.concat(chunks).toString() })
    answer(response, incoming)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  const { port } = server.address() as AddressInfo
  return { url: `http://127.0.0.1:${port}`, port, seen, [Symbol.asyncDispose]: close }
}

const answerJson = (response: ServerResponse) => {
  response.writeHead(200, { 'content-type': 'application/json' })
  response.end('{"ok":true}')
}

/** A request sent exactly as written: fetch would normalize the request target. */
const rawRequest = (base: string, path: string, headers: Record<string, string>, body = '{}') =>
  new Promise<{ status: number; body: string }>((resolve, reject) => {
    const { hostname, port } = new URL(base)
    const outgoing = request({ hostname, port, path, method: 'POST', headers }, (response) => {
      let text = ''
      response.on('data', (chunk) => (text += chunk))
      response.on('end', () => resolve({ status: response.statusCode ?? 0, body: text }))
    })
    outgoing.on('error', reject)
    outgoing.end(body)
  })

const newCassette = () => join(mkdtempSync(join(tmpdir(), 'cadre-recorder-')), 'c.json')
const readCassetteFile = (path: string) => Cassette.parse(JSON.parse(readFileSync(path, 'utf8')))

describe('the recorder', () => {
  it('refuses a request target that is not a plain path, and never sends one to another host', async () => {
    // Regression: `POST //127.0.0.1:PORT/v1/messages` was resolved as a URL of that host, and the
    // client's x-api-key went there.
    await using attacker = await upstreamServer(answerJson)
    await using upstream = await upstreamServer(answerJson)
    const cassettePath = newCassette()
    await using recorder = await startRecorder({ upstream: upstream.url, cassettePath })
    const elsewhere = `127.0.0.1:${attacker.port}/v1/messages`
    for (const target of [`//${elsewhere}`, `/\\${elsewhere}`, `http://${elsewhere}`, '*']) {
      const response = await rawRequest(recorder.url, target, anthropic)
      expect(response.status, target).toBe(400)
      expect(JSON.parse(response.body)).toMatchObject({
        type: 'error',
        error: { type: 'invalid_request_error', message: expect.stringContaining('single "/"') },
      })
    }
    // A path that normalizes to `//host` still goes to the upstream, as a path.
    expect((await rawRequest(recorder.url, `/.//${elsewhere}`, anthropic)).status).toBe(200)
    expect(upstream.seen.map((seen) => seen.url)).toEqual([`//${elsewhere}`])
    expect(attacker.seen).toEqual([])
  })

  it("joins the upstream's own path and the request's, and asks for an uncompressed body", async () => {
    await using upstream = await upstreamServer(answerJson)
    await using recorder = await startRecorder({
      upstream: `${upstream.url}/proxy/`,
      cassettePath: newCassette(),
    })
    const response = await rawRequest(recorder.url, '/v1/messages?beta=true', {
      ...anthropic,
      'accept-encoding': 'gzip, br',
    })
    expect(response.status).toBe(200)
    expect(upstream.seen[0]).toMatchObject({
      url: '/proxy/v1/messages?beta=true',
      headers: { 'accept-encoding': 'identity', 'x-api-key': anthropic['x-api-key'] },
    })
  })

  it('keeps credential-named query parameters and given secrets out of the cassette', async () => {
    await using upstream = await upstreamServer((response, incoming) => {
      response.writeHead(200, { 'content-type': 'application/json' })
      response.end(JSON.stringify({ url: incoming.url }))
    })
    const given = secret()
    const cassettePath = newCassette()
    const recorder = await startRecorder({ upstream: upstream.url, cassettePath, secrets: [given] })
    const names = [
      'access_token',
      'API_KEY',
      'apikey',
      'sig',
      'X-Goog-Signature',
      'my_secret',
      'auth',
      'Token',
    ]
    const values = names.map(() => secret())
    const query = names.map((name, index) => `${name}=${values[index]}`).join('&')
    const body = JSON.stringify({
      model: 'm',
      messages: [{ role: 'user', content: [...values, given].join(' ') }],
    })
    const response = await rawRequest(recorder.url, `/v1/chat/completions?beta=true&${query}`, {}, body)
    expect(response.status).toBe(200)
    await recorder.close()
    const text = readFileSync(cassettePath, 'utf8')
    for (const value of [...values, given]) expect(text).not.toContain(value)
    expect(readCassetteFile(cassettePath).exchanges[0]?.request.path).toBe('/v1/chat/completions?beta=true')
  })

  it('omits a body that is not UTF-8 text instead of storing it unredacted', async () => {
    const hidden = secret()
    const gzipped = gzipSync(JSON.stringify({ text: hidden }))
    // An upstream that compresses whatever it is asked.
    await using upstream = await upstreamServer((response) => {
      response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' })
      response.end(gzipped)
    })
    const cassettePath = newCassette()
    const recorder = await startRecorder({ upstream: upstream.url, cassettePath })
    const response = await fetch(`${recorder.url}/v1/messages`, {
      method: 'POST',
      headers: anthropic,
      body: '{}',
    })
    expect(await response.json()).toEqual({ text: hidden })
    await recorder.close()
    const recorded = readCassetteFile(cassettePath).exchanges[0]?.response
    expect(recorded).toMatchObject({ body: binaryPlaceholder, note: expect.stringContaining('not UTF-8') })
    expect(recorded?.bodyBase64).toBeUndefined()
    expect(readFileSync(cassettePath, 'utf8')).not.toContain(gzipped.toString('base64'))
  })

  it('answers a request body over the limit with a 413 in the protocol shape', async () => {
    await using upstream = await upstreamServer(answerJson)
    await using recorder = await startRecorder({
      upstream: upstream.url,
      cassettePath: newCassette(),
      maxBodyBytes: 1024,
    })
    const response = await fetch(`${recorder.url}/v1/messages`, {
      method: 'POST',
      headers: anthropic,
      body: JSON.stringify({ text: 'x'.repeat(256 * 1024) }),
    })
    expect(response.status).toBe(413)
    expect(await response.json()).toMatchObject({
      type: 'error',
      error: { type: 'request_too_large', message: 'request body is larger than 1024 bytes' },
    })
    expect(upstream.seen).toEqual([])
  })

  it('streams a response past the limit through whole, but records only up to it, and says so', async () => {
    const piece = `data: ${'y'.repeat(500)}\n\n`
    await using upstream = await upstreamServer((response) => {
      response.writeHead(200, { 'content-type': 'text/event-stream' })
      let sent = 0
      const next = () => {
        if (sent++ === 10) return response.end()
        response.write(piece, () => setTimeout(next, 2))
      }
      next()
    })
    const cassettePath = newCassette()
    const recorder = await startRecorder({ upstream: upstream.url, cassettePath, maxBodyBytes: 2048 })
    const response = await fetch(`${recorder.url}/v1/messages`, {
      method: 'POST',
      headers: anthropic,
      body: '{}',
    })
    expect(await response.text()).toBe(piece.repeat(10))
    await recorder.close()
    const recorded = readCassetteFile(cassettePath).exchanges[0]?.response
    const kept = recorded?.chunks?.map((chunk) => ('text' in chunk ? chunk.text : '')).join('') ?? ''
    expect(kept.length).toBeGreaterThan(0)
    expect(kept.length).toBeLessThanOrEqual(2048)
    expect(recorded).toMatchObject({ cut: true, note: expect.stringContaining('recording stopped') })
  })
})
