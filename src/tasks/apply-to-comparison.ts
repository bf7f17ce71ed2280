import type { Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { requireTaskTransition, type TaskStatus, type TransitionAction } from '../core/task-status.ts'
import type { Emit } from '../events/commit-events.ts'
import type { StoreSession } from '../store/store.ts'
import { changeTaskStatus } from './change-task-status.ts'
import { type ChildChange, followChildren } from './follow-children.ts'

/** Children a cancelled comparison stops: those whose agent has not finished. Work in review is kept. */
const unfinished = new Set<TaskStatus>(['backlog', 'queued', 'running', 'needs_input'])

/**
 * An action on a comparison is carried out on its children: `enqueue` starts those in the backlog,
 * `cancel` cancels those still working or waiting, then the comparison itself. Anything else is for
 * a child (a comparison has no agent, thread or workspace of its own).
 */
export const applyToComparison = async (
  session: StoreSession,
  emit: Emit,
  comparison: Task,
  action: TransitionAction,
  reason?: string,
): Promise<Task> => {
  if (action !== 'cancel' && action !== 'enqueue') {
    throw new CadreError(
      'invalid_transition',
      `task ${comparison.id} is a comparison: its status follows its children's; ${action.replaceAll('_', ' ')} one of them instead`,
    )
  }
  const children = await session.tasks.listChildren(comparison.id)
  const targets = children.filter((child) =>
    action === 'cancel' ? unfinished.has(child.status) : child.status === 'backlog',
  )
  if (action === 'cancel' || targets.length === 0) requireTaskTransition(comparison.status, action)
  const childReason =
    action === 'cancel'
      ? `the comparison was cancelled${reason ? `: ${reason}` : ''}`
      : 'the comparison was started'
  // Children first, then the comparison: the order in which a child's own change takes their locks,
  // so a cascade and a child settling at the same moment never wait for each other in a circle.
  const changes: ChildChange[] = []
  for (const child of targets) {
    const changed = await changeTaskStatus(session, emit, child, action, childReason)
    changes.push({ child: changed, from: child.status, reason: childReason })
  }
  if (action === 'cancel') {
    const current = (await session.tasks.get(comparison.id)) ?? comparison
    await changeTaskStatus(session, emit, current, 'cancel', reason)
  }
  await followChildren(session, emit, comparison.id, changes)
  return (await session.tasks.get(comparison.id)) ?? comparison
}
