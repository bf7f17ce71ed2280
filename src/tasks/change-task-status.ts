import type { Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { requireTaskTransition, type TransitionAction } from '../core/task-status.ts'
import type { Emit } from '../events/commit-events.ts'
import type { StoreSession } from '../store/store.ts'

/**
 * Applies a state-machine action to a task as the caller read it, inside an open transaction:
 * checks the transition, changes the status only if nobody changed it meanwhile, and records
 * `task.status_changed`. Nothing else follows (a comparison the task belongs to is the caller's).
 */
export const changeTaskStatus = async (
  session: StoreSession,
  emit: Emit,
  task: Task,
  action: TransitionAction,
  reason?: string,
): Promise<Task> => {
  const to = requireTaskTransition(task.status, action)
  const updated = await session.tasks.setStatus(task.id, task.status, to, reason ?? null)
  if (!updated) {
    throw new CadreError('conflict', `task ${task.id} changed status while ${action} was applied; try again`)
  }
  const [event] = await emit(task.id, [
    { type: 'task.status_changed', data: { from: task.status, to, action, ...(reason && { reason }) } },
  ])
  return { ...updated, lastSeq: event!.seq }
}
