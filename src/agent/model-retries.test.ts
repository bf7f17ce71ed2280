import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startLoopHarness } from '../../test/support/agent-loop-harness.ts'
import type { Cassette, CassetteExchange } from '../sim/cassette.ts'
import type { SimServer } from '../sim/sim-server.ts'
import { startRecorder } from '../sim/start-recorder.ts'
import { startReplayer } from '../sim/start-replayer.ts'
import { startSimulator } from '../sim/start-simulator.ts'

const dir = mkdtempSync(join(tmpdir(), 'cadre-retries-'))
const fast = { maxAttempts: 8, baseDelayMs: 1, maxDelayMs: 20, firstOutputMs: 5000, silenceMs: 5000 }

/** An Anthropic error answer, as the service sends it. */
const failure = (status: number, type: string, headers: Record<string, string> = {}): CassetteExchange => ({
  request: { method: 'POST', path: '/v1/messages', headers: {} },
  response: {
    status,
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ type: 'error', error: { type, message: `simulated ${type}` } }),
  },
})

describe('model calls that fail for a moment', () => {
  let success: CassetteExchange
  const servers: SimServer[] = []
  afterEach(async () => {
    for (const server of servers.splice(0)) await server.close()
  })

  // One real streamed reply, recorded from the simulator, to end each sequence of failures with.
  beforeAll(async () => {
    await using sim = await startSimulator({
      scenarios: [{ name: 'ok', rules: [{ reply: [{ text: 'Recovered after the failures.' }] }] }],
    })
    const path = join(dir, 'success.json')
    const recorder = await startRecorder({ upstream: sim.url, cassettePath: path })
    await fetch(`${recorder.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-haiku-4-5',
        max_tokens: 100,
        stream: true,
        messages: [{ role: 'user', content: 'hi' }],
      }),
    }).then((response) => response.text())
    await recorder.close() // the cassette is complete once the recorder has closed
    success = (JSON.parse(readFileSync(path, 'utf8')) as Cassette).exchanges[0]!
  })

  /** Runs the loop against a replayer serving these answers in order; returns the result and stored events. */
  const runAgainst = async (exchanges: CassetteExchange[], retry = fast, realtime = false) => {
    const path = join(dir, `${randomBytes(4).toString('hex')}.json`)
    writeFileSync(path, JSON.stringify({ version: 1, exchanges }))
    const replayer = await startReplayer({ cassettePath: path, realtime })
    servers.push(replayer)
    await using harness = await startLoopHarness({ url: replayer.url })
    return await harness.attempt('anthropic:claude-haiku-4-5', { tools: [], budget: { maxSteps: 3 }, retry })
  }

  it('retries a rate limit, a server error, an overload and a dropped stream, and goes on', async () => {
    const cut: CassetteExchange = {
      ...success,
      response: { ...success.response, chunks: success.response.chunks?.slice(0, 3), cut: true },
    }
    const { result, error, events } = await runAgainst([
      failure(429, 'rate_limit_error', { 'retry-after': '0' }),
      failure(500, 'api_error'),
      failure(529, 'overloaded_error'),
      cut,
      success,
    ])
    expect(error).toBeUndefined()
    expect(result).toMatchObject({ outcome: 'finished', steps: 1 })
    const retries = events.filter((e) => e.type === 'step.retrying')
    expect(retries.map((e) => [e.data.step, e.data.attempt])).toEqual([
      [1, 1],
      [1, 2],
      [1, 3],
      [1, 4],
    ])
    expect(retries.map((e) => e.data.reason.split(':')[0])).toEqual([
      '429',
      '500',
      '529',
      'the connection dropped',
    ])
    expect(events.find((e) => e.type === 'message.assistant')).toMatchObject({
      data: { text: 'Recovered after the failures.' },
    })
  })

  it('takes a stream that goes silent, before its reply or in the middle, for a dropped one and retries it', async () => {
    const chunks = success.response.chunks!
    const silent = (from: number): CassetteExchange => ({
      ...success,
      // What comes after `from` arrives only after 3 s: longer than the loop waits.
      response: {
        ...success.response,
        chunks: chunks.map((chunk, i) => (i < from ? { ...chunk, atMs: 0 } : { ...chunk, atMs: 3000 })),
      },
    })
    const { result, events } = await runAgainst(
      [silent(0), silent(3), success],
      { ...fast, firstOutputMs: 400, silenceMs: 400 },
      true,
    )
    expect(result).toMatchObject({ outcome: 'finished', steps: 1 })
    expect(events.filter((e) => e.type === 'step.retrying').map((e) => e.data.reason)).toEqual([
      "the model's stream went silent for 0 s before its reply began",
      "the model's stream went silent for 0 s in the middle of its reply",
    ])
  })

  it('waits at least as long as retry-after asks', async () => {
    const { events } = await runAgainst([failure(429, 'rate_limit_error', { 'retry-after': '1' }), success])
    expect(events.find((e) => e.type === 'step.retrying')).toMatchObject({ data: { delayMs: 1000 } })
  })

  it('gives up after the last attempt, and at once on a mistake retrying cannot fix', async () => {
    const exhausted = await runAgainst(
      [failure(500, 'api_error'), failure(500, 'api_error'), failure(500, 'api_error')],
      { ...fast, maxAttempts: 3 },
    )
    expect(exhausted.error?.statusCode).toBe(500)
    expect(exhausted.events.filter((e) => e.type === 'step.retrying')).toHaveLength(2)

    const refused = await runAgainst([failure(400, 'invalid_request_error'), success])
    expect(refused.error?.statusCode).toBe(400)
    expect(refused.events).toEqual([])
  })
})
