import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import { parseScenario } from './parse-scenario.ts'
import type { SimServer } from './sim-server.ts'
import { startSimulator } from './start-simulator.ts'

/** A Response whose JSON body the assertions check at run time. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions check the shape at run time
type JsonResponse = Omit<Response, 'json'> & { json(): Promise<any> }

const anthropicHeaders = {
  'content-type': 'application/json',
  'x-api-key': 'k',
  'anthropic-version': '2023-06-01',
}
const openaiHeaders = { 'content-type': 'application/json', authorization: 'Bearer k' }
const ask = (text: string) => ({
  model: 'any-model',
  max_tokens: 100,
  messages: [{ role: 'user', content: text }],
})

const scenarios = [
  parseScenario({ name: 'first', rules: [{ reply: [{ text: 'from first' }] }] }, 'first'),
  parseScenario({ name: 'second', rules: [{ reply: [{ text: 'from second' }] }] }, 'second'),
  parseScenario(
    {
      name: 'slow',
      pace: { latencyMs: 150, tokensPerSecond: 100 },
      rules: [{ reply: [{ text: 'one two three four five six seven eight nine ten eleven twelve' }] }],
    },
    'slow',
  ),
]

describe('the simulator over HTTP', () => {
  let sim: SimServer
  const post = (
    path: string,
    body: unknown,
    headers: Record<string, string> = openaiHeaders,
  ): Promise<JsonResponse> =>
    fetch(`${sim.url}${path}`, {
      method: 'POST',
      headers,
      body: typeof body === 'string' ? body : JSON.stringify(body),
    })
  const get = (path: string, headers: Record<string, string>): Promise<JsonResponse> =>
    fetch(`${sim.url}${path}`, { headers })

  beforeAll(async () => {
    sim = await startSimulator({ scenarios })
  })
  afterAll(() => sim.close())

  it('has a URL with the bound port and no trailing slash', () => {
    expect(sim.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
  })

  it('picks the scenario by header, then by model name, then the first', async () => {
    const textOf = async (response: JsonResponse) => (await response.json()).content[0].text
    expect(await textOf(await post('/v1/messages', ask('hi'), anthropicHeaders))).toBe('from first')
    expect(
      await textOf(await post('/v1/messages', { ...ask('hi'), model: 'second' }, anthropicHeaders)),
    ).toBe('from second')
    const byHeader = await post(
      '/v1/messages',
      { ...ask('hi'), model: 'first' },
      { ...anthropicHeaders, 'x-cadre-scenario': 'second' },
    )
    expect(await textOf(byHeader)).toBe('from second')
    const unknown = await post('/v1/messages', ask('hi'), { ...anthropicHeaders, 'x-cadre-scenario': 'nope' })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error.message).toBe(
      'no scenario named "nope" (x-cadre-scenario); loaded: first, second, slow',
    )
  })

  it('serves every OpenAI and Anthropic route without the /v1 prefix too', async () => {
    expect((await (await post('/messages', ask('hi'), anthropicHeaders)).json()).type).toBe('message')
    const chat = await post('/chat/completions', { model: 'm', messages: [{ role: 'user', content: 'hi' }] })
    expect((await chat.json()).object).toBe('chat.completion')
    expect((await (await post('/responses', { model: 'm', input: 'hi' })).json()).object).toBe('response')
    expect((await (await get('/models', openaiHeaders)).json()).object).toBe('list')
  })

  it('lists models in the Anthropic shape for Anthropic clients and the OpenAI shape otherwise', async () => {
    const anthropic = await (await get('/v1/models', anthropicHeaders)).json()
    expect(anthropic).toMatchObject({ has_more: false, first_id: expect.any(String), last_id: 'slow' })
    expect(anthropic.data[0]).toEqual({
      type: 'model',
      id: anthropic.first_id,
      display_name: expect.any(String),
      created_at: expect.any(String),
    })
    const openai = await (await get('/v1/models', openaiHeaders)).json()
    expect(openai.object).toBe('list')
    expect(openai.data).toContainEqual({
      id: 'second',
      object: 'model',
      created: expect.any(Number),
      owned_by: 'cadre-sim',
    })
    const one = await (await get('/v1/models/claude-opus-5', anthropicHeaders)).json()
    expect(one).toMatchObject({ type: 'model', id: 'claude-opus-5' })
  })

  it('answers unknown routes with a 404 in the shape of the protocol the client speaks', async () => {
    const anthropic = await get('/v1/files', anthropicHeaders)
    expect([anthropic.status, (await anthropic.json()).error.type]).toEqual([404, 'not_found_error'])
    const openai = await post('/v1/embeddings', '{}')
    expect([openai.status, (await openai.json()).error]).toEqual([
      404,
      expect.objectContaining({ type: 'invalid_request_error' }),
    ])
    const gemini = await post('/v1beta/models/gemini-2.5-pro:embedContent', '{}', {})
    expect([gemini.status, (await gemini.json()).error]).toEqual([
      404,
      expect.objectContaining({ code: 404, status: 'NOT_FOUND' }),
    ])
    const wrongMethod = await get('/v1/messages', anthropicHeaders)
    expect(wrongMethod.status).toBe(404)
  })

  it('answers bad JSON and bodies of the wrong shape with a 400 naming the problem', async () => {
    const badJson = await post('/v1/messages', '{"model": ', anthropicHeaders)
    expect(badJson.status).toBe(400)
    expect((await badJson.json()).error).toMatchObject({
      type: 'invalid_request_error',
      message: expect.stringMatching(/^request body is not valid JSON/),
    })
    const noMessages = await post('/v1/chat/completions', { model: 'm' })
    expect((await noMessages.json()).error.message).toBe(
      'messages: Invalid input: expected array, received undefined',
    )
    const badRole = await post(
      '/v1/messages',
      { model: 'm', messages: [{ role: 'robot', content: 'x' }] },
      anthropicHeaders,
    )
    expect((await badRole.json()).error.message).toMatch(/^messages\.0\.role: Invalid option/)
    const empty = await post('/v1/responses', '')
    expect([empty.status, (await empty.json()).error.message]).toEqual([
      400,
      'request body is empty; expected a JSON object',
    ])
    const gemini = await post('/v1beta/models/g:generateContent', { contents: 'hello' })
    expect((await gemini.json()).error).toMatchObject({
      code: 400,
      status: 'INVALID_ARGUMENT',
      message: expect.stringMatching(/^contents:/),
    })
  })

  it('never fails on odd input, and keeps serving', async () => {
    const bodies = [
      'null',
      '[]',
      '"text"',
      '42',
      '{}',
      '{"model":1}',
      '{"model":"m","messages":[null]}',
      '{"model":"m","input":[1,{"type":"function_call"}]}',
      '{"contents":[{"parts":[{"functionCall":{}}]}]}',
      '\u0000\u00ff',
      '{"model":"m","messages":[{"role":"tool"}],"tools":[{"type":"function"}]}',
    ]
    const paths = [
      '/v1/messages',
      '/v1/messages/count_tokens',
      '/v1/responses',
      '/v1/chat/completions',
      '/v1beta/models/m:streamGenerateContent?alt=sse',
      '/v1beta/models/%E0%A4%A:countTokens',
      '/v1/models/%zz',
    ]
    for (const path of paths) {
      for (const body of bodies) {
        const response = await post(path, body)
        expect([200, 400, 404]).toContain(response.status)
        expect(response.headers.get('content-type')).toMatch(/json|event-stream/)
        await response.arrayBuffer()
      }
    }
    expect((await post('/v1/chat/completions', { model: 'm', messages: [] })).status).toBe(200)
  })

  it('answers any structured-output schema with a small instance: never a crash or a 500', async () => {
    // Regression: a recursive $ref with minItems ran the process out of memory, minLength: 1e10
    // and a malformed $ref gave a 500.
    await using bare = await startSimulator()
    const recursive = { type: 'array', minItems: 10, items: { $ref: '#' } }
    const schemas = [
      recursive,
      { type: 'object', required: ['a', 'b'], properties: { a: { $ref: '#' }, b: { $ref: '#' } } },
      { type: 'array', minItems: 3e7 },
      { type: 'string', minLength: 1e10 },
      { $ref: '#/%zz' },
      { $ref: '#/__proto__/constructor' },
      { type: 'array', minItems: 1000, items: { const: 'y'.repeat(100_000) } },
    ]
    for (const schema of schemas) {
      const response = await fetch(`${bare.url}/v1/chat/completions`, {
        method: 'POST',
        headers: openaiHeaders,
        body: JSON.stringify({
          model: 'm',
          messages: [{ role: 'user', content: 'structured, please' }],
          response_format: { type: 'json_schema', json_schema: { name: 'x', schema } },
        }),
      })
      const text = await response.text()
      expect(response.status, JSON.stringify(schema).slice(0, 80)).toBe(200)
      expect(text.length).toBeLessThan(256 * 1024)
      expect(() => JSON.parse(JSON.parse(text).choices[0].message.content)).not.toThrow()
    }
    // Nesting deep enough to overflow any recursive walk of the body is refused up front.
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`
    const nested = await post(
      '/v1/chat/completions',
      `{"model":"m","messages":[],"tools":[{"type":"function","function":{"name":"t","parameters":${deep}}}]}`,
    )
    expect(nested.status).toBe(400)
    expect((await nested.json()).error.message).toMatch(/nests deeper than/)
  })

  it('shrugs off a client that leaves mid-stream', async () => {
    const controller = new AbortController()
    const response = await fetch(`${sim.url}/v1/responses`, {
      method: 'POST',
      headers: openaiHeaders,
      body: JSON.stringify({ model: 'slow', stream: true, input: 'hi' }),
      signal: controller.signal,
    })
    const reader = response.body!.getReader()
    await reader.read()
    controller.abort()
    await new Promise((resolve) => setTimeout(resolve, 100))
    expect((await post('/v1/responses', { model: 'first', input: 'hi' })).status).toBe(200)
  })

  it('streams Gemini as a JSON array without alt=sse', async () => {
    const response = await post('/v1beta/models/first:streamGenerateContent', {
      contents: [{ parts: [{ text: 'hi' }] }],
    })
    const chunks = await response.json()
    expect(
      chunks
        .map(
          (chunk: { candidates: Array<{ content: { parts: Array<{ text: string }> } }> }) =>
            chunk.candidates[0]?.content.parts[0]?.text,
        )
        .join(''),
    ).toBe('from first')
  })

  it('waits latencyMs before the first byte and paces deltas by tokensPerSecond', async () => {
    const started = Date.now()
    const response = await post('/v1/chat/completions', {
      model: 'slow',
      stream: true,
      messages: [{ role: 'user', content: 'hi' }],
    })
    const headersAt = Date.now() - started
    await response.text()
    const doneAt = Date.now() - started
    expect(headersAt).toBeGreaterThanOrEqual(140)
    // 61 characters ≈ 16 tokens at 100 a second: about 160 ms of deltas after the latency.
    expect(doneAt - headersAt).toBeGreaterThanOrEqual(120)
  })
})

describe('starting the simulator', () => {
  it('says clearly when the port is taken', async () => {
    const blocker = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => blocker.once('listening', resolve))
    const { port } = blocker.address() as { port: number }
    const failure = await startSimulator({ port }).catch((error) => error)
    blocker.close()
    expect(failure).toBeInstanceOf(CadreError)
    expect(failure.message).toBe(
      `port ${port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)`,
    )
  })

  it('closes when its signal aborts, and refuses two scenarios with one name', async () => {
    const controller = new AbortController()
    const sim = await startSimulator({ signal: controller.signal })
    controller.abort()
    await sim.close()
    await expect(fetch(`${sim.url}/v1/models`)).rejects.toThrow()
    await expect(startSimulator({ scenarios: [scenarios[0]!, scenarios[0]!] })).rejects.toThrow(
      'two scenarios are named "first"',
    )
  })
})
