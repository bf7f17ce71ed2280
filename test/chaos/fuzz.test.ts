import { appendFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import fc from 'fast-check'
import { pino } from 'pino'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildToolsToken } from '../../src/builds/build-task-tools.ts'
import { errorStatus } from '../../src/core/errors.ts'
import { taskGitToken } from '../../src/git/git-http.ts'
import { StreamMessage } from '../../src/server/stream-protocol.ts'
import type { SimServer } from '../../src/sim/sim-server.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { chaosSeed, longRun } from '../support/chaos.ts'
import { apiRequests } from '../support/fuzz-api-requests.ts'
import { sendRaw } from '../support/fuzz-raw-request.ts'
import { type FuzzRequest, type OpenApiDocument, toRawRequest } from '../support/fuzz-request.ts'
import { type FuzzGround, seedFuzzGround } from '../support/fuzz-seed.ts'
import { type StreamFrame, streamFrame } from '../support/fuzz-stream-frames.ts'
import { connectStream } from '../support/stream-client.ts'
import { startTestServer, type TestServer } from '../support/test-server.ts'
import { engines } from '../support/test-stores.ts'

// Short in `npm test`; `npm run test:chaos` sends 10,000 requests and 1,000 stream sessions per engine.
const requestCount = longRun ? 10_000 : 200
const sessionCount = longRun ? 1_000 : 40

/** Every provider Cadre knows answers from the simulator: nothing leaves the machine. */
const providerEnvironment = (sim: string) => ({
  ANTHROPIC_BASE_URL: sim,
  ANTHROPIC_API_KEY: 'sk-ant-fuzz-0123456789abcdef',
  OPENAI_BASE_URL: `${sim}/v1`,
  OPENAI_API_KEY: 'sk-fuzz-0123456789abcdefghij',
  GOOGLE_GEMINI_BASE_URL: sim,
  GEMINI_API_KEY: 'fuzz-gemini-key',
  OLLAMA_BASE_URL: `${sim}/v1`,
  LMSTUDIO_BASE_URL: `${sim}/v1`,
  VLLM_BASE_URL: `${sim}/v1`,
  OPENROUTER_BASE_URL: `${sim}/v1`,
  OPENROUTER_API_KEY: 'fuzz-openrouter-key',
})

// CADRE_FUZZ_TRACE=<file> writes each request and its answer there: what a hang or a slow run did.
const traceFile = process.env.CADRE_FUZZ_TRACE
const trace = (line: string) => traceFile && appendFileSync(traceFile, `${line}\n`)

/** The server's log lines at error level or worse: a failure the server did not expect. */
const collectErrors = () => {
  const errors: string[] = []
  const sink = new Writable({
    write(chunk, _encoding, done) {
      for (const line of String(chunk).split('\n').filter(Boolean)) {
        if ((JSON.parse(line) as { level: number }).level >= 50) errors.push(line)
      }
      done()
    },
  })
  return { errors, log: pino({ level: 'warn' }, sink) }
}

const isUiPath = (path: string) => !/^\/(api|mcp|git)(\/|$|\?)/.test(path)

/**
 * The 5xx statuses the document gives an operation (a server it must reach cannot be, the UI is
 * not built); a UI page is `GET /`. Any other 5xx, and any `internal` error, is the server's fault.
 */
const documentedFailures = (document: OpenApiDocument, request: FuzzRequest, path: string) => {
  const template = isUiPath(path) ? '/' : request.template
  const method = isUiPath(path) && request.method === 'HEAD' ? 'get' : request.method.toLowerCase()
  const responses = document.paths[template]?.[method]?.responses
  return Object.keys(responses ?? {})
    .map(Number)
    .filter((status) => status >= 500)
}

const errorCode = (text: string): unknown => {
  try {
    return JSON.parse(text)?.error?.code
  } catch {
    return undefined
  }
}

const describeRequest = (request: FuzzRequest, path: string) =>
  `${request.method} ${path.slice(0, 300)} ${JSON.stringify(request.headers)} ${JSON.stringify(request.body)?.slice(0, 300)}`

// Node's own limit on a request's line and headers: past it, Node answers 431 and drops the connection.
const maxHeadBytes = 16 * 1024

/** fast-check's report, cut short: a counterexample may hold a megabyte of text. */
const assertProperty = async <T>(property: fc.IAsyncProperty<T>, parameters: fc.Parameters<T>) => {
  const details = await fc.check(property, parameters)
  if (!details.failed) return
  const cause = String((details.errorInstance as Error | undefined)?.message ?? details.errorInstance)
  throw new Error(`${fc.defaultReportMessage(details)?.slice(0, 3000)}\n${cause.slice(0, 3000)}`)
}

describe.each(engines)('fuzz: generated requests and stream messages, on %s', (engine) => {
  let sim: SimServer
  let t: TestServer
  let ground: FuzzGround
  const { errors, log } = collectErrors()
  const prototypeKeys = Object.getOwnPropertyNames(Object.prototype)

  beforeAll(async () => {
    sim = await startSimulator()
    t = await startTestServer(engine, { env: providerEnvironment(sim.url), log })
    ground = await seedFuzzGround(t, sim.url)
  })
  afterAll(async () => {
    await ground?.[Symbol.asyncDispose]()
    await t?.[Symbol.asyncDispose]()
    await sim?.close()
  })

  it(
    'answers every request to every route below 500, keeps answering, and leaves the store intact',
    async () => {
      const before = await ground.sentinel()
      const document = (await (await t.api('/api/openapi.json')).json()) as OpenApiDocument
      const tokens = {
        access: t.token,
        git: (taskId: string) => taskGitToken(t.token, taskId),
        tools: (taskId: string) => buildToolsToken(t.token, taskId),
      }
      const requests = apiRequests(document, ground.fields, ground.bodies)
      const statuses = new Map<number, number>()
      // The documented operations some request got through to, to see how deep the run went.
      const reached = new Set<string>()
      await assertProperty(
        fc.asyncProperty(requests, async (request) => {
          const raw = toRawRequest(request, ground.pools, tokens)
          const what = describeRequest(request, raw.path)
          trace(`> ${what}`)
          const oversized = Buffer.byteLength(raw.path) + JSON.stringify(raw.headers).length > maxHeadBytes
          // Git's protocol: once git answers, its failure (a pack it cannot read) can only cut the stream.
          const gitService = /^\/git\/.*-pack$/.test(request.template)
          const response = await sendRaw(t.server.port, raw, 30_000).catch((error: Error) => {
            if (oversized) return { status: 431, text: '', headers: {} as Record<string, string> }
            if (gitService && /closed before the answer ended|ECONNRESET/.test(error.message)) {
              return { status: 200, text: '', headers: {} as Record<string, string> }
            }
            throw new Error(`no answer to ${what}: ${error.message}`)
          })
          trace(`< ${response.status} ${response.text.slice(0, 300)}`)
          statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1)
          if (response.status < 300) reached.add(`${request.method} ${request.template}`)
          const allowed =
            response.status < 500 ||
            (documentedFailures(document, request, raw.path).includes(response.status) &&
              errorCode(response.text) !== 'internal')
          expect(allowed, `${response.status} ${response.text.slice(0, 500)} for ${what}`).toBe(true)
          // The API's errors are one shape (MCP's are JSON-RPC's own).
          const json = response.headers['content-type']?.startsWith('application/json')
          if (json && response.status >= 400 && raw.path.startsWith('/api/') && raw.method !== 'HEAD') {
            const { error } = JSON.parse(response.text)
            expect(Object.keys(errorStatus), `${response.text} for ${what}`).toContain(error?.code)
          }
          if (response.status < 300) ground.pools.learn(response.text)
        }),
        { seed: chaosSeed(`fuzz (${engine}, requests)`), numRuns: requestCount, endOnFailure: true },
      )
      const operations = Object.entries(document.paths).flatMap(([path, byMethod]) =>
        Object.keys(byMethod).map((method) => `${method.toUpperCase()} ${path}`),
      )
      const missed = operations.filter((operation) => !reached.has(operation))
      console.log(
        `fuzz (${engine}): answers by status ${JSON.stringify(Object.fromEntries(statuses))}; ` +
          `${operations.length - missed.length} of ${operations.length} operations answered 2xx at least once` +
          (missed.length > 0 ? ` (not: ${missed.join(', ')})` : ''),
      )

      expect(await (await t.api('/api/health')).json()).toMatchObject({ ok: true })
      expect(await ground.sentinel()).toEqual(before)
      // Every row of every listed table still reads back through its schema.
      for (const list of [
        '/api/projects',
        '/api/tasks?limit=500',
        '/api/webhooks',
        '/api/connectors',
        '/api/providers',
      ]) {
        expect((await t.api(list)).status, list).toBe(200)
      }
      if (engine === 'sqlite') {
        const { default: Sqlite } = await import('better-sqlite3')
        const db = new Sqlite(t.database.location, { readonly: true })
        try {
          expect(db.pragma('integrity_check', { simple: true })).toBe('ok')
          expect(db.pragma('foreign_key_check')).toEqual([])
        } finally {
          db.close()
        }
      }
      // No `__proto__` key in a body reached the prototype every object shares.
      expect(Object.getOwnPropertyNames(Object.prototype)).toEqual(prototypeKeys)
      expect(({} as { polluted?: unknown }).polluted).toBeUndefined()
      expect(errors).toEqual([])
    },
    longRun ? 3_600_000 : 120_000,
  )

  it(
    'answers every stream message with a message or a clean close, and other clients keep theirs',
    async () => {
      const taskId = ground.pools.pick('task', 0)!
      await using observer = await connectStream(t.url, t.token)
      observer.send({ op: 'subscribe', taskId, after: 0 })
      await observer.until((messages) => messages.some((m) => m.kind === 'subscribed'))
      let probes = 0
      await assertProperty(
        fc.asyncProperty(fc.array(streamFrame, { minLength: 1, maxLength: 8 }), async (frames) => {
          const probe = `probe_${probes++}`
          const outcome = await streamSession(t, ground, frames, probe)
          // Only a frame over the size limit or a text frame that is not UTF-8 may end the connection.
          const mayClose = frames.some(
            (frame) =>
              'huge' in frame ||
              'badUtf8' in frame ||
              ('text' in frame && Buffer.byteLength(frame.text) > 64 * 1024),
          )
          if (outcome.closedBy !== undefined) {
            expect(
              mayClose,
              `closed with ${outcome.closedBy} after ${JSON.stringify(frames).slice(0, 500)}`,
            ).toBe(true)
            expect([1007, 1009]).toContain(outcome.closedBy)
          } else {
            expect(outcome.probeAnswered, JSON.stringify(frames).slice(0, 500)).toBe(true)
          }
          for (const message of outcome.messages) {
            const parsed = StreamMessage.safeParse(message)
            expect(parsed.success, JSON.stringify(message).slice(0, 500)).toBe(true)
            if (message.kind === 'error') expect(message.error.code).not.toBe('internal')
          }
        }),
        { seed: chaosSeed(`fuzz (${engine}, stream)`), numRuns: sessionCount, endOnFailure: true },
      )
      await t.publishDelta(taskId, 'after the fuzz')
      await observer.until((messages) =>
        messages.some(
          (m) =>
            m.kind === 'event' &&
            m.event.type === 'assistant.delta' &&
            m.event.data.text === 'after the fuzz',
        ),
      )
      expect(observer.socket.readyState).toBe(WebSocket.OPEN)
      expect((await t.api('/api/health')).status).toBe(200)
      expect(errors).toEqual([])
    },
    longRun ? 1_800_000 : 60_000,
  )
})

// biome-ignore lint/suspicious/noExplicitAny: messages are checked against StreamMessage by the caller
type Received = any

/**
 * One connection: the frames sent, then a probe (a subscription to a project that does not exist,
 * whose error names it) to know the server has handled them all; then closed by the client.
 */
const streamSession = async (t: TestServer, ground: FuzzGround, frames: StreamFrame[], probe: string) => {
  const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${t.token}` },
  })
  const messages: Received[] = []
  let closedBy: number | undefined
  let probeAnswered = false
  let settle = () => {}
  const settled = new Promise<void>((resolve) => {
    settle = resolve
  })
  socket.on('message', (data) => {
    const message = JSON.parse(data.toString())
    messages.push(message)
    if (message.kind === 'error' && String(message.error?.message).includes(probe)) {
      probeAnswered = true
      settle()
    }
  })
  let closing = false
  socket.on('close', (code) => {
    if (!closing) closedBy = code
    settle()
  })
  socket.on('error', () => {})
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
  for (const frame of frames) {
    if (socket.readyState !== WebSocket.OPEN) break
    if ('text' in frame) socket.send(ground.pools.fill(frame.text))
    else if ('binary' in frame) socket.send(Uint8Array.from(frame.binary), { binary: true })
    else if ('huge' in frame) socket.send('x'.repeat(frame.huge))
    else socket.send(Buffer.from([0xc3, 0x28, 0xff]), { binary: false })
  }
  if (socket.readyState === WebSocket.OPEN) socket.send(JSON.stringify({ op: 'subscribe', projectId: probe }))
  // Generous: on a shared two-core machine the whole suite runs beside it.
  const timer = setTimeout(settle, 30_000)
  await settled
  clearTimeout(timer)
  if (socket.readyState === WebSocket.OPEN) {
    closing = true
    socket.close(1000)
    await new Promise((resolve) => socket.once('close', resolve))
  }
  return { messages, closedBy, probeAnswered }
}
