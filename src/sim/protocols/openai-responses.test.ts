import { join } from 'node:path'
import OpenAI from 'openai'
import type {
  ResponseCreateParamsNonStreaming,
  ResponseInputItem,
  Tool,
} from 'openai/resources/responses/responses'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadScenarios } from '../load-scenarios.ts'
import type { SimServer } from '../sim-server.ts'
import { startSimulator } from '../start-simulator.ts'

const fixture = join(import.meta.dirname, '..', '__fixtures__', 'sdk-check.yaml')
const cwd = '/home/dev/projects/webshop'
const parameters = { type: 'object', properties: {}, additionalProperties: true }

// Codex's two tools: a function tool and the custom (free-form) apply_patch.
const codexTools: Tool[] = [
  { type: 'function', name: 'exec_command', parameters, strict: false },
  { type: 'custom', name: 'apply_patch', description: 'Edit files with a patch' },
  { type: 'web_search' },
]
const fileTools: Tool[] = [
  { type: 'function', name: 'write_file', parameters, strict: false },
  { type: 'function', name: 'run_bash_command', parameters, strict: false },
]
// Codex states its working directory in an <environment_context> user message.
const input = (text: string): ResponseInputItem[] => [
  { type: 'message', role: 'developer', content: [{ type: 'input_text', text: 'Follow the instructions.' }] },
  {
    type: 'message',
    role: 'user',
    content: [
      { type: 'input_text', text: `<environment_context>\n  <cwd>${cwd}</cwd>\n</environment_context>` },
    ],
  },
  { type: 'message', role: 'user', content: [{ type: 'input_text', text }] },
]
const params = (text: string, tools = fileTools): Omit<ResponseCreateParamsNonStreaming, 'stream'> => ({
  model: 'gpt-5.5',
  instructions: 'You are Codex.',
  input: input(text),
  tools,
})

const patch = '*** Begin Patch\n*** Add File: hello.txt\n+hello\n*** End Patch\n'
const usage = {
  input_tokens: 1200,
  input_tokens_details: { cached_tokens: 1000 },
  output_tokens: 80,
  output_tokens_details: { reasoning_tokens: 20 },
  total_tokens: 1280,
}

describe('OpenAI Responses through the openai SDK', () => {
  let sim: SimServer
  let client: OpenAI

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: await loadScenarios([fixture]) })
    client = new OpenAI({ baseURL: `${sim.url}/v1`, apiKey: 'sk-test-not-a-real-key', maxRetries: 0 })
  })
  afterAll(() => sim.close())

  it('streams reasoning, text and several function calls that the stream helper reassembles', async () => {
    const stream = client.responses.stream(params('Write hello.txt please'))
    const argumentDeltas = new Map<number, number>()
    const types = new Set<string>()
    for await (const event of stream) {
      types.add(event.type)
      if (event.type === 'response.function_call_arguments.delta') {
        argumentDeltas.set(event.output_index, (argumentDeltas.get(event.output_index) ?? 0) + 1)
      }
    }
    const response = await stream.finalResponse()

    expect(response.status).toBe('completed')
    expect(response.output.map((item) => item.type)).toEqual([
      'reasoning',
      'message',
      'function_call',
      'function_call',
    ])
    const [reasoning, , write, bash] = response.output
    expect(reasoning?.type === 'reasoning' && reasoning.summary).toEqual([
      {
        type: 'summary_text',
        text: 'The user wants hello.txt in the project, so I will write it and then list the folder.',
      },
    ])
    expect(response.output_text).toBe('Writing hello.txt in the project folder now.')
    const calls = [write, bash].map((item) =>
      item?.type === 'function_call'
        ? { name: item.name, args: JSON.parse(item.arguments), callId: item.call_id }
        : item,
    )
    expect(calls).toEqual([
      {
        name: 'write_file',
        args: { file_path: `${cwd}/hello.txt`, content: 'hello\nworld\n' },
        callId: expect.stringMatching(/^call_/),
      },
      {
        name: 'run_bash_command',
        args: { command: `ls -la ${cwd}`, description: 'List the folder' },
        callId: expect.any(String),
      },
    ])
    expect(response.usage).toEqual(usage)
    expect(argumentDeltas.get(2)).toBeGreaterThan(3)
    expect(argumentDeltas.get(3)).toBeGreaterThan(3)
    for (const type of [
      'response.created',
      'response.in_progress',
      'response.reasoning_summary_text.delta',
      'response.output_text.delta',
      'response.completed',
    ]) {
      expect(types).toContain(type)
    }
  })

  it('sends a custom tool call (Codex apply_patch) with its raw input in pieces', async () => {
    const stream = await client.responses.create({ ...params('Add the file', codexTools), stream: true })
    let input = ''
    let inputDeltas = 0
    let done: unknown
    const sequence: number[] = []
    for await (const event of stream) {
      sequence.push(event.sequence_number)
      if (event.type === 'response.custom_tool_call_input.delta') {
        input += event.delta
        inputDeltas++
      }
      if (event.type === 'response.completed') done = event.response
    }
    expect(input).toBe(patch)
    expect(inputDeltas).toBeGreaterThan(3)
    expect(sequence).toEqual(sequence.map((_, index) => index))
    const output = (done as OpenAI.Responses.Response).output
    expect(output[1]).toMatchObject({ type: 'custom_tool_call', name: 'apply_patch', input: patch })
    expect(output[2]).toMatchObject({ type: 'function_call', name: 'exec_command' })
    expect(JSON.parse((output[2] as OpenAI.Responses.ResponseFunctionToolCall).arguments)).toEqual({
      cmd: 'cat hello.txt',
      workdir: cwd,
    })
  })

  it('answers without streaming, and finishes once tool outputs come back', async () => {
    const first = await client.responses.create(params('Write hello.txt please'))
    expect(first.usage).toEqual(usage)
    const calls = first.output.filter((item) => item.type === 'function_call')
    expect(calls.map((call) => call.name)).toEqual(['write_file', 'run_bash_command'])
    const second = await client.responses.create({
      ...params('Write hello.txt please'),
      input: [
        ...input('Write hello.txt please'),
        ...(first.output as ResponseInputItem[]),
        ...calls.map((call) => ({
          type: 'function_call_output' as const,
          call_id: call.call_id,
          output: 'ok',
        })),
      ],
    })
    expect(second.output_text).toBe('Done: hello.txt is written and the folder listed.')
    expect(second.usage).toMatchObject({ input_tokens: 1500, output_tokens: 12 })
  })

  it('reads a custom tool output back as a tool result', async () => {
    const reply = await client.responses.create({
      ...params('Add the file', codexTools),
      input: [
        ...input('Add the file'),
        { type: 'custom_tool_call', call_id: 'call_1', name: 'apply_patch', input: patch },
        { type: 'custom_tool_call_output', call_id: 'call_1', output: 'patch rejected: permission denied' },
      ],
    })
    expect(reply.output_text).toBe('The tool failed: patch rejected: permission denied')
  })

  it('marks the response incomplete when the scenario stops at the token limit', async () => {
    const response = await client.responses.stream(params('please stop short')).finalResponse()
    expect(response.status).toBe('incomplete')
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' })
  })

  it('raises the SDK errors with the right status: 429 with retry-after, 500, 503 overloaded', async () => {
    const rateLimited = await client.responses.create(params('please rate limit')).catch((error) => error)
    expect(rateLimited).toBeInstanceOf(OpenAI.RateLimitError)
    expect(rateLimited.status).toBe(429)
    expect(rateLimited.headers.get('retry-after')).toBe('2')
    expect(rateLimited.code).toBe('rate_limit_exceeded')
    const failed = await client.responses
      .create({ ...params('please fail'), stream: true })
      .catch((error) => error)
    expect(failed).toBeInstanceOf(OpenAI.InternalServerError)
    expect(failed.status).toBe(500)
    const overloaded = await client.responses
      .stream(params('please overload'))
      .finalResponse()
      .catch((error) => error)
    expect(overloaded).toBeInstanceOf(OpenAI.APIError)
    expect(overloaded.status).toBe(503)
  })

  it('makes stream iteration reject when the stream is cut', async () => {
    const stream = await client.responses.create({ ...params('please cut'), stream: true })
    const seen: string[] = []
    const consume = async () => {
      for await (const event of stream) seen.push(event.type)
    }
    await expect(consume()).rejects.toThrow()
    expect(seen).toContain('response.output_text.delta')
    // Cut mid-item: the item never finishes, the response never completes.
    expect(seen).not.toContain('response.output_text.done')
    expect(seen).not.toContain('response.completed')
    await expect(client.responses.stream(params('please cut')).finalResponse()).rejects.toThrow()
  })

  it('lists models in the OpenAI shape', async () => {
    const ids: string[] = []
    for await (const model of client.models.list()) ids.push(model.id)
    expect(ids).toEqual(expect.arrayContaining(['gpt-5.5', 'sdk-check']))
    expect(await client.models.retrieve('gpt-5.5')).toMatchObject({ id: 'gpt-5.5', object: 'model' })
  })
})
