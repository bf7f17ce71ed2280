import { describe, expect, it } from 'vitest'
import { requestFacts } from './request-facts.ts'
import type { SimRequest } from './sim-request.ts'

const request = (messages: SimRequest['messages']): SimRequest =>
  ({
    protocol: 'anthropic',
    model: 'm',
    stream: true,
    system: '',
    messages,
    tools: [],
  }) as SimRequest

const result = { type: 'tool_result' as const, result: { id: 'c1', output: 'ok', isError: false } }

describe('request facts', () => {
  it('counts a follow-up sent beside tool results as the last user message, but not an agent reminder', () => {
    const base: SimRequest['messages'] = [
      { role: 'user', parts: [{ type: 'text', text: 'first ask' }] },
      { role: 'assistant', parts: [{ type: 'tool_call', call: { id: 'c1', name: 'bash', input: {} } }] },
    ]
    expect(requestFacts(request([...base, { role: 'user', parts: [result] }])).lastUserMessage).toBe(
      'first ask',
    )
    expect(
      requestFacts(request([...base, { role: 'user', parts: [result, { type: 'text', text: 'also this' }] }]))
        .lastUserMessage,
    ).toBe('also this')
    expect(
      requestFacts(
        request([
          ...base,
          {
            role: 'user',
            parts: [result, { type: 'text', text: '<system-reminder>todo list</system-reminder>' }],
          },
        ]),
      ).lastUserMessage,
    ).toBe('first ask')
  })
})
