import type { StoredEvent } from '../core/events/registry.ts'

/**
 * The events that still count for the conversation: a rollback to a checkpoint takes back what was
 * recorded after it (the log itself keeps everything).
 */
export const effectiveHistory = (events: readonly StoredEvent[]): StoredEvent[] => {
  const kept: StoredEvent[] = []
  for (const event of events) {
    if (event.type === 'task.rolled_back') {
      while (kept.length > 0 && kept.at(-1)!.seq > event.data.toSeq) kept.pop()
      continue
    }
    kept.push(event)
  }
  return kept
}
