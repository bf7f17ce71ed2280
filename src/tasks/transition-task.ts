import { isComparison } from '../core/comparison.ts'
import type { Task } from '../core/entities.ts'
import { notFound } from '../core/errors.ts'
import type { TransitionAction } from '../core/task-status.ts'
import { commitEvents, type Emit, type EventDeps } from '../events/commit-events.ts'
import type { StoreSession } from '../store/store.ts'
import { applyToComparison } from './apply-to-comparison.ts'
import { changeTaskStatus } from './change-task-status.ts'
import { followChildren } from './follow-children.ts'

/**
 * Applies a state-machine action to a task inside an open transaction: checks the transition,
 * changes the status only if nobody changed it meanwhile, and records `task.status_changed`. A
 * comparison the task belongs to follows; an action on a comparison is carried out on its children.
 */
export const applyTaskAction = async (
  session: StoreSession,
  emit: Emit,
  taskId: string,
  action: TransitionAction,
  reason?: string,
): Promise<Task> => {
  const task = await session.tasks.get(taskId)
  if (!task) throw notFound('task', taskId)
  if (isComparison(task)) return applyToComparison(session, emit, task, action, reason)
  const updated = await changeTaskStatus(session, emit, task, action, reason)
  if (updated.parentId) {
    await followChildren(session, emit, updated.parentId, [{ child: updated, from: task.status, reason }])
  }
  return updated
}

/** Applies a state-machine action to a task in its own transaction and publishes the change. */
export const transitionTask = (deps: EventDeps, taskId: string, action: TransitionAction, reason?: string) =>
  commitEvents(deps, (session, emit) => applyTaskAction(session, emit, taskId, action, reason))
