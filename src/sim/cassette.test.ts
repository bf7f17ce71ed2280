import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Cassette } from './cassette.ts'
import { loadScenarios } from './load-scenarios.ts'
import { parseScenario } from './parse-scenario.ts'
import type { SimServer } from './sim-server.ts'
import { startRecorder } from './start-recorder.ts'
import { startReplayer } from './start-replayer.ts'
import { startSimulator } from './start-simulator.ts'

const fixture = join(import.meta.dirname, '__fixtures__', 'sdk-check.yaml')
// One key with a known token shape, and random ones only the recorder can know are secret.
const anthropicKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`
const openaiKey = randomBytes(20).toString('hex')
const googleKey = randomBytes(20).toString('hex')
const userSecret = randomBytes(16).toString('hex')

const anthropic = {
  'content-type': 'application/json',
  'anthropic-version': '2023-06-01',
  'x-api-key': anthropicKey,
  authorization: `Bearer ${openaiKey}`,
}
const openai = {
  'content-type': 'application/json',
  authorization: `Bearer ${openaiKey}`,
  cookie: `session=${googleKey}`,
}
const google = { 'content-type': 'application/json', 'x-goog-api-key': googleKey }
const tools = [
  { name: 'Write', input_schema: { type: 'object' } },
  { name: 'Bash', input_schema: { type: 'object' } },
]
const claudeBody = (stream: boolean, text = 'write hello') => ({
  model: 'claude-sonnet-5',
  max_tokens: 100,
  stream,
  metadata: { user_id: `${anthropicKey} ${openaiKey}` },
  messages: [{ role: 'user', content: text }],
  tools,
})

/** The traffic recorded once and replayed: stream and whole bodies, in every protocol. */
const exchanges: Array<{ path: string; headers: Record<string, string>; body: unknown }> = [
  { path: '/v1/messages?beta=true', headers: anthropic, body: claudeBody(true) },
  { path: '/v1/messages', headers: anthropic, body: claudeBody(false) },
  {
    path: '/v1/responses',
    headers: openai,
    body: {
      model: 'gpt-5.5',
      stream: true,
      input: 'write it',
      tools: [{ type: 'custom', name: 'apply_patch' }],
    },
  },
  {
    path: '/v1/chat/completions',
    headers: openai,
    body: {
      model: 'gpt-5.5',
      messages: [{ role: 'user', content: 'hi' }],
      tools: [{ type: 'function', function: { name: 'write' } }],
    },
  },
  {
    path: `/v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse&key=${googleKey}`,
    headers: google,
    body: {
      contents: [{ parts: [{ text: 'write' }] }],
      tools: [{ functionDeclarations: [{ name: 'write_file' }] }],
    },
  },
  { path: '/v1/models', headers: anthropic, body: undefined },
]

const send = async (url: string, exchange: (typeof exchanges)[number]) => {
  const response = await fetch(`${url}${exchange.path}`, {
    method: exchange.body === undefined ? 'GET' : 'POST',
    headers: exchange.headers,
    body: exchange.body === undefined ? undefined : JSON.stringify(exchange.body),
  })
  return {
    status: response.status,
    type: response.headers.get('content-type'),
    body: Buffer.from(await response.arrayBuffer()),
  }
}

describe('cassettes', () => {
  const cassettePath = join(mkdtempSync(join(tmpdir(), 'cadre-cassette-')), 'traffic.json')
  let upstream: SimServer
  let recorded: Array<Awaited<ReturnType<typeof send>>>
  let echoed: string

  beforeAll(async () => {
    upstream = await startSimulator({ scenarios: await loadScenarios([fixture]) })
    const recorder = await startRecorder({ upstream: upstream.url, cassettePath })
    recorded = []
    for (const exchange of exchanges) recorded.push(await send(recorder.url, exchange))
    // The default reply echoes the user, so this secret comes back in the response body too.
    const echo = await send(recorder.url, {
      path: '/v1/chat/completions',
      headers: openai,
      body: { model: 'm', messages: [{ role: 'user', content: `say ${openaiKey} ${userSecret}` }] },
    })
    echoed = echo.body.toString()
    const cut = await fetch(`${recorder.url}/v1/messages`, {
      method: 'POST',
      headers: anthropic,
      body: JSON.stringify(claudeBody(true, 'please cut')),
    })
    await expect(cut.text()).rejects.toThrow()
    await recorder.close()
  })
  afterAll(() => upstream.close())

  it('records every exchange as valid JSON, with its status, safe headers and chunks', () => {
    const cassette = Cassette.parse(JSON.parse(readFileSync(cassettePath, 'utf8')))
    expect(
      cassette.exchanges.map((exchange) => `${exchange.request.method} ${exchange.request.path}`),
    ).toEqual([
      'POST /v1/messages?beta=true',
      'POST /v1/messages',
      'POST /v1/responses',
      'POST /v1/chat/completions',
      'POST /v1beta/models/gemini-2.5-pro:streamGenerateContent?alt=sse',
      'GET /v1/models',
      'POST /v1/chat/completions',
      'POST /v1/messages',
    ])
    const [stream, whole] = cassette.exchanges
    expect(stream?.response.chunks?.length).toBeGreaterThan(10)
    expect(stream?.response.headers['content-type']).toMatch(/^text\/event-stream/)
    expect(whole?.response.body).toBeDefined()
    expect(whole?.request.headers).toEqual({
      accept: '*/*',
      'content-type': 'application/json',
      'anthropic-version': '2023-06-01',
    })
    expect(cassette.exchanges.at(-1)?.response.cut).toBe(true)
  })

  it('never writes a key or an auth header, and redacts keys wherever they appear', () => {
    const text = readFileSync(cassettePath, 'utf8')
    for (const secret of [anthropicKey, openaiKey, googleKey]) expect(text).not.toContain(secret)
    expect(text).not.toMatch(/"(authorization|x-api-key|x-goog-api-key|cookie)"/i)
    expect(echoed).toContain(openaiKey)
    const cassette = Cassette.parse(JSON.parse(text))
    expect(cassette.exchanges[6]?.response.body).toContain(`say [redacted] ${userSecret}`)
    expect(cassette.exchanges[0]?.request.body).toMatchObject({
      metadata: { user_id: '[redacted] [redacted]' },
    })
  })

  it('replays byte for byte, in order, then says clearly when nothing is left', async () => {
    await using replayer = await startReplayer({ cassettePath })
    for (const [index, exchange] of exchanges.entries()) {
      const replayed = await send(replayer.url, exchange)
      expect(replayed.status).toBe(recorded[index]!.status)
      expect(replayed.type).toBe(recorded[index]!.type)
      expect(replayed.body.equals(recorded[index]!.body)).toBe(true)
    }
    const again = await send(replayer.url, exchanges[2]!)
    expect(again.status).toBe(404)
    expect(JSON.parse(again.body.toString()).error.message).toBe(
      'the cassette has no unused exchange for POST /v1/responses (1 recorded for it, all used; 8 in all)',
    )
  })

  it('replays to the SDKs, and a recorded cut drops the replayed stream the same way', async () => {
    await using replayer = await startReplayer({ cassettePath })
    const client = new Anthropic({ baseURL: replayer.url, apiKey: 'another-key', maxRetries: 0 })
    const message = await client.messages.create(
      claudeBody(false) as Anthropic.MessageCreateParamsNonStreaming,
    )
    expect(message).toEqual(JSON.parse(recorded[1]!.body.toString()))
    const cut = client.messages.stream(
      claudeBody(true, 'please cut') as Anthropic.MessageCreateParamsNonStreaming,
    )
    await expect(cut.finalMessage()).rejects.toThrow()
  })

  it('keeps the recorded pacing only under realtime', async () => {
    const text =
      'a paced answer that takes about three tenths of a second to stream out whole, by design here'
    const slow = parseScenario(
      { name: 'slow', pace: { tokensPerSecond: 80 }, rules: [{ reply: [{ text }] }] },
      'slow',
    )
    await using paced = await startSimulator({ scenarios: [slow] })
    const path = join(mkdtempSync(join(tmpdir(), 'cadre-')), 'paced.json')
    const recorder = await startRecorder({ upstream: paced.url, cassettePath: path })
    const exchange = { path: '/v1/messages', headers: anthropic, body: claudeBody(true) }
    const timed = async (url: string) => {
      const started = Date.now()
      const { body } = await send(url, exchange)
      return { body: body.toString(), ms: Date.now() - started }
    }
    const original = await timed(recorder.url)
    await recorder.close()
    expect(original.ms).toBeGreaterThan(250)
    await using realtime = await startReplayer({ cassettePath: path, realtime: true })
    const again = await timed(realtime.url)
    expect(again.body).toBe(original.body)
    expect(again.ms).toBeGreaterThan(250)
    await using fast = await startReplayer({ cassettePath: path })
    expect((await timed(fast.url)).ms).toBeLessThan(150)
  })

  it('answers a 502 in the protocol shape when the upstream cannot be reached', async () => {
    const closed = await startSimulator()
    await closed.close()
    await using recorder = await startRecorder({
      upstream: closed.url,
      cassettePath: join(mkdtempSync(join(tmpdir(), 'cadre-')), 'c.json'),
    })
    const response = await send(recorder.url, exchanges[1]!)
    expect(response.status).toBe(502)
    expect(JSON.parse(response.body.toString()).error).toMatchObject({
      type: 'api_error',
      message: expect.stringContaining('could not be reached'),
    })
  })
})
