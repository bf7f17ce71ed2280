import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import type { Redactor } from '../secrets/redactor.ts'
import { createStreamRedactor, type StreamRedactor } from '../secrets/stream-redactor.ts'

/** A live text event whose pieces may be joined: same type, same block or call. */
type DeltaInput = EventInput<
  | 'assistant.delta'
  | 'reasoning.delta'
  | 'tool.input_delta'
  | 'tool.output'
  | 'setup.output'
  | 'preview.output'
>

const keyOf = (event: DeltaInput) =>
  `${event.type}\u0000${'blockId' in event.data ? event.data.blockId : event.data.callId}`

export interface DeltaCoalescer {
  push(event: DeltaInput): void
  /** The end of every open block (a step or a tool call ended): publishes everything held now. */
  flush(): void
}

/**
 * Joins live text pieces for a short while before publishing, so a model streaming a token at a
 * time costs subscribers a message every `intervalMs`, not one per token. Order is kept. With a
 * redactor, each block's text goes through its own stream redactor first, so a secret split across
 * two pieces is caught; what it holds back is published when the block ends.
 */
export const createDeltaCoalescer = (
  publish: (event: EventInput<LiveEventType>) => void,
  { intervalMs = 30, redactor }: { intervalMs?: number; redactor?: Redactor } = {},
): DeltaCoalescer => {
  const pending = new Map<string, DeltaInput>()
  const streams = new Map<string, { redactor: StreamRedactor; last: DeltaInput }>()
  let timer: NodeJS.Timeout | undefined

  const publishHeld = () => {
    if (timer) clearTimeout(timer)
    timer = undefined
    for (const event of pending.values()) publish(event)
    pending.clear()
  }

  const hold = (key: string, event: DeltaInput) => {
    if (event.data.text === '') return
    const held = pending.get(key)
    // Another stream interleaving would reorder if joined across it: publish first.
    if (!held && pending.size > 0) publishHeld()
    if (held) held.data.text += event.data.text
    else pending.set(key, { ...event, data: { ...event.data } } as DeltaInput)
    timer ??= setTimeout(publishHeld, intervalMs)
  }

  return {
    push(event) {
      const key = keyOf(event)
      if (!redactor) return hold(key, event)
      const stream = streams.get(key) ?? { redactor: createStreamRedactor(redactor), last: event }
      stream.last = event
      streams.set(key, stream)
      hold(key, {
        ...event,
        data: { ...event.data, text: stream.redactor.push(event.data.text) },
      } as DeltaInput)
    },
    flush() {
      for (const [key, stream] of streams) {
        hold(key, {
          ...stream.last,
          data: { ...stream.last.data, text: stream.redactor.flush() },
        } as DeltaInput)
      }
      streams.clear()
      publishHeld()
    },
  }
}
