import type { Task } from './entities.ts'
import type { TaskStatus } from './task-status.ts'

/**
 * The agent a comparison is created with. A comparison is a task that runs no agent of its own: its
 * children (same prompt, one per agent, each with its own branch and workspace) do the work.
 * No runtime bears this name, so even a comparison found queued would never be claimed.
 */
export const comparisonAgent = 'compare'

/** How many agents one comparison may run side by side. */
export const comparisonSize = { min: 2, max: 5 } as const

export const isComparison = (task: Pick<Task, 'agent'>): boolean => task.agent === comparisonAgent

/**
 * A comparison's status, derived from its children's. It is stored (rather than computed when
 * read) so that listing by status and the task's own event stream tell the truth, and it is
 * written in the same transaction as the child's change that moves it.
 *
 * It is never `queued`, the only status the scheduler claims: a comparison whose children wait in
 * the queue is already `running` (the comparison is under way). Then, once no child is queued or
 * running: `needs_input` while one waits for a person, `review` while one has changes to review,
 * `backlog` while one was never started, else `done` if any finished, `failed` if any failed,
 * `cancelled` if all were. A cancelled comparison stays cancelled: its children, still reviewable,
 * go on by themselves.
 */
export const comparisonStatus = (current: TaskStatus, children: readonly TaskStatus[]): TaskStatus => {
  if (current === 'cancelled' || children.length === 0) return current
  const any = (...statuses: TaskStatus[]) => children.some((status) => statuses.includes(status))
  if (any('queued', 'running')) return 'running'
  for (const status of ['needs_input', 'review', 'backlog', 'done', 'failed'] as const) {
    if (any(status)) return status
  }
  return 'cancelled'
}
