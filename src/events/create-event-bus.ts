import { redactingBus } from '../secrets/redacting-bus.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { EventBus } from './event-bus.ts'
import { trackLiveBlocks } from './live-blocks.ts'
import { createMemoryEventBus } from './memory-event-bus.ts'

/**
 * The server's bus: live text redacted as it is published, and streamed blocks remembered until
 * they complete, so a subscriber that joins mid-block is sent the block so far.
 */
export const createEventBus = (redactor: Redactor, onListenerError?: (error: unknown) => void): EventBus =>
  redactingBus(trackLiveBlocks(createMemoryEventBus({ onListenerError })), redactor)
