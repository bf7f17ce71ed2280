import { join } from 'node:path'
import OpenAI from 'openai'
import type {
  ChatCompletionChunk,
  ChatCompletionCreateParamsNonStreaming,
  ChatCompletionMessageParam,
  ChatCompletionTool,
} from 'openai/resources/chat/completions'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadScenarios } from '../load-scenarios.ts'
import type { SimServer } from '../sim-server.ts'
import { startSimulator } from '../start-simulator.ts'

const fixture = join(import.meta.dirname, '..', '__fixtures__', 'sdk-check.yaml')
const cwd = '/home/dev/projects/webshop'
const parameters = { type: 'object', properties: {} }

// OpenCode's tools, and its <env> block in the system prompt.
const tools: ChatCompletionTool[] = ['bash', 'edit', 'write', 'read'].map((name) => ({
  type: 'function',
  function: { name, parameters },
}))
const messages = (text: string): ChatCompletionMessageParam[] => [
  {
    role: 'system',
    content: `You are opencode.\n<env>\n  Working directory: ${cwd}\n  Platform: linux\n</env>`,
  },
  { role: 'user', content: [{ type: 'text', text }] },
]
const params = (text: string): Omit<ChatCompletionCreateParamsNonStreaming, 'stream'> => ({
  model: 'gpt-5.5',
  messages: messages(text),
  tools,
})

const reasoning = 'The user wants hello.txt in the project, so I will write it and then list the folder.'
const expectedCalls = [
  { name: 'write', args: { file_path: `${cwd}/hello.txt`, content: 'hello\nworld\n' } },
  { name: 'bash', args: { command: `ls -la ${cwd}`, description: 'List the folder' } },
]
const usage = {
  prompt_tokens: 1200,
  completion_tokens: 80,
  total_tokens: 1280,
  prompt_tokens_details: { cached_tokens: 1000 },
  completion_tokens_details: { reasoning_tokens: 20 },
}
const callsOf = (message: OpenAI.Chat.ChatCompletionMessage) =>
  (message.tool_calls ?? []).map((call) =>
    call.type === 'function' ? { name: call.function.name, args: JSON.parse(call.function.arguments) } : call,
  )

describe('OpenAI Chat Completions through the openai SDK', () => {
  let sim: SimServer
  let client: OpenAI

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: await loadScenarios([fixture]) })
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-test-not-a-real-key', maxRetries: 0 })
  })
  afterAll(() => sim.close())

  it('streams chunks whose tool-call arguments, split across several, reassemble exactly', async () => {
    const stream = await client.chat.completions.create({
      ...params('Write hello.txt please'),
      stream: true,
      stream_options: { include_usage: true },
    })
    const chunks: ChatCompletionChunk[] = []
    for await (const chunk of stream) chunks.push(chunk)

    let content = ''
    let thinking = ''
    const calls: Array<{ id?: string; name: string; arguments: string; pieces: number }> = []
    for (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta as
        | (ChatCompletionChunk.Choice.Delta & { reasoning_content?: string })
        | undefined
      content += delta?.content ?? ''
      thinking += delta?.reasoning_content ?? ''
      for (const call of delta?.tool_calls ?? []) {
        calls[call.index] ??= { id: call.id, name: call.function?.name ?? '', arguments: '', pieces: 0 }
        calls[call.index]!.arguments += call.function?.arguments ?? ''
        if (call.function?.arguments) calls[call.index]!.pieces++
      }
    }
    expect(content).toBe('Writing hello.txt in the project folder now.')
    expect(thinking).toBe(reasoning)
    expect(calls.map((call) => ({ name: call.name, args: JSON.parse(call.arguments) }))).toEqual(
      expectedCalls,
    )
    expect(calls.every((call) => call.pieces > 3 && call.id?.startsWith('call_'))).toBe(true)
    const finish = chunks.find((chunk) => chunk.choices[0]?.finish_reason)
    expect(finish?.choices[0]?.finish_reason).toBe('tool_calls')
    expect(chunks.at(-1)).toMatchObject({ choices: [], usage })
  })

  it('accumulates the same reply through the .stream() helper', async () => {
    const stream = client.chat.completions.stream({
      ...params('Write hello.txt please'),
      stream_options: { include_usage: true },
    })
    const completion = await stream.finalChatCompletion()
    const [choice] = completion.choices
    expect(choice?.message.content).toBe('Writing hello.txt in the project folder now.')
    expect(callsOf(choice!.message)).toEqual(expectedCalls)
    expect(choice?.finish_reason).toBe('tool_calls')
    expect(completion.usage).toEqual(usage)
  })

  it('answers without streaming, and finishes once tool results come back', async () => {
    const first = await client.chat.completions.create(params('Write hello.txt please'))
    const message = first.choices[0]!.message
    expect(message.content).toBe('Writing hello.txt in the project folder now.')
    expect((message as { reasoning_content?: string }).reasoning_content).toBe(reasoning)
    expect(callsOf(message)).toEqual(expectedCalls)
    expect(first.usage).toEqual(usage)
    const second = await client.chat.completions.create({
      ...params('Write hello.txt please'),
      messages: [
        ...messages('Write hello.txt please'),
        message,
        ...(message.tool_calls ?? []).map((call) => ({
          role: 'tool' as const,
          tool_call_id: call.id,
          content: 'ok',
        })),
      ],
    })
    expect(second.choices[0]).toMatchObject({
      message: { content: 'Done: hello.txt is written and the folder listed.' },
      finish_reason: 'stop',
    })
    expect(second.usage).toMatchObject({ prompt_tokens: 1500, completion_tokens: 12 })
  })

  it('finishes with length when the scenario stops at the token limit', async () => {
    const completion = await client.chat.completions.stream(params('please stop short')).finalChatCompletion()
    expect(completion.choices[0]?.finish_reason).toBe('length')
  })

  it('answers a structured-output side call with JSON that fits the schema', async () => {
    const schema = {
      type: 'object',
      properties: {
        title: { type: 'string', minLength: 3 },
        done: { type: 'boolean' },
        tags: { type: 'array', items: { type: 'string' } },
      },
      required: ['title', 'done', 'tags'],
      additionalProperties: false,
    }
    const completion = await client.chat.completions.create({
      model: 'gpt-5.4-mini',
      messages: [{ role: 'user', content: 'Name this conversation' }],
      response_format: { type: 'json_schema', json_schema: { name: 'title', schema, strict: true } },
    })
    expect(JSON.parse(completion.choices[0]!.message.content!)).toEqual({
      title: 'xxx',
      done: false,
      tags: [],
    })
  })

  it('raises the SDK errors with the right status: 429 with retry-after, 500, 503 overloaded', async () => {
    const rateLimited = await client.chat.completions
      .create(params('please rate limit'))
      .catch((error) => error)
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError)
    expect(rateLimited.headers.get('retry-after')).toBe('2')
    const failed = await client.chat.completions
      .stream(params('please fail'))
      .finalChatCompletion()
      .catch((error) => error)
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError)
    expect(failed.status).toBe(500)
    const overloaded = await client.chat.completions
      .create({ ...params('please overload'), stream: true })
      .catch((error) => error)
    expect(overloaded).toBeInstanceOf(OpenAI.APIError)
    expect(overloaded.status).toBe(503)
  })

  it('makes stream iteration reject when the stream is cut', async () => {
    const stream = await client.chat.completions.create({ ...params('please cut'), stream: true })
    let content = ''
    const finishReasons: unknown[] = []
    const consume = async () => {
      for await (const chunk of stream) {
        content += chunk.choices[0]?.delta.content ?? ''
        finishReasons.push(chunk.choices[0]?.finish_reason)
      }
    }
    await expect(consume()).rejects.toThrow()
    expect(finishReasons.filter(Boolean)).toEqual([])
    expect(content).toBe('This answer stops half way through, because the connection drops')
    await expect(client.chat.completions.stream(params('please cut')).finalChatCompletion()).rejects.toThrow()
  })
})
