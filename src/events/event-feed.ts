import { type CadreEvent, isStoredEvent, type StoredEvent } from '../core/events/registry.ts'
import type { Store } from '../store/store.ts'
import type { EventBus, Topic } from './event-bus.ts'

export interface EventFeedOptions {
  store: Store
  bus: EventBus
  topic: Topic
  /** The last seq the subscriber already holds, per task; it receives everything after. */
  cursors: ReadonlyMap<string, number>
  /** Called once per event, in seq order per task; a returned promise pauses replay until it settles. */
  deliver: (event: CadreEvent) => void | Promise<void>
  /** A store failure while replaying; the feed stops and the subscriber should reconnect. */
  onError: (error: unknown) => void
  pageSize?: number
}

export interface EventFeed {
  /** Stops delivery and leaves the bus. */
  close(): void
}

/**
 * Replay-then-live for one subscriber: stored events after each cursor come from the store, then
 * live ones from the bus, with no gap and no duplicate. A live event that is not the next seq of
 * its task (another writer's event arrived first, or replay is still running) triggers a read of
 * the store from the cursor instead, so order and completeness never depend on the bus.
 */
export const openEventFeed = async (options: EventFeedOptions): Promise<EventFeed> => {
  const { store, bus, topic, deliver, onError } = options
  const pageSize = options.pageSize ?? 500
  const cursors = new Map(options.cursors)
  const catchingUp = new Map<string, { again: boolean }>()
  let closed = false

  const catchUp = async (taskId: string) => {
    const running = catchingUp.get(taskId)
    if (running) {
      running.again = true
      return
    }
    const state = { again: true }
    catchingUp.set(taskId, state)
    try {
      while (state.again && !closed) {
        state.again = false
        let page: StoredEvent[]
        do {
          page = await store.events.list(taskId, { after: cursors.get(taskId) ?? 0, limit: pageSize })
          for (const event of page) {
            if (closed) return
            cursors.set(taskId, event.seq)
            await deliver(event)
          }
        } while (page.length === pageSize)
      }
    } catch (error) {
      if (!closed) {
        closed = true
        unsubscribe()
        onError(error)
      }
    } finally {
      catchingUp.delete(taskId)
    }
  }

  const pending: CadreEvent[] = []
  let started = false
  const onLive = (event: CadreEvent) => {
    if (closed) return
    if (!started) {
      pending.push(event)
      return
    }
    if (!isStoredEvent(event)) {
      void deliver(event)
      return
    }
    const cursor = cursors.get(event.taskId) ?? 0
    if (event.seq <= cursor) return
    if (event.seq === cursor + 1 && !catchingUp.has(event.taskId)) {
      cursors.set(event.taskId, event.seq)
      void deliver(event)
      return
    }
    void catchUp(event.taskId)
  }

  // Listen before reading anything, so an event committed while we read is never missed.
  const unsubscribe = bus.subscribe(topic, onLive)
  const behind: string[] = []
  try {
    if ('projectId' in topic) {
      const lastSeqs = await store.tasks.lastSeqs(topic.projectId)
      for (const taskId of cursors.keys()) if (!lastSeqs.has(taskId)) cursors.delete(taskId)
      for (const [taskId, lastSeq] of lastSeqs) {
        const cursor = cursors.get(taskId)
        // Tasks the subscriber did not name start at what exists now: it gets what happens from here.
        if (cursor === undefined) cursors.set(taskId, lastSeq)
        else if (cursor < lastSeq) behind.push(taskId)
      }
    } else {
      if (!cursors.has(topic.taskId)) cursors.set(topic.taskId, 0)
      behind.push(topic.taskId)
    }
  } catch (error) {
    unsubscribe()
    throw error
  }
  started = true
  // One task after another: a project with thousands of tasks must not start thousands of reads.
  void (async () => {
    for (const taskId of behind) await catchUp(taskId)
  })()
  for (const event of pending.splice(0)) onLive(event)

  return {
    close() {
      closed = true
      unsubscribe()
    },
  }
}
