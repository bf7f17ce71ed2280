import { describe, expect, it } from 'vitest'
import { startSimulator } from './start-simulator.ts'

const ask = async (url: string, messages: unknown[], system: unknown) => {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'anthropic-version': '2023-06-01' },
    body: JSON.stringify({ model: 'claude-sonnet-4-5', max_tokens: 100, system, messages }),
  })
  return ((await response.json()) as { usage: Record<string, number> }).usage
}

const marked = { type: 'ephemeral' }
const system = [{ type: 'text', text: 'You are careful. '.repeat(200), cache_control: marked }]
const first = { role: 'user', content: [{ type: 'text', text: 'Read the file.', cache_control: marked }] }

describe("the simulator's prompt cache", () => {
  it('reads what an earlier request marked, and writes the rest up to the last mark', async () => {
    await using sim = await startSimulator({
      scenarios: [{ name: 's', rules: [{ reply: [{ text: 'ok' }] }] }],
    })
    const cold = await ask(sim.url, [first], system)
    expect(cold.cache_read_input_tokens).toBe(0)
    expect(cold.cache_creation_input_tokens).toBeGreaterThan(800)

    const next = [
      { role: 'user', content: [{ type: 'text', text: 'Read the file.' }] },
      { role: 'assistant', content: [{ type: 'text', text: 'It says hello.' }] },
      { role: 'user', content: [{ type: 'text', text: 'Now change it.', cache_control: marked }] },
    ]
    const warm = await ask(sim.url, next, system)
    // The system prompt was marked before; the first message's mark is gone, so only the system is read.
    expect(warm.cache_read_input_tokens).toBeGreaterThan(800)
    expect(warm.cache_read_input_tokens).toBeLessThan(cold.cache_creation_input_tokens!)
    expect(warm.cache_creation_input_tokens).toBeGreaterThan(0)

    const unmarked = await ask(sim.url, [{ role: 'user', content: 'hi' }], 'plain')
    expect(unmarked).toMatchObject({ cache_read_input_tokens: 0, cache_creation_input_tokens: 0 })
  })

  it('leaves usage a scenario gives exactly as given', async () => {
    await using sim = await startSimulator({
      scenarios: [
        { name: 's', rules: [{ reply: [{ text: 'ok' }], usage: { inputTokens: 1000, outputTokens: 5 } }] },
      ],
    })
    await ask(sim.url, [first], system)
    expect(await ask(sim.url, [first], system)).toMatchObject({
      input_tokens: 1000,
      cache_read_input_tokens: 0,
      cache_creation_input_tokens: 0,
    })
  })
})
