import { describe, expect, it } from 'vitest'
import type { CadreEvent } from '../../../src/core/events/registry.ts'
import { conversationItems } from './conversation-items.ts'

const at = '2026-11-23T00:00:00.000Z'
const base = { taskId: 't', projectId: 'p', at }
let seq = 0
const stored = (type: string, data: Record<string, unknown>) =>
  ({ ...base, seq: ++seq, type, data }) as CadreEvent
const live = (type: string, data: Record<string, unknown>) => ({ ...base, type, data }) as CadreEvent

describe('the items of the task view, from its events', () => {
  it('shows each stored event in exactly one item: the start and end of a call as one card, a reply replacing its stream', () => {
    seq = 0
    const threadId = 'th'
    const events = [
      stored('message.user', { threadId, text: 'go' }),
      live('assistant.delta', { threadId, blockId: 'b1', text: 'Wor' }),
      live('assistant.delta', { threadId, blockId: 'b1', text: 'king' }),
      stored('message.assistant', { threadId, text: 'Working.', toolCalls: [] }),
      stored('tool.started', { threadId, callId: 'c1', tool: 'bash', kind: 'command', command: 'ls' }),
      live('tool.output', { threadId, callId: 'c1', text: 'a.txt\n' }),
      stored('tool.finished', {
        threadId,
        callId: 'c1',
        tool: 'bash',
        output: 'a.txt',
        isError: false,
        durationMs: 5,
        kind: 'command',
        exitCode: 0,
      }),
      stored('approval.requested', {
        threadId,
        approvalId: 'a1',
        tool: 'bash',
        input: { command: 'rm x' },
        reason: 'asks',
      }),
      stored('approval.decided', { approvalId: 'a1', decision: 'deny', remember: false }),
    ]
    const items = conversationItems(events)
    expect(items.map((item) => item.kind)).toEqual(['user', 'assistant', 'tool', 'approval'])
    expect(items.flatMap((item) => item.seqs)).toEqual([1, 2, 3, 4, 5, 6])
    expect(items[1]).toMatchObject({ text: 'Working.', streaming: false })
    expect(items[2]).toMatchObject({ state: 'succeeded', command: 'ls', output: 'a.txt', exitCode: 0 })
    expect(items[3]).toMatchObject({ decision: 'deny' })
  })

  it('streams a reply and the output of a command while they come, a snapshot replacing what was held', () => {
    seq = 0
    const threadId = 'th'
    const items = conversationItems([
      stored('tool.started', { threadId, callId: 'c1', tool: 'bash', kind: 'command', command: 'make' }),
      live('tool.output', { threadId, callId: 'c1', text: 'one\n' }),
      live('tool.output', { threadId, callId: 'c1', text: 'one\ntwo\n', snapshot: true }),
      live('assistant.delta', { threadId, blockId: 'b2', text: 'Hal' }),
      live('assistant.delta', { threadId, blockId: 'b2', text: 'f' }),
    ])
    expect(items[0]).toMatchObject({ kind: 'tool', state: 'running', output: 'one\ntwo\n' })
    expect(items[1]).toMatchObject({ kind: 'assistant', text: 'Half', streaming: true, seqs: [] })
  })

  it('shows a call whose run was cut (the server killed mid-call) as interrupted, not running forever', () => {
    seq = 0
    const threadId = 'th'
    const items = conversationItems([
      stored('tool.started', { threadId, callId: 'c1', tool: 'bash', kind: 'command', command: 'sleep 9' }),
      stored('message.assistant', { threadId, text: 'Slept well.', toolCalls: [] }),
      stored('step.finished', {
        threadId,
        step: 1,
        model: 'm',
        usage: { inputTokens: 1, outputTokens: 1, cachedTokens: 0, cacheWriteTokens: 0, reasoningTokens: 0 },
        costUsd: 0,
        finishReason: 'stop',
      }),
    ])
    expect(items[0]).toMatchObject({ kind: 'tool', state: 'interrupted' })
  })
})
