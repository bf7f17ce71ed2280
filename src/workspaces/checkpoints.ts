import type { EventInput, StoredEvent } from '../core/events/registry.ts'
import { snapshotWorkspace } from '../git/workspace-git.ts'
import type { Workspace } from '../sandbox/sandbox.ts'

/** The hidden ref of a task's checkpoint: never a branch, so the task's branch stays clean. */
export const checkpointRef = (taskId: string, checkpoint: number) => `refs/cadre/${taskId}/${checkpoint}`

export type CheckpointEvent = Extract<StoredEvent, { type: 'checkpoint.created' }>

/** The task's checkpoints, in order, as its events recorded them. */
export const checkpointsOf = (events: readonly StoredEvent[]): CheckpointEvent[] =>
  events.filter((event): event is CheckpointEvent => event.type === 'checkpoint.created')

/**
 * Checkpoints of one task's workspace: checkpoint 0 is the workspace as it was made; each later one
 * is taken after a step whose tools could write, and only when the files changed since the last.
 */
export const createCheckpointer = (
  sandbox: Omit<Workspace, 'info'>,
  taskId: string,
  events: readonly StoredEvent[],
  record: (events: readonly EventInput[]) => Promise<void>,
) => {
  const taken = checkpointsOf(events)
  // Numbers go on from the highest; "changed since" is measured from the state the workspace is in,
  // which after a rollback is the checkpoint it went back to.
  let number = taken.at(-1)?.data.checkpoint ?? -1
  let tree: string | undefined
  for (const event of events) {
    if (event.type === 'checkpoint.created') tree = event.data.tree
    if (event.type === 'task.rolled_back') {
      tree =
        taken.find((checkpoint) => checkpoint.data.checkpoint === event.data.checkpoint)?.data.tree ?? tree
    }
  }
  return {
    async take(step: number): Promise<void> {
      const checkpoint = number + 1
      const ref = checkpointRef(taskId, checkpoint)
      const message =
        checkpoint === 0 ? 'Cadre: the workspace as it was made' : `Cadre: checkpoint after step ${step}`
      const snapshot = await snapshotWorkspace(sandbox, ref, message, { unlessTree: tree })
      if (!snapshot) return
      await record([{ type: 'checkpoint.created', data: { checkpoint, ref, step, ...snapshot } }])
      // A workspace with a clone of its own sends it home at once: a lost pod loses nothing taken.
      await sandbox.publish?.()
      number = checkpoint
      tree = snapshot.tree
    },
  }
}
