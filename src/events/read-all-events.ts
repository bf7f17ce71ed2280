import type { StoredEvent } from '../core/events/registry.ts'
import type { StoreSession } from '../store/store.ts'

const pageSize = 1000

/** Every stored event of a task, in seq order, read page by page. */
export const readAllEvents = async (store: StoreSession, taskId: string): Promise<StoredEvent[]> => {
  const events: StoredEvent[] = []
  for (;;) {
    const page = await store.events.list(taskId, { after: events.at(-1)?.seq ?? 0, limit: pageSize })
    events.push(...page)
    if (page.length < pageSize) return events
  }
}
