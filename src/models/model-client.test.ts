import { randomBytes } from 'node:crypto'
import { stepCountIs, streamText, tool } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { createSecretBox } from '../secrets/secret-box.ts'
import { parseScenario } from '../sim/parse-scenario.ts'
import { startSimulator } from '../sim/start-simulator.ts'
import { createModelLayer } from './create-model-layer.ts'
import type { ModelClient } from './model-client.ts'
import type { ProviderRegistry } from './provider-registry.ts'
import { toUsage } from './to-usage.ts'

// The same two-step exchange on every protocol: a tool call with its arguments, then text.
const firstUsage = { inputTokens: 1200, outputTokens: 80, cachedInputTokens: 1000, reasoningTokens: 0 }
const secondUsage = { inputTokens: 1400, outputTokens: 20, cachedInputTokens: 0, reasoningTokens: 0 }
const scenario = parseScenario(
  {
    name: 'weather',
    rules: [
      {
        when: { toolResult: 'none', toolOffered: 'get_weather' },
        reply: [
          { text: 'Let me look.' },
          { toolCall: { tool: 'get_weather', input: { city: 'Paris', days: 2 } } },
        ],
        usage: firstUsage,
      },
      {
        when: { lastToolResult: { contains: 'sunny' } },
        reply: [{ text: 'It is sunny in Paris.' }],
        usage: secondUsage,
      },
    ],
  },
  'model-client.test.ts',
)

const asCadreUsage = (usage: typeof firstUsage) => ({
  inputTokens: usage.inputTokens,
  outputTokens: usage.outputTokens,
  cachedTokens: usage.cachedInputTokens,
  cacheWriteTokens: 0,
  reasoningTokens: usage.reasoningTokens,
})

// How each provider is configured against the simulator, a model on it, and the first step's cost
// worked out by hand from the published prices: 200 uncached + 1000 cached input, 80 output tokens.
const cases: [string, { kind?: string; baseUrl: (sim: string) => string }, string, number | null][] = [
  [
    'anthropic (Messages)',
    { baseUrl: (sim) => sim },
    'anthropic:claude-sonnet-4-5',
    (200 * 3 + 1000 * 0.3 + 80 * 15) / 1e6,
  ],
  [
    'openai (Responses)',
    { baseUrl: (sim) => `${sim}/v1` },
    'openai:gpt-5.5',
    (200 * 1.25 + 1000 * 0.125 + 80 * 10) / 1e6,
  ],
  [
    'google (Gemini)',
    { baseUrl: (sim) => sim },
    'google:gemini-2.5-pro',
    (200 * 1.25 + 1000 * 0.31 + 80 * 10) / 1e6,
  ],
  ['ollama (OpenAI-compatible)', { baseUrl: (sim) => sim }, 'ollama:qwen3-coder', 0],
  // Not in the catalog: passed through, its cost unknown.
  [
    'chat (OpenAI Chat Completions)',
    { kind: 'openai-chat', baseUrl: (sim) => `${sim}/v1` },
    'chat:gpt-4.1',
    null,
  ],
]

describe('the model layer against the simulator, one protocol per provider', () => {
  let database: TestDatabase
  let providers: ProviderRegistry
  let models: ModelClient
  let sim: Awaited<ReturnType<typeof startSimulator>>

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: [scenario] })
    database = await createTestDatabase('sqlite')
    const store = await database.connect()
    ;({ providers, models } = createModelLayer({
      store,
      box: createSecretBox(randomBytes(32)),
      redactor: createRedactor(),
      env: {},
    }))
  })
  afterAll(async () => {
    await sim.close()
    await database[Symbol.asyncDispose]()
  })

  it.each(cases)(
    '%s streams text and a tool call, reports usage, and costs it',
    async (_label, setup, id, expectedCost) => {
      const name = id.split(':')[0] ?? ''
      await providers.change(name, {
        ...(setup.kind && { kind: setup.kind as 'openai-chat' }),
        baseUrl: setup.baseUrl(sim.url),
        apiKey: 'sk-sim-any-key-0000',
      })
      await models.ensureUsable(id)
      const resolved = await models.resolve(id)

      const deltas: string[] = []
      const calls: unknown[] = []
      const result = streamText({
        model: resolved.languageModel,
        prompt: 'What is the weather in Paris?',
        tools: {
          get_weather: tool({
            description: 'the forecast for a city',
            inputSchema: z.object({ city: z.string(), days: z.number() }),
            execute: async (input) => {
              calls.push(input)
              return `sunny for ${input.days} days`
            },
          }),
        },
        stopWhen: stepCountIs(3),
        maxRetries: 0,
      })
      for await (const part of result.fullStream) {
        if (part.type === 'text-delta') deltas.push(part.text)
        if (part.type === 'error') throw part.error
      }
      const steps = await result.steps
      expect(calls).toEqual([{ city: 'Paris', days: 2 }])
      expect(steps).toHaveLength(2)
      expect(steps[0]?.toolCalls.map((call) => [call.toolName, call.input])).toEqual([
        ['get_weather', { city: 'Paris', days: 2 }],
      ])
      expect(steps[1]?.text).toBe('It is sunny in Paris.')
      expect(deltas.join('')).toBe('Let me look.It is sunny in Paris.')
      expect(deltas.length).toBeGreaterThan(2)

      const usages = steps.map((step) => toUsage(step.usage))
      expect(usages).toEqual([asCadreUsage(firstUsage), asCadreUsage(secondUsage)])
      if (expectedCost === null) expect(resolved.cost(usages[0]!)).toBeNull()
      else expect(resolved.cost(usages[0]!)).toBeCloseTo(expectedCost, 12)
    },
  )

  it("lists the catalog merged with the providers' own model lists", async () => {
    const listing = await models.list()
    const ids = listing.models.map((model) => model.id)
    expect(ids).toEqual(expect.arrayContaining(['anthropic:claude-opus-4-5', 'openai:gpt-5.5']))
    expect(listing.providers.filter((p) => !p.ok)).toEqual([])
    const onlyListed = listing.models.filter((model) => model.source === 'provider')
    expect(onlyListed.length).toBeGreaterThan(0)
    for (const model of onlyListed) expect(model.pricing).toBeNull()
  })

  it('checks a provider with one real call', async () => {
    expect(await models.check('anthropic')).toMatchObject({ ok: true, problem: null })
  })
})
