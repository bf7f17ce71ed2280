import type { Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import { requireTaskTransition, type TaskAction } from '../core/task-status.ts'
import { commitEvents, type Emit, type EventDeps } from '../events/commit-events.ts'
import type { StoreSession } from '../store/store.ts'

/**
 * Applies a state-machine action to a task inside an open transaction: checks the transition,
 * changes the status only if nobody changed it meanwhile, and records `task.status_changed`.
 */
export const applyTaskAction = async (
  session: StoreSession,
  emit: Emit,
  taskId: string,
  action: TaskAction,
  reason?: string,
): Promise<Task> => {
  const task = await session.tasks.get(taskId)
  if (!task) throw notFound('task', taskId)
  const to = requireTaskTransition(task.status, action)
  const updated = await session.tasks.setStatus(taskId, task.status, to, reason ?? null)
  if (!updated) {
    throw new CadreError('conflict', `task ${taskId} changed status while ${action} was applied; try again`)
  }
  const [event] = await emit(taskId, [
    { type: 'task.status_changed', data: { from: task.status, to, action, ...(reason && { reason }) } },
  ])
  return { ...updated, lastSeq: event!.seq }
}

/** Applies a state-machine action to a task in its own transaction and publishes the change. */
export const transitionTask = (deps: EventDeps, taskId: string, action: TaskAction, reason?: string) =>
  commitEvents(deps, (session, emit) => applyTaskAction(session, emit, taskId, action, reason))
