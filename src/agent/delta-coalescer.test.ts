import { describe, expect, it } from 'vitest'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { createDeltaCoalescer } from './delta-coalescer.ts'

const text = (blockId: string, piece: string) =>
  ({ type: 'assistant.delta', data: { threadId: 't', blockId, text: piece } }) as const

describe('the delta coalescer', () => {
  it('joins the pieces of a block and keeps the order of interleaved blocks', () => {
    const published: EventInput<LiveEventType>[] = []
    const deltas = createDeltaCoalescer((event) => published.push(event), { intervalMs: 60_000 })
    deltas.push(text('a', 'Hel'))
    deltas.push(text('a', 'lo'))
    deltas.push(text('b', 'one'))
    deltas.push(text('a', ' again'))
    deltas.flush()
    expect(published.map((e) => ('text' in e.data ? e.data.text : ''))).toEqual(['Hello', 'one', ' again'])
  })

  it('publishes what it holds once the interval passes', async () => {
    const published: EventInput<LiveEventType>[] = []
    const deltas = createDeltaCoalescer((event) => published.push(event), { intervalMs: 5 })
    deltas.push(text('a', 'first'))
    await new Promise((resolve) => setTimeout(resolve, 40))
    expect(published.map((e) => ('text' in e.data ? e.data.text : ''))).toEqual(['first'])
  })

  it('redacts a secret split across pieces, holding back no more than the end of the block', () => {
    const secret = 'hunter2-correct-horse-battery'
    const published: EventInput<LiveEventType>[] = []
    const deltas = createDeltaCoalescer((event) => published.push(event), {
      intervalMs: 60_000,
      redactor: createRedactor([secret]),
    })
    deltas.push(text('a', 'the password is hunter2-corr'))
    deltas.push(text('a', 'ect-horse-battery, keep'))
    deltas.push({ type: 'tool.output', data: { threadId: 't', callId: 'c1', text: 'echo hunter2-' } })
    deltas.push({ type: 'tool.output', data: { threadId: 't', callId: 'c1', text: 'correct-horse-battery' } })
    deltas.flush()
    const joined = (type: string) =>
      published
        .filter((e) => e.type === type)
        .map((e) => ('text' in e.data ? e.data.text : ''))
        .join('')
    expect(joined('assistant.delta')).toBe('the password is [redacted], keep')
    expect(joined('tool.output')).toBe('echo [redacted]')
    expect(JSON.stringify(published)).not.toContain('hunter2')
  })
})
