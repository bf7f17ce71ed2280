import type { LiveEvent } from '../core/events/registry.ts'
import type { EventBus, Topic } from './event-bus.ts'

/** How much of one block a snapshot carries: a command printing for an hour keeps its tail. */
const maxBlockChars = 256 * 1024

/** Live events that are news of the project, not pieces of streamed text. */
const projectNews = new Set<LiveEvent['type']>(['feature.updated', 'build.progress', 'agent.status'])

/** A live piece of streamed text (every live event but the project's news). */
type TextPiece = Exclude<LiveEvent, { type: 'feature.updated' | 'build.progress' | 'agent.status' }>

const blockKey = (event: TextPiece) =>
  `${event.type}\u0000${'blockId' in event.data ? event.data.blockId : event.data.callId}`

/** Blocks a model reply streams; they end with the stored reply (or an attempt that failed). */
const replyBlockTypes = new Set<LiveEvent['type']>(['assistant.delta', 'reasoning.delta', 'tool.input_delta'])

/**
 * The bus, remembering each streamed block (a reply's text, its reasoning, a tool call's input, a
 * command's output) until the stored event that completes it is published, so that a subscriber
 * that joins mid-block first gets the block so far (`openBlocks`), then the live pieces that follow.
 * A reply's blocks end with its `message.assistant` or `step.retrying`, a command's output with its
 * `tool.finished`, and every block of a task with a change of its status.
 */
export const trackLiveBlocks = (bus: EventBus): EventBus => {
  const tasks = new Map<string, { projectId: string; blocks: Map<string, TextPiece> }>()

  const drop = (taskId: string, ends: (block: TextPiece) => boolean) => {
    const task = tasks.get(taskId)
    if (!task) return
    for (const [key, block] of task.blocks) if (ends(block)) task.blocks.delete(key)
    if (task.blocks.size === 0) tasks.delete(taskId)
  }

  return {
    ...bus,
    publish(event) {
      bus.publish(event)
      if (!('seq' in event)) {
        if (projectNews.has(event.type)) return
        const piece = event as TextPiece
        const task = tasks.get(event.taskId) ?? { projectId: event.projectId, blocks: new Map() }
        tasks.set(event.taskId, task)
        const key = blockKey(piece)
        const block = task.blocks.get(key)
        if (!block) task.blocks.set(key, { ...piece, data: { ...piece.data } } as TextPiece)
        else block.data.text = (block.data.text + piece.data.text).slice(-maxBlockChars)
        return
      }
      switch (event.type) {
        case 'message.assistant':
        case 'step.retrying': {
          const { threadId } = event.data
          return drop(
            event.taskId,
            (block) =>
              replyBlockTypes.has(block.type) && 'threadId' in block.data && block.data.threadId === threadId,
          )
        }
        case 'tool.finished': {
          const { callId } = event.data
          return drop(event.taskId, (block) => block.type === 'tool.output' && block.data.callId === callId)
        }
        case 'setup.finished':
          return drop(event.taskId, (block) => block.type === 'setup.output')
        case 'task.status_changed':
          return drop(event.taskId, () => true)
      }
    },
    openBlocks(topic: Topic) {
      const at = new Date().toISOString()
      const open = 'taskId' in topic ? [tasks.get(topic.taskId)] : [...tasks.values()]
      return open.flatMap((task) =>
        !task || ('projectId' in topic && task.projectId !== topic.projectId)
          ? []
          : [...task.blocks.values()].map(
              (block) => ({ ...block, at, data: { ...block.data, snapshot: true } }) as LiveEvent,
            ),
      )
    },
  }
}
