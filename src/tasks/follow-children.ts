import { comparisonStatus, isComparison } from '../core/comparison.ts'
import type { Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { TaskStatus } from '../core/task-status.ts'
import type { Emit } from '../events/commit-events.ts'
import type { StoreSession } from '../store/store.ts'

/** A child's status change, as its comparison records it. */
export interface ChildChange {
  /** The child after the change. */
  child: Task
  from: TaskStatus
  reason?: string
}

const reasons: Partial<Record<TaskStatus, string>> = {
  failed: 'every agent failed',
  cancelled: 'every agent was cancelled',
}

/**
 * Records children's status changes on their comparison and moves its status to follow them
 * (`comparisonStatus`), in the caller's transaction; a parent that is not a comparison is left alone.
 * Appending to the comparison's log first takes its row lock (PostgreSQL; SQLite has one writer), so
 * children settling at once on several connections pass here one after the other, and the last one
 * reads every sibling's status as committed: the comparison is never left behind its children.
 */
export const followChildren = async (
  session: StoreSession,
  emit: Emit,
  parentId: string,
  changes: readonly ChildChange[],
): Promise<void> => {
  const comparison = await session.tasks.get(parentId)
  if (!comparison || !isComparison(comparison) || changes.length === 0) return
  await emit(
    parentId,
    changes.map(({ child, from, reason }) => ({
      type: 'compare.child_changed' as const,
      data: { childId: child.id, agent: child.agent, from, to: child.status, ...(reason && { reason }) },
    })),
  )
  const parent = (await session.tasks.get(parentId))!
  const children = await session.tasks.listChildren(parentId)
  const to = comparisonStatus(
    parent.status,
    children.map((child) => child.status),
  )
  if (to === parent.status) return
  const reason = reasons[to]
  if (!(await session.tasks.setStatus(parentId, parent.status, to, reason ?? null))) {
    throw new CadreError('conflict', `comparison ${parentId} changed status meanwhile; try again`)
  }
  await emit(parentId, [
    {
      type: 'task.status_changed',
      data: { from: parent.status, to, action: 'children_changed', ...(reason && { reason }) },
    },
  ])
}
