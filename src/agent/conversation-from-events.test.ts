import { describe, expect, it } from 'vitest'
import type { EventInput, StoredEvent } from '../core/events/registry.ts'
import {
  conversationFromEvents,
  interruptedToolOutput,
  notRunToolOutput,
} from './conversation-from-events.ts'

const stored = (inputs: EventInput[]): StoredEvent[] =>
  inputs.map(
    (input, index) =>
      ({
        ...input,
        taskId: 'tsk_1',
        projectId: 'prj_1',
        seq: index + 1,
        at: '2026-11-23T00:00:00.000Z',
      }) as StoredEvent,
  )

const user = (text: string, threadId = 'thr_a'): EventInput => ({
  type: 'message.user',
  data: { threadId, text },
})
const reply = (text: string, calls: string[] = [], threadId = 'thr_a'): EventInput => ({
  type: 'message.assistant',
  data: {
    threadId,
    text,
    toolCalls: calls.map((callId) => ({ callId, tool: 'bash', input: { command: callId } })),
  },
})
const start = (callId: string): EventInput => ({
  type: 'tool.started',
  data: { threadId: 'thr_a', callId, tool: 'bash' },
})
const finish = (callId: string, output: string, isError = false): EventInput => ({
  type: 'tool.finished',
  data: { threadId: 'thr_a', callId, tool: 'bash', output, isError, durationMs: 5 },
})
const toolCall = (callId: string) => ({
  type: 'tool-call',
  toolCallId: callId,
  toolName: 'bash',
  input: { command: callId },
})

describe('conversation from events', () => {
  it('rebuilds user messages, replies with their tool calls, and results, for one thread only', () => {
    const events = stored([
      user('fix the build'),
      user('other thread', 'thr_b'),
      reply('Looking.', ['c1', 'c2']),
      start('c1'),
      finish('c1', 'ok'),
      start('c2'),
      finish('c2', 'boom', true),
      {
        type: 'step.finished',
        data: {
          threadId: 'thr_a',
          step: 1,
          model: 'm',
          usage: {
            inputTokens: 1,
            outputTokens: 1,
            cachedTokens: 0,
            cacheWriteTokens: 0,
            reasoningTokens: 0,
          },
          costUsd: null,
          finishReason: 'tool-calls',
        },
      },
      reply('Fixed.'),
      user('thanks'),
    ])
    expect(conversationFromEvents(events, 'thr_a').messages).toEqual([
      { role: 'user', content: 'fix the build' },
      { role: 'assistant', content: [{ type: 'text', text: 'Looking.' }, toolCall('c1'), toolCall('c2')] },
      {
        role: 'tool',
        content: [
          { type: 'tool-result', toolCallId: 'c1', toolName: 'bash', output: { type: 'text', value: 'ok' } },
          {
            type: 'tool-result',
            toolCallId: 'c2',
            toolName: 'bash',
            output: { type: 'error-text', value: 'boom' },
          },
        ],
      },
      { role: 'assistant', content: [{ type: 'text', text: 'Fixed.' }] },
      { role: 'user', content: 'thanks' },
    ])
  })

  it('answers a call that started and never finished as interrupted', () => {
    const events = stored([user('go'), reply('', ['c1']), start('c1')])
    expect(conversationFromEvents(events, 'thr_a').messages.at(-1)).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'bash',
          output: { type: 'error-text', value: interruptedToolOutput },
        },
      ],
    })
  })

  it("leaves the last reply's calls that never began pending, with the decisions people took", () => {
    const events = stored([
      user('go'),
      reply('a', ['c1', 'c2']),
      start('c1'),
      finish('c1', 'ok'),
      { type: 'approval.decided', data: { approvalId: 'c2', decision: 'allow', remember: false } },
    ])
    const conversation = conversationFromEvents(events, 'thr_a')
    expect(conversation.messages.at(-1)).toEqual({
      role: 'tool',
      content: [
        { type: 'tool-result', toolCallId: 'c1', toolName: 'bash', output: { type: 'text', value: 'ok' } },
      ],
    })
    expect(conversation.pending).toEqual([{ callId: 'c2', tool: 'bash', input: { command: 'c2' } }])
    expect(conversation.decisions).toEqual(new Map([['c2', 'allow']]))
  })

  it("answers an earlier reply's call that never began as not run", () => {
    const events = stored([user('go'), reply('a', ['c1']), reply('b')])
    expect(conversationFromEvents(events, 'thr_a').messages[2]).toEqual({
      role: 'tool',
      content: [
        {
          type: 'tool-result',
          toolCallId: 'c1',
          toolName: 'bash',
          output: { type: 'error-text', value: notRunToolOutput },
        },
      ],
    })
  })
})
