import { join } from 'node:path'
import { ApiError, type Content, type GenerateContentResponse, GoogleGenAI, Type } from '@google/genai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadScenarios } from '../load-scenarios.ts'
import type { SimServer } from '../sim-server.ts'
import { startSimulator } from '../start-simulator.ts'

const fixture = join(import.meta.dirname, '..', '__fixtures__', 'sdk-check.yaml')
const cwd = '/home/dev/projects/webshop'

// Gemini CLI's tools, and the context message it opens every chat with.
const config = {
  systemInstruction: 'You are an interactive CLI agent.',
  tools: [
    {
      functionDeclarations: [
        { name: 'write_file', parametersJsonSchema: { type: 'object', properties: {} } },
        { name: 'run_shell_command', parameters: { type: Type.OBJECT, properties: {} } },
      ],
    },
  ],
}
const contents = (text: string): Content[] => [
  {
    role: 'user',
    parts: [
      {
        text: `This is the Gemini CLI.\nMy operating system is: linux\nI'm currently working in the directory: ${cwd}\n`,
      },
    ],
  },
  { role: 'model', parts: [{ text: 'Got it. Thanks for the context!' }] },
  { role: 'user', parts: [{ text }] },
]
const request = (text: string) => ({ model: 'gemini-2.5-pro', contents: contents(text), config })

// No tool contains "bash" here, so the scenario's name is used as given.
const expectedCalls = [
  { name: 'write_file', args: { file_path: `${cwd}/hello.txt`, content: 'hello\nworld\n' } },
  { name: 'bash', args: { command: `ls -la ${cwd}`, description: 'List the folder' } },
]
const usage = {
  promptTokenCount: 1200,
  candidatesTokenCount: 60,
  totalTokenCount: 1280,
  cachedContentTokenCount: 1000,
  thoughtsTokenCount: 20,
}

const thoughtsOf = (response: GenerateContentResponse) =>
  (response.candidates?.[0]?.content?.parts ?? [])
    .flatMap((part) => (part.thought ? [part.text] : []))
    .join('')

describe('Gemini through @google/genai', () => {
  let sim: SimServer
  let ai: GoogleGenAI

  beforeAll(async () => {
    sim = await startSimulator({ scenarios: await loadScenarios([fixture]) })
    ai = new GoogleGenAI({ apiKey: 'AIza-not-a-real-key', httpOptions: { baseUrl: sim.url } })
  })
  afterAll(() => sim.close())

  it('streams thoughts, text and function calls that the SDK reads exactly', async () => {
    const stream = await ai.models.generateContentStream(request('Write hello.txt please'))
    const chunks: GenerateContentResponse[] = []
    for await (const chunk of stream) chunks.push(chunk)

    expect(chunks.length).toBeGreaterThan(5)
    expect(chunks.map(thoughtsOf).join('')).toBe(
      'The user wants hello.txt in the project, so I will write it and then list the folder.',
    )
    expect(chunks.map((chunk) => chunk.text ?? '').join('')).toBe(
      'Writing hello.txt in the project folder now.',
    )
    expect(chunks.flatMap((chunk) => chunk.functionCalls ?? [])).toEqual(expectedCalls)
    const last = chunks.at(-1)!
    expect(last.candidates?.[0]?.finishReason).toBe('STOP')
    expect(last.usageMetadata).toEqual(usage)
    expect(last.modelVersion).toBe('gemini-2.5-pro')
    expect(chunks.slice(0, -1).every((chunk) => chunk.candidates?.[0]?.finishReason === undefined)).toBe(true)
  })

  it('answers generateContent, and finishes once function responses come back', async () => {
    const first = await ai.models.generateContent(request('Write hello.txt please'))
    expect(first.text).toBe('Writing hello.txt in the project folder now.')
    expect(first.functionCalls).toEqual(expectedCalls)
    expect(first.usageMetadata).toEqual(usage)
    const second = await ai.models.generateContent({
      ...request('Write hello.txt please'),
      contents: [
        ...contents('Write hello.txt please'),
        first.candidates![0]!.content!,
        {
          role: 'user',
          parts: (first.functionCalls ?? []).map((call) => ({
            functionResponse: { name: call.name, response: { output: 'ok' } },
          })),
        },
      ],
    })
    expect(second.text).toBe('Done: hello.txt is written and the folder listed.')
    expect(second.usageMetadata).toMatchObject({ promptTokenCount: 1500, candidatesTokenCount: 12 })
  })

  it('reads a failed function response as a tool error', async () => {
    const reply = await ai.models.generateContent({
      ...request('Write hello.txt please'),
      contents: [
        ...contents('Write hello.txt please'),
        { role: 'model', parts: [{ functionCall: { name: 'write_file', args: {} } }] },
        {
          role: 'user',
          parts: [{ functionResponse: { name: 'write_file', response: { error: 'permission denied' } } }],
        },
      ],
    })
    expect(reply.text).toBe('The tool failed: permission denied')
  })

  it('answers with JSON fitting the schema when structured output is asked for', async () => {
    const reply = await ai.models.generateContent({
      model: 'gemini-2.5-flash',
      contents: 'Route this request',
      config: {
        responseMimeType: 'application/json',
        responseSchema: {
          type: Type.OBJECT,
          properties: {
            model: { type: Type.STRING, enum: ['flash', 'pro'] },
            reasoning: { type: Type.STRING },
          },
          required: ['model', 'reasoning'],
        },
      },
    })
    expect(JSON.parse(reply.text!)).toEqual({ model: 'flash', reasoning: '' })
  })

  it('raises ApiError with the right status: 429 with a retry delay, 500, 503 overloaded', async () => {
    const rateLimited = await ai.models.generateContent(request('please rate limit')).catch((error) => error)
    expect(rateLimited).toBeInstanceOf(ApiError)
    expect(rateLimited.status).toBe(429)
    expect(JSON.parse(rateLimited.message).error).toMatchObject({
      status: 'RESOURCE_EXHAUSTED',
      details: [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '2s' }],
    })
    const raw = await fetch(`${sim.url}/v1beta/models/gemini-2.5-pro:generateContent`, {
      method: 'POST',
      headers: { 'x-goog-api-key': 'AIza-not-a-real-key', 'content-type': 'application/json' },
      body: JSON.stringify({ contents: contents('please rate limit') }),
    })
    expect(raw.headers.get('retry-after')).toBe('2')
    const failed = await ai.models.generateContentStream(request('please fail')).catch((error) => error)
    expect(failed).toMatchObject({ name: 'ApiError', status: 500 })
    const overloaded = await ai.models.generateContent(request('please overload')).catch((error) => error)
    expect(overloaded).toMatchObject({ name: 'ApiError', status: 503 })
  })

  it('makes stream iteration reject when the stream is cut', async () => {
    const stream = await ai.models.generateContentStream(request('please cut'))
    let text = ''
    const finishReasons: unknown[] = []
    const consume = async () => {
      for await (const chunk of stream) {
        text += chunk.text ?? ''
        finishReasons.push(chunk.candidates?.[0]?.finishReason)
      }
    }
    await expect(consume()).rejects.toThrow()
    expect(text).toBe('This answer stops half way through, because the connection drops')
    expect(finishReasons.filter(Boolean)).toEqual([])
  })

  it('lists and gets models, and counts tokens', async () => {
    const names: string[] = []
    for await (const model of await ai.models.list()) names.push(model.name ?? '')
    expect(names).toEqual(expect.arrayContaining(['models/gemini-2.5-pro', 'models/sdk-check']))
    expect(await ai.models.get({ model: 'gemini-2.5-flash' })).toMatchObject({
      name: 'models/gemini-2.5-flash',
    })
    const counted = await ai.models.countTokens({ model: 'gemini-2.5-pro', contents: 'hello there' })
    expect(counted.totalTokens).toBeGreaterThan(0)
  })
})
