import type { EventInput, StoredEvent } from '../core/events/registry.ts'
import type { Store, StoreSession } from '../store/store.ts'
import type { EventBus } from './event-bus.ts'

export interface EventDeps {
  store: Store
  bus: EventBus
}

export type Emit = (taskId: string, events: readonly EventInput[]) => Promise<StoredEvent[]>

/**
 * Runs `work` in one transaction in which it may append events through `emit`; the events are
 * published to live subscribers only once the transaction has committed, never before.
 */
export const commitEvents = async <T>(
  { store, bus }: EventDeps,
  work: (session: StoreSession, emit: Emit) => Promise<T>,
): Promise<T> => {
  const emitted: StoredEvent[] = []
  const result = await store.transaction((session) =>
    work(session, async (taskId, events) => {
      const stored = await session.events.append(taskId, events)
      emitted.push(...stored)
      return stored
    }),
  )
  for (const event of emitted) bus.publish(event)
  return result
}
