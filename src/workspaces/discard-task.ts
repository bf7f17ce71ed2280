import type { Task } from '../core/entities.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { openGit } from '../git/open-git.ts'
import { snapshotWorkspace } from '../git/workspace-git.ts'
import { applyTaskAction } from '../tasks/transition-task.ts'
import { archiveRef, openTaskWorkspace, type WorkspaceDeps } from './open-task-workspace.ts'

/**
 * `POST /api/tasks/:id/discard`: the task's changes thrown away — its workspace and branch removed —
 * after everything in it (uncommitted and untracked files too) was saved under an archive ref.
 */
export const discardTask = async (deps: WorkspaceDeps & EventDeps, taskId: string): Promise<Task> => {
  const opened = await openTaskWorkspace(deps, taskId, { change: 'discard' })
  const { workspace, spec } = opened
  const ref = archiveRef(taskId)
  let snapshot: Awaited<ReturnType<typeof snapshotWorkspace>>
  try {
    snapshot = await snapshotWorkspace(workspace, ref, `Cadre: task ${taskId} as it was discarded`)
  } finally {
    await workspace.close()
  }
  await deps.sandboxes.destroy(spec)
  // Not `git branch -D`: it rewrites the repository's config (to drop the branch's section), and a
  // sandbox starting meanwhile, which binds that file read-only, would find it gone.
  await openGit(spec.projectPath).raw(['update-ref', '-d', `refs/heads/${spec.branch}`])
  return commitEvents(deps, async (session, emit) => {
    await emit(taskId, [{ type: 'task.discarded', data: { archiveRef: ref, commit: snapshot!.commit } }])
    return applyTaskAction(session, emit, taskId, 'discard', `changes discarded; kept at ${ref}`)
  })
}
