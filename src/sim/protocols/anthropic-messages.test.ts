import { join } from 'node:path'
import Anthropic from '@anthropic-ai/sdk'
import type { MessageParam, Tool } from '@anthropic-ai/sdk/resources/messages'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadScenarios } from '../load-scenarios.ts'
import type { SimServer } from '../sim-server.ts'
import { startSimulator } from '../start-simulator.ts'

const fixture = join(import.meta.dirname, '..', '__fixtures__', 'sdk-check.yaml')
const cwd = '/home/dev/projects/webshop'

// Claude Code's tools, and its environment block as a `role: "system"` message inside `messages`.
const tools: Tool[] = [
  { name: 'Bash', input_schema: { type: 'object', properties: { command: { type: 'string' } } } },
  { name: 'TodoWrite', input_schema: { type: 'object', properties: {} } },
  { name: 'Write', input_schema: { type: 'object', properties: { file_path: { type: 'string' } } } },
]
const environment = {
  role: 'system',
  content: `<env>\nPrimary working directory: ${cwd}\nIs directory a git repo: Yes\n</env>`,
} as unknown as MessageParam
const ask = (text: string): MessageParam[] => [
  environment,
  { role: 'user', content: [{ type: 'text', text }] },
]
const params = (text: string) => ({
  model: 'claude-sonnet-5',
  max_tokens: 1024,
  system: [{ type: 'text' as const, text: 'You are Claude Code.' }],
  messages: ask(text),
  tools,
})

const expectedContent = [
  {
    type: 'thinking',
    thinking: 'The user wants hello.txt in the project, so I will write it and then list the folder.',
    signature: expect.any(String),
  },
  { type: 'text', text: 'Writing hello.txt in the project folder now.', citations: null },
  {
    type: 'tool_use',
    id: expect.stringMatching(/^toolu_/),
    name: 'Write',
    input: { file_path: `${cwd}/hello.txt`, content: 'hello\nworld\n' },
  },
  {
    type: 'tool_use',
    id: expect.stringMatching(/^toolu_/),
    name: 'Bash',
    input: { command: `ls -la ${cwd}`, description: 'List the folder' },
  },
]
// inputTokens 1200 counts the 1000 cached ones; Anthropic reports them apart.
const expectedUsage = {
  input_tokens: 200,
  cache_read_input_tokens: 1000,
  cache_creation_input_tokens: 0,
  output_tokens: 80,
}

describe('Anthropic Messages through @anthropic-ai/sdk', () => {
  let sim: SimServer
  let client: Anthropic

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: await loadScenarios([fixture]) })
    client = new Anthropic({ baseURL: sim.url, apiKey: 'sk-ant-test-not-a-real-key', maxRetries: 0 })
  })
  afterAll(() => sim.close())

  it('streams thinking, text and several tool calls that the SDK reassembles exactly', async () => {
    const stream = client.messages.stream(params('Write hello.txt please'))
    const events: Anthropic.MessageStreamEvent[] = []
    for await (const event of stream) events.push(event)
    const message = await stream.finalMessage()

    expect(message.content).toEqual(expectedContent)
    expect(message.stop_reason).toBe('tool_use')
    expect(message.usage).toMatchObject({ ...expectedUsage, output_tokens_details: { thinking_tokens: 20 } })
    expect(message.id).toMatch(/^msg_/)
    expect(events[0]?.type).toBe('message_start')
    expect(events.at(-1)?.type).toBe('message_stop')
    const argumentDeltas = (index: number) =>
      events.filter(
        (event) =>
          event.type === 'content_block_delta' &&
          event.index === index &&
          event.delta.type === 'input_json_delta',
      ).length
    expect(argumentDeltas(2)).toBeGreaterThan(3)
    expect(argumentDeltas(3)).toBeGreaterThan(3)
    const deltaTypes = events.flatMap((event) =>
      event.type === 'content_block_delta' ? [event.delta.type] : [],
    )
    expect(deltaTypes).toContain('signature_delta')
    expect(deltaTypes.filter((type) => type === 'text_delta').length).toBeGreaterThan(1)
  })

  it('answers the beta endpoint (?beta=true) as Claude Code calls it, streamed with create', async () => {
    const stream = await client.beta.messages.create({ ...params('Write hello.txt please'), stream: true })
    let text = ''
    const names: string[] = []
    for await (const event of stream) {
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text
      if (event.type === 'content_block_start' && event.content_block.type === 'tool_use')
        names.push(event.content_block.name)
    }
    expect(text).toBe('Writing hello.txt in the project folder now.')
    expect(names).toEqual(['Write', 'Bash'])
  })

  it('answers without streaming, and ends the turn once tool results arrive', async () => {
    const first = await client.messages.create(params('Write hello.txt please'))
    expect(first.content).toEqual(expectedContent)
    expect(first.usage).toMatchObject(expectedUsage)
    const calls = first.content.filter((block) => block.type === 'tool_use')
    const second = await client.messages.create({
      ...params('Write hello.txt please'),
      messages: [
        ...ask('Write hello.txt please'),
        { role: 'assistant', content: first.content },
        {
          role: 'user',
          content: calls.map((call) => ({
            type: 'tool_result' as const,
            tool_use_id: call.id,
            content: 'ok',
          })),
        },
      ],
    })
    expect(second.content).toEqual([
      { type: 'text', text: 'Done: hello.txt is written and the folder listed.', citations: null },
    ])
    expect(second.stop_reason).toBe('end_turn')
    expect(second.usage).toMatchObject({ input_tokens: 1500, output_tokens: 12 })
  })

  it('reports max_tokens when the scenario says the reply was cut by the limit', async () => {
    const message = await client.messages.stream(params('please stop short')).finalMessage()
    expect(message.stop_reason).toBe('max_tokens')
  })

  it('raises the SDK errors with the right status: 429 with retry-after, 500, 529 overloaded', async () => {
    const rateLimited = await client.messages.create(params('please rate limit')).catch((error) => error)
    expect(rateLimited).toBeInstanceOf(Anthropic.RateLimitError)
    expect(rateLimited.status).toBe(429)
    expect(rateLimited.headers.get('retry-after')).toBe('2')
    expect(rateLimited.error).toMatchObject({ type: 'error', error: { type: 'rate_limit_error' } })

    const failed = await client.messages.create(params('please fail')).catch((error) => error)
    expect(failed).toBeInstanceOf(Anthropic.InternalServerError)
    expect(failed.status).toBe(500)

    const overloaded = await client.messages
      .stream(params('please overload'))
      .finalMessage()
      .catch((error) => error)
    expect(overloaded).toBeInstanceOf(Anthropic.OverloadedError)
    expect(overloaded.status).toBe(529)
    expect(overloaded.error).toMatchObject({ error: { type: 'overloaded_error' } })
  })

  it('makes stream iteration reject when the stream is cut', async () => {
    const stream = client.messages.stream(params('please cut'))
    const seen: string[] = []
    const consume = async () => {
      for await (const event of stream) seen.push(event.type)
    }
    await expect(consume()).rejects.toThrow()
    expect(seen).toContain('content_block_delta')
    expect(seen).not.toContain('content_block_stop')
    expect(seen).not.toContain('message_stop')

    // Without streaming, the body stops half way: reading it fails as on a dropped connection.
    await expect(client.messages.create(params('please cut'))).rejects.toThrow('terminated')

    const raw = await client.messages.create({ ...params('please cut'), stream: true })
    await expect(
      (async () => {
        for await (const _event of raw) {
          // reading until the connection drops
        }
      })(),
    ).rejects.toThrow()
  })

  it('lists models, including each scenario by name, and counts tokens', async () => {
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(expect.arrayContaining(['claude-sonnet-5', 'sdk-check']))
    const model = await client.models.retrieve('claude-opus-5')
    expect(model).toMatchObject({ type: 'model', id: 'claude-opus-5' })
    const counted = await client.messages.countTokens({
      model: 'claude-sonnet-5',
      messages: ask('hello there'),
    })
    expect(counted.input_tokens).toBeGreaterThan(0)
  })
})
