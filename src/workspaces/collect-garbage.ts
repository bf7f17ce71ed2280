import { existsSync } from 'node:fs'
import { lstat, readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { z } from 'zod'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { runGit, snapshotWorkspace } from '../git/workspace-git.ts'
import type { WorkspaceDeps } from './open-task-workspace.ts'
import { archiveRef } from './open-task-workspace.ts'
import { workspaceSpec } from './workspace-spec.ts'

export const GcInput = z.object({
  olderThanDays: z
    .number()
    .min(0)
    .max(3650)
    .optional()
    .describe(
      'remove worktrees of tasks finished longer ago than this (default: the worktreeRetentionDays setting)',
    ),
})
export type GcInput = z.infer<typeof GcInput>

export interface CollectedWorkspace {
  taskId: string
  path: string
  branch: string
  /** Where changes never committed went; absent when everything was on the branch already. */
  archiveRef?: string
  freedBytes: number
}

export interface GcReport {
  removed: CollectedWorkspace[]
  freedBytes: number
}

/** The bytes a directory takes, symbolic links not followed. */
const sizeOf = async (path: string): Promise<number> => {
  const info = await lstat(path).catch(() => undefined)
  if (!info) return 0
  if (!info.isDirectory()) return info.size
  const entries = await readdir(path).catch(() => [])
  let total = info.size
  for (const entry of entries) total += await sizeOf(join(path, entry))
  return total
}

/** Tasks whose workspace is no longer worked in. */
const finished = ['done', 'cancelled'] as const

/**
 * Removes the worktrees of tasks finished (done or cancelled) longer ago than the retention, never
 * losing work: changes never committed (untracked files too) are first saved under the task's
 * archive ref; the task's branch stays. Reports what it freed and where anything went.
 */
export const collectGarbage = async (deps: WorkspaceDeps & EventDeps, input: GcInput): Promise<GcReport> => {
  const days = input.olderThanDays ?? (await deps.store.settings.get()).worktreeRetentionDays
  const cutoff = new Date(Date.now() - days * 86_400_000).toISOString()
  const tasks = await deps.store.tasks.list({ status: [...finished], limit: 100_000 })
  const removed: CollectedWorkspace[] = []
  for (const task of tasks) {
    if (task.updatedAt > cutoff) continue
    const project = await deps.store.projects.get(task.projectId)
    if (!project) continue
    const spec = workspaceSpec(task, project)
    const path = deps.sandboxes.locate(spec)
    if (!existsSync(path)) continue
    const freedBytes = await sizeOf(path)
    const workspace = await deps.sandboxes.create(spec)
    let saved: string | undefined
    try {
      const head = await runGit(workspace, ['rev-parse', 'HEAD^{tree}'])
      const snapshot = await snapshotWorkspace(
        workspace,
        archiveRef(task.id),
        `Cadre: task ${task.id} as it was cleaned up`,
        {
          unlessTree: head,
        },
      )
      saved = snapshot && archiveRef(task.id)
    } finally {
      await workspace.close()
    }
    await deps.sandboxes.destroy(spec)
    // What the task's log says went, and where its work is.
    const gone = { path, branch: task.branch, ...(saved && { archiveRef: saved }), freedBytes }
    removed.push({ taskId: task.id, ...gone })
    await commitEvents(deps, (_session, emit) => emit(task.id, [{ type: 'workspace.removed', data: gone }]))
  }
  return { removed, freedBytes: removed.reduce((sum, entry) => sum + entry.freedBytes, 0) }
}
