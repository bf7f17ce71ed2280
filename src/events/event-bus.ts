import type { CadreEvent, LiveEvent } from '../core/events/registry.ts'

/** What a subscriber listens to: one task, or every task of a project. */
export type Topic = { taskId: string } | { projectId: string }

export type EventListener = (event: CadreEvent) => void

/** Live delivery of events (stored ones after they commit, and live-only ones) to subscribers. */
export interface EventBus {
  /** Hands the event to every current subscriber of its task or project; a failing listener harms no other. */
  publish(event: CadreEvent): void
  /** Calls `listener` with each event published on the topic until the returned function is called. */
  subscribe(topic: Topic, listener: EventListener): () => void
  /**
   * The streamed blocks of the topic's tasks still open, each as one live event carrying its text so
   * far (`snapshot: true`), for a subscriber that joins mid-block; absent when the bus does not track them.
   */
  openBlocks?(topic: Topic): LiveEvent[]
}
