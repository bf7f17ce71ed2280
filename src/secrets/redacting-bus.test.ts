import { describe, expect, it } from 'vitest'
import type { CadreEvent } from '../core/events/registry.ts'
import { createMemoryEventBus } from '../events/memory-event-bus.ts'
import { redactingBus } from './redacting-bus.ts'
import { createRedactor } from './redactor.ts'

const secret = 'Zq-shapeless-secret-in-a-delta'
const envelope = { taskId: 'tsk_1', projectId: 'prj_1', at: '2026-11-23T00:00:00.000Z' }

describe('redacting bus', () => {
  it('redacts live-only events as published and passes stored ones through untouched', () => {
    const bus = redactingBus(createMemoryEventBus(), createRedactor([secret]))
    const received: CadreEvent[] = []
    bus.subscribe({ taskId: 'tsk_1' }, (event) => received.push(event))
    bus.publish({
      ...envelope,
      type: 'assistant.delta',
      data: { threadId: 't', blockId: 'b', text: `x ${secret}` },
    })
    const stored: CadreEvent = {
      ...envelope,
      seq: 4,
      type: 'message.user',
      data: { threadId: 't', text: 'hello' },
    }
    bus.publish(stored)
    expect(received[0]).toMatchObject({ data: { text: 'x [redacted]' } })
    expect(received[1]).toBe(stored)
  })
})
