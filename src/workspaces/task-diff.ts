import { isAbsolute } from 'node:path'
import { z } from 'zod'
import { CadreError, notFound } from '../core/errors.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import { diffWorkspace, type WorkspaceDiff } from '../git/workspace-diff.ts'
import { runGit, workspaceTree } from '../git/workspace-git.ts'
import { checkpointsOf } from './checkpoints.ts'
import { openTaskWorkspace, type TaskWorkspace, type WorkspaceDeps } from './open-task-workspace.ts'

export const DiffQuery = z.object({
  // Checked here: git's own refusal of a path outside the repository would be an internal error.
  path: z
    .string()
    .min(1)
    .max(4096)
    .refine(
      (path) => !isAbsolute(path) && !path.split(/[\\/]/).includes('..') && !path.includes('\0'),
      'must be a path inside the workspace, relative to its root',
    )
    .optional()
    .describe('one file only'),
  checkpoint: z.coerce
    .number()
    .int()
    .min(1)
    .optional()
    .describe('what that checkpoint changed since the one before, instead of everything since the base'),
})
export type DiffQuery = z.infer<typeof DiffQuery>

/**
 * A task's changes: everything in its workspace (committed on its branch or not, untracked files
 * included) against where its branch left its base; or what one checkpoint changed.
 */
export const diffTask = async (
  deps: WorkspaceDeps,
  taskId: string,
  query: DiffQuery,
): Promise<WorkspaceDiff> => {
  await using opened = await openTaskWorkspace(deps, taskId)
  try {
    return await readDiff(deps, opened, query)
  } catch (error) {
    // Discarded while its changes were read: what was there is not a diff any more.
    if ((await deps.store.tasks.get(taskId))?.status === 'cancelled') {
      throw new CadreError(
        'conflict',
        `task ${taskId} was discarded or cancelled while its changes were read; read them again`,
        { cause: error },
      )
    }
    throw error
  }
}

const readDiff = async (
  deps: WorkspaceDeps,
  { workspace, spec, task }: TaskWorkspace,
  query: DiffQuery,
): Promise<WorkspaceDiff> => {
  const taskId = task.id
  if (query.checkpoint !== undefined) {
    const checkpoints = checkpointsOf(await readAllEvents(deps.store, taskId))
    const index = checkpoints.findIndex((event) => event.data.checkpoint === query.checkpoint)
    const current = checkpoints[index]
    const previous = checkpoints[index - 1]
    if (!current || !previous) throw notFound('checkpoint', String(query.checkpoint))
    return diffWorkspace(workspace, previous.data.commit, current.data.tree, { path: query.path })
  }
  const base = await runGit(workspace, ['merge-base', spec.baseBranch, 'HEAD'])
  return diffWorkspace(workspace, base, await workspaceTree(workspace), { path: query.path })
}
