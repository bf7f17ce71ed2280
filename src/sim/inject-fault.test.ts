import { describe, expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import { createFaultInjector } from './inject-fault.ts'
import { SimFaults, type SimFaultsInput } from './sim-faults.ts'
import type { SimMessageReply } from './sim-reply.ts'
import { startSimulator } from './start-simulator.ts'

const message: SimMessageReply = {
  type: 'message',
  parts: [{ type: 'text', text: 'The whole reply, in several words.' }],
  usage: { inputTokens: 10, outputTokens: 8, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  finish: 'end',
  cut: false,
  pace: { latencyMs: 0, tokensPerSecond: 0 },
}

/** The fate of `calls` calls in a row: the fault's kind, or `ok`. */
const fates = (faults: SimFaultsInput, calls: number) => {
  const inject = createFaultInjector(SimFaults.parse(faults))
  return Array.from({ length: calls }, () => inject(message)?.kind ?? 'ok')
}

const count = (items: string[]) => {
  const counts: Record<string, number> = {}
  for (const item of items) counts[item] = (counts[item] ?? 0) + 1
  return counts
}

// biome-ignore lint/suspicious/noExplicitAny: test assertions check the shape at run time
const json = (response: Response): Promise<any> => response.json()

const anthropic = { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' }
const openai = { 'content-type': 'application/json', authorization: 'Bearer k' }
const ask = (stream = false) => ({
  model: 'm',
  max_tokens: 100,
  stream,
  messages: [{ role: 'user', content: 'hi' }],
})
const scenario = {
  name: 'long',
  rules: [{ reply: [{ text: 'one two three four five six seven eight nine ten eleven twelve' }] }],
}

describe('fault injection', () => {
  it('fails about the given share of calls, in every kind, the same way for the same seed', () => {
    const run = fates({ rate: 0.2, seed: 42 }, 2000)
    const counts = count(run)
    // 400 expected; a binomial spread of 2000 draws stays well within ±80.
    expect(2000 - (counts.ok ?? 0)).toBeGreaterThan(320)
    expect(2000 - (counts.ok ?? 0)).toBeLessThan(480)
    for (const kind of SimFaults.shape.kinds.unwrap().element.options) {
      // 80 each expected.
      expect(counts[kind]).toBeGreaterThan(40)
      expect(counts[kind]).toBeLessThan(120)
    }
    expect(fates({ rate: 0.2, seed: 42 }, 2000)).toEqual(run)
    expect(fates({ rate: 0.2, seed: 43 }, 2000)).not.toEqual(run)
    // The kinds chosen among do not change which calls fail.
    const ratesOnly = fates({ rate: 0.2, seed: 42, kinds: ['rate_limit'] }, 2000)
    expect(ratesOnly.map((fate) => fate === 'ok')).toEqual(run.map((fate) => fate === 'ok'))
    expect(new Set(ratesOnly)).toEqual(new Set(['ok', 'rate_limit']))
  })

  it('fails nothing at rate 0 and everything at rate 1', () => {
    expect(new Set(fates({ rate: 0, seed: 1 }, 500))).toEqual(new Set(['ok']))
    expect(fates({ rate: 1, seed: 1 }, 500)).not.toContain('ok')
  })

  it('turns a reply into the fault: an error, a cut somewhere in it, or a later start', () => {
    const one = (kind: SimFaultsInput['kinds'] & object) =>
      createFaultInjector(SimFaults.parse({ rate: 1, seed: 5, kinds: kind, slowMs: 250 }))(message)
    expect(one(['rate_limit'])).toMatchObject({
      reply: { type: 'error', kind: 'rate_limit', retryAfterSeconds: 1 },
    })
    expect(one(['overloaded'])?.reply).not.toHaveProperty('retryAfterSeconds')
    const cut = one(['cut'])
    expect(cut).toMatchObject({ kind: 'cut', reply: { ...message, cut: true } })
    expect(cut?.keep).toBeGreaterThan(0)
    expect(cut?.keep).toBeLessThanOrEqual(1)
    expect(one(['slow'])).toMatchObject({ reply: { ...message, pace: { latencyMs: 250 } } })
  })

  it('refuses faults it cannot make, naming the field', async () => {
    await expect(startSimulator({ faults: { rate: 1.5 } })).rejects.toThrow(CadreError)
    await expect(startSimulator({ faults: { rate: 0.2, kinds: ['meteor' as never] } })).rejects.toThrow(
      /faults\.kinds\.0/,
    )
  })
})

describe('a simulator with faults, over HTTP', () => {
  const post = (url: string, path: string, body: unknown, headers: Record<string, string>) =>
    fetch(`${url}${path}`, { method: 'POST', headers, body: JSON.stringify(body) })

  it('serves exactly what the scenario says at rate 0', async () => {
    await using plain = await startSimulator({ scenarios: [scenario] })
    await using never = await startSimulator({ scenarios: [scenario], faults: { rate: 0, seed: 3 } })
    for (let i = 0; i < 20; i++) {
      const [a, b] = await Promise.all(
        [plain, never].map((sim) => post(sim.url, '/v1/messages', ask(), anthropic)),
      )
      expect([b!.status, b!.headers.get('x-cadre-fault')]).toEqual([200, null])
      const text = async (response: Response) => (await json(response)).content[0].text
      expect(await text(b!)).toBe(await text(a!))
    }
  })

  it('gives a seeded run of calls the mix the seed makes', async () => {
    const faults = { rate: 0.3, seed: 9, slowMs: 20 }
    const expected = fates(faults, 60)
    await using sim = await startSimulator({ scenarios: [scenario], faults })
    const seen: string[] = []
    for (let i = 0; i < 60; i++) {
      const response = await post(sim.url, '/v1/chat/completions', ask(true), openai)
      seen.push(response.headers.get('x-cadre-fault') ?? 'ok')
      await response.text().catch(() => 'cut')
    }
    expect(seen).toEqual(expected)
    expect(new Set(seen).size).toBeGreaterThan(3)
  })

  it("answers each error in the protocol's own shape", async () => {
    const only = async (kinds: SimFaultsInput['kinds']) =>
      startSimulator({ scenarios: [scenario], faults: { rate: 1, seed: 1, kinds, retryAfterSeconds: 2 } })
    await using limited = await only(['rate_limit'])
    const limit = await post(limited.url, '/v1/messages', ask(), anthropic)
    expect([limit.status, limit.headers.get('retry-after'), limit.headers.get('x-cadre-fault')]).toEqual([
      429,
      '2',
      'rate_limit',
    ])
    expect((await json(limit)).error).toMatchObject({ type: 'rate_limit_error' })
    const gemini = await post(
      limited.url,
      '/v1beta/models/gemini-2.5-pro:generateContent',
      {
        contents: [{ role: 'user', parts: [{ text: 'hi' }] }],
      },
      { 'content-type': 'application/json' },
    )
    expect((await json(gemini)).error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      details: [{ retryDelay: '2s' }],
    })

    await using overloaded = await only(['overloaded'])
    const busy = await post(overloaded.url, '/v1/messages', ask(), anthropic)
    expect([busy.status, (await json(busy)).error.type]).toEqual([529, 'overloaded_error'])
    const busyOpenai = await post(overloaded.url, '/v1/chat/completions', ask(), openai)
    expect([busyOpenai.status, (await json(busyOpenai)).error.code]).toEqual([503, 'server_overloaded'])

    await using failing = await only(['server_error'])
    const broken = await post(failing.url, '/v1/responses', { model: 'm', input: 'hi' }, openai)
    expect([broken.status, (await json(broken)).error.type]).toEqual([500, 'server_error'])
  })

  it('cuts a stream after part of the real reply, and holds a slow one back before answering in full', async () => {
    await using cutting = await startSimulator({
      scenarios: [scenario],
      faults: { rate: 1, seed: 2, kinds: ['cut'] },
    })
    const response = await post(cutting.url, '/v1/messages', ask(true), anthropic)
    expect(response.status).toBe(200)
    const reader = response.body!.getReader()
    let received = ''
    const failure = await (async () => {
      for (;;) {
        const { done, value } = await reader.read()
        if (done) return undefined
        received += Buffer.from(value).toString()
      }
    })().catch((error: Error) => error)
    expect(failure).toBeInstanceOf(Error)
    expect(received).toContain('event: message_start')
    expect(received).not.toContain('message_stop')

    await using slow = await startSimulator({
      scenarios: [scenario],
      faults: { rate: 1, seed: 2, kinds: ['slow'], slowMs: 300 },
    })
    const started = performance.now()
    const late = await post(slow.url, '/v1/messages', ask(), anthropic)
    expect(performance.now() - started).toBeGreaterThanOrEqual(290)
    expect(late.headers.get('x-cadre-fault')).toBe('slow')
    expect((await json(late)).content[0].text).toBe(scenario.rules[0]!.reply[0]!.text)
  })
})
