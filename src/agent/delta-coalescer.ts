import type { EventInput, LiveEventType } from '../core/events/registry.ts'

/** A live text event whose pieces may be joined: same type, same block or call. */
type DeltaInput = EventInput<'assistant.delta' | 'reasoning.delta' | 'tool.input_delta' | 'tool.output'>

const keyOf = (event: DeltaInput) =>
  `${event.type}\u0000${'blockId' in event.data ? event.data.blockId : event.data.callId}`

/**
 * Joins live text pieces for a short while before publishing, so a model streaming a token at a
 * time costs subscribers a message every `intervalMs`, not one per token. Order is kept.
 */
export const createDeltaCoalescer = (
  publish: (event: EventInput<LiveEventType>) => void,
  intervalMs = 30,
) => {
  const pending = new Map<string, DeltaInput>()
  let timer: NodeJS.Timeout | undefined

  const flush = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    for (const event of pending.values()) publish(event)
    pending.clear()
  }

  return {
    push(event: DeltaInput) {
      const key = keyOf(event)
      const held = pending.get(key)
      // Another stream interleaving would reorder if joined across it: flush first.
      if (!held && pending.size > 0) flush()
      if (held) held.data.text += event.data.text
      else pending.set(key, { ...event, data: { ...event.data } } as DeltaInput)
      timer ??= setTimeout(flush, intervalMs)
    },
    /** Publishes everything held now (at the end of a block or step). */
    flush,
  }
}
