import type { EventBus } from '../events/event-bus.ts'

/**
 * The bus, telling `onQueued` whenever a task is queued (created queued, started, followed up,
 * approved), so the scheduler claims it at once instead of at its next poll.
 */
export const watchQueue = (bus: EventBus, onQueued: () => void): EventBus => ({
  ...bus,
  publish(event) {
    bus.publish(event)
    const queued =
      (event.type === 'task.created' && event.data.status === 'queued') ||
      (event.type === 'task.status_changed' && event.data.to === 'queued')
    if (queued) onQueued()
  },
})
