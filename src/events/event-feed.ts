import { CadreError, notFound } from '../core/errors.ts'
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
  /**
   * Where delivery started for each task on the topic when the feed opened: the subscriber holds,
   * or can read from the store, every event up to it; every event after it is delivered.
   */
  readonly startCursors: ReadonlyMap<string, number>
  /** Stops delivery and leaves the bus. */
  close(): void
}

/** The newest seq of each task on the topic: one task, or every task of a project. */
const readLastSeqs = async (store: Store, topic: Topic): Promise<Map<string, number>> => {
  if ('projectId' in topic) return store.tasks.lastSeqs(topic.projectId)
  const task = await store.tasks.get(topic.taskId)
  if (!task) throw notFound('task', topic.taskId)
  return new Map([[task.id, task.lastSeq]])
}

/** Starting cursors: the subscriber's own (refused when past the log), else "from now on". */
const startingCursors = (requested: ReadonlyMap<string, number>, lastSeqs: Map<string, number>) => {
  const cursors = new Map<string, number>()
  for (const [taskId, lastSeq] of lastSeqs) {
    const cursor = requested.get(taskId)
    if (cursor !== undefined && cursor > lastSeq) {
      throw new CadreError(
        'conflict',
        `seq ${cursor} is past the last event of task ${taskId} (${lastSeq}); resume from ${lastSeq} or lower`,
        { details: { taskId, after: cursor, lastSeq } },
      )
    }
    // A task the subscriber did not name starts at what exists now: it gets what happens from here.
    cursors.set(taskId, cursor ?? lastSeq)
  }
  return cursors
}

/**
 * Replay-then-live for one subscriber: stored events after each cursor come from the store, then
 * live ones from the bus, with no gap and no duplicate; a streamed block under way arrives first as
 * a snapshot of its text so far. A live event that is not the next seq of
 * its task (another writer's event arrived first, or replay is still running) triggers a read of
 * the store from the cursor instead, so order and completeness never depend on the bus.
 */
export const openEventFeed = async (options: EventFeedOptions): Promise<EventFeed> => {
  const { store, bus, topic, deliver, onError } = options
  const pageSize = options.pageSize ?? 500
  // Cursors are fixed before listening, so everything committed later is either delivered live or
  // found by the read after listening below. Named tasks outside the topic are ignored.
  const requested =
    'taskId' in topic ? new Map([[topic.taskId, options.cursors.get(topic.taskId) ?? 0]]) : options.cursors
  const cursors = startingCursors(requested, await readLastSeqs(store, topic))
  const startCursors: ReadonlyMap<string, number> = new Map(cursors)
  const catchingUp = new Map<string, { again: boolean }>()
  let closed = false

  const fail = (error: unknown) => {
    if (closed) return
    closed = true
    unsubscribe()
    onError(error)
  }

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
      fail(error)
    } finally {
      catchingUp.delete(taskId)
    }
  }

  const onLive = (event: CadreEvent) => {
    if (closed) return
    if (!isStoredEvent(event)) {
      void deliver(event)
      return
    }
    // A task created after the cursors were fixed starts from its beginning.
    const cursor = cursors.get(event.taskId) ?? 0
    if (event.seq <= cursor) return
    if (event.seq === cursor + 1 && !catchingUp.has(event.taskId)) {
      cursors.set(event.taskId, event.seq)
      void deliver(event)
      return
    }
    void catchUp(event.taskId)
  }

  const unsubscribe = bus.subscribe(topic, onLive)
  // Streamed blocks already under way: their text so far, then (subscribed above, in the same turn)
  // every piece that follows.
  for (const block of bus.openBlocks?.(topic) ?? []) void deliver(block)
  // What was committed between fixing the cursors and listening: the tasks found behind are read
  // from the store one after another, so a project of thousands of tasks does not start thousands
  // of reads at once (a live event may still start the catch-up of its own task meanwhile).
  try {
    const behind = [...(await readLastSeqs(store, topic))].filter(
      ([taskId, lastSeq]) => (cursors.get(taskId) ?? 0) < lastSeq,
    )
    void (async () => {
      for (const [taskId] of behind) await catchUp(taskId)
    })()
  } catch (error) {
    unsubscribe()
    throw error
  }

  return {
    startCursors,
    close() {
      closed = true
      unsubscribe()
    },
  }
}
