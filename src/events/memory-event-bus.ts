import type { CadreEvent } from '../core/events/registry.ts'
import type { EventBus, EventListener } from './event-bus.ts'

/** The EventBus of a single process: synchronous delivery to listeners held in memory. */
export const createMemoryEventBus = (
  options: { onListenerError?: (error: unknown) => void } = {},
): EventBus => {
  const byTask = new Map<string, Set<EventListener>>()
  const byProject = new Map<string, Set<EventListener>>()

  const notify = (listeners: Set<EventListener> | undefined, event: CadreEvent) => {
    if (!listeners) return
    for (const listener of [...listeners]) {
      try {
        listener(event)
      } catch (error) {
        options.onListenerError?.(error)
      }
    }
  }

  return {
    publish(event) {
      notify(byTask.get(event.taskId), event)
      notify(byProject.get(event.projectId), event)
    },
    subscribe(topic, listener) {
      const [index, key] = 'taskId' in topic ? [byTask, topic.taskId] : [byProject, topic.projectId]
      const listeners = index.get(key) ?? new Set<EventListener>()
      index.set(key, listeners)
      listeners.add(listener)
      return () => {
        listeners.delete(listener)
        if (listeners.size === 0 && index.get(key) === listeners) index.delete(key)
      }
    },
  }
}
