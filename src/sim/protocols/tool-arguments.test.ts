import { describe, expect, it } from 'vitest'
import type { SimMessageReply } from '../sim-reply.ts'
import type { SimRequest } from '../sim-request.ts'
import { anthropicJson } from './anthropic-messages-reply.ts'
import { geminiJson } from './gemini-reply.ts'
import { toolArguments } from './tool-arguments.ts'

const request: SimRequest = {
  protocol: 'anthropic',
  model: 'm',
  stream: false,
  system: '',
  messages: [],
  tools: [],
}
const replyCalling = (input: string): SimMessageReply => ({
  type: 'message',
  parts: [{ type: 'tool_call', name: 'write', kind: 'custom', input }],
  usage: { inputTokens: 1, outputTokens: 1, cachedInputTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
  finish: 'tool_use',
  cut: false,
  pace: { latencyMs: 0, tokensPerSecond: 0 },
})

describe('tool arguments for protocols that take an object', () => {
  it('keeps JSON object text as the object and wraps anything else as {input}', () => {
    expect(toolArguments('{"path":"a"}')).toEqual({ path: 'a' })
    for (const text of ['[1,2]', '"text"', '42', 'null', '*** Begin Patch'])
      expect(toolArguments(text)).toEqual({ input: text })
  })

  it('never sends an array as the Anthropic tool_use input or the Gemini args', () => {
    // Regression: input text that parsed as a JSON array went out as the array itself.
    const anthropic = anthropicJson(replyCalling('["a.txt","hi"]'), request) as { content: object[] }
    expect(anthropic.content[0]).toMatchObject({ type: 'tool_use', input: { input: '["a.txt","hi"]' } })
    const gemini = geminiJson(replyCalling('["a.txt","hi"]'), request) as {
      candidates: Array<{ content: { parts: object[] } }>
    }
    expect(gemini.candidates[0]?.content.parts[0]).toEqual({
      functionCall: { name: 'write', args: { input: '["a.txt","hi"]' } },
    })
  })
})
