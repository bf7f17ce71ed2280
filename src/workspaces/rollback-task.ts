import { z } from 'zod'
import { notFound } from '../core/errors.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import { restoreSnapshot } from '../git/workspace-git.ts'
import { checkpointsOf } from './checkpoints.ts'
import { openTaskWorkspace, type WorkspaceDeps } from './open-task-workspace.ts'

export const CheckpointInput = z.object({
  checkpoint: z.number().int().nonnegative().describe('0 is the workspace as it was made'),
})
export type CheckpointInput = z.infer<typeof CheckpointInput>

/** The task's checkpoint `n`, as recorded, or a 404. */
export const findCheckpoint = async (deps: WorkspaceDeps, taskId: string, checkpoint: number) => {
  const found = checkpointsOf(await readAllEvents(deps.store, taskId)).find(
    (event) => event.data.checkpoint === checkpoint,
  )
  if (!found) throw notFound('checkpoint', `${checkpoint} of task ${taskId}`)
  return found
}

/**
 * `POST /api/tasks/:id/rollback`: the workspace put back exactly as a checkpoint saved it (its
 * branch, its files, untracked ones too) and the conversation with it; recorded as an event, so
 * nothing is taken out of the log.
 */
export const rollbackTask = async (
  deps: WorkspaceDeps & EventDeps,
  taskId: string,
  input: CheckpointInput,
) => {
  await using opened = await openTaskWorkspace(deps, taskId, { change: 'roll back' })
  const target = await findCheckpoint(deps, taskId, input.checkpoint)
  await restoreSnapshot(opened.workspace, target.data)
  await commitEvents(deps, (_session, emit) =>
    emit(taskId, [{ type: 'task.rolled_back', data: { checkpoint: input.checkpoint, toSeq: target.seq } }]),
  )
  return { checkpoint: input.checkpoint, commit: target.data.commit }
}
