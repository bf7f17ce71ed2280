import { z } from 'zod'
import { isComparison } from '../core/comparison.ts'
import type { Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import type { StoredEvent } from '../core/events/registry.ts'
import { nextTaskStatus } from '../core/task-status.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { applyTaskAction } from './transition-task.ts'

export const SendMessageInput = z.object({
  text: z.string().trim().min(1, 'the message is empty').max(200_000),
  threadId: z.string().min(1).optional().describe("defaults to the task's first thread"),
})
export type SendMessageInput = z.input<typeof SendMessageInput>

/**
 * Adds a person's message to a thread. A task that had settled (review, done, failed, cancelled)
 * is queued again to answer it; a running one receives it as a follow-up; a backlog task keeps it
 * for when it starts.
 */
export const sendMessage = (
  deps: EventDeps,
  taskId: string,
  raw: SendMessageInput,
): Promise<{ task: Task; event: StoredEvent }> => {
  const input = SendMessageInput.parse(raw)
  return commitEvents(deps, async (session, emit) => {
    const task = await session.tasks.get(taskId)
    if (!task) throw notFound('task', taskId)
    if (isComparison(task)) {
      const children = await session.tasks.listChildren(taskId)
      throw new CadreError(
        'bad_request',
        `task ${taskId} is a comparison and runs no agent of its own: send the message to one of its tasks (${children.map((child) => `${child.agent} ${child.id}`).join(', ')})`,
      )
    }
    const thread = input.threadId
      ? await session.threads.get(input.threadId)
      : (await session.threads.list(taskId))[0]
    if (!thread || thread.taskId !== taskId)
      throw notFound('thread', input.threadId ?? `main thread of ${taskId}`)
    const [event] = await emit(taskId, [
      { type: 'message.user', data: { threadId: thread.id, text: input.text } },
    ])
    const requeue = nextTaskStatus(task.status, 'follow_up') !== undefined
    const updated = requeue
      ? await applyTaskAction(session, emit, taskId, 'follow_up')
      : { ...task, lastSeq: event!.seq }
    return { task: updated, event: event! }
  })
}
