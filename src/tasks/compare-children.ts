import { existsSync } from 'node:fs'
import { isComparison } from '../core/comparison.ts'
import { addUsage, type Run, zeroUsage } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import type { WorkspaceDeps } from '../workspaces/open-task-workspace.ts'
import { diffTask } from '../workspaces/task-diff.ts'
import { workspaceSpec } from '../workspaces/workspace-spec.ts'
import type { ComparedTask, TaskComparison } from './task-comparison.ts'

/** First run start to last run end, or to now while one runs. */
const timing = (runs: readonly Run[]) => {
  const startedAt = runs.flatMap((run) => (run.startedAt ? [run.startedAt] : [])).sort()[0] ?? null
  const running = runs.some((run) => run.startedAt && !run.endedAt)
  const lastEnd =
    runs
      .flatMap((run) => (run.endedAt ? [run.endedAt] : []))
      .sort()
      .at(-1) ?? null
  const endedAt = running ? null : lastEnd
  const durationMs =
    startedAt === null
      ? null
      : Math.max(0, (endedAt ? Date.parse(endedAt) : Date.now()) - Date.parse(startedAt))
  return { startedAt, endedAt, durationMs }
}

/**
 * `GET /api/tasks/:id/compare`: each agent's task of a comparison side by side — status, time,
 * tokens, cost, its diff's size and its check's result.
 */
export const compareChildren = async (deps: WorkspaceDeps, taskId: string): Promise<TaskComparison> => {
  const comparison = await deps.store.tasks.get(taskId)
  if (!comparison) throw notFound('task', taskId)
  if (!isComparison(comparison)) {
    throw new CadreError(
      'bad_request',
      `task ${taskId} is not a comparison (those are created with agents: [...]); its figures are in GET /api/tasks/${taskId}`,
    )
  }
  const project = await deps.store.projects.get(comparison.projectId)
  if (!project) throw notFound('project', comparison.projectId)
  const children = await Promise.all(
    (await deps.store.tasks.listChildren(taskId)).map(async (child): Promise<ComparedTask> => {
      const [runs, events] = await Promise.all([
        deps.store.runs.list(child.id),
        readAllEvents(deps.store, child.id),
      ])
      const hasWorkspace = existsSync(deps.sandboxes.locate(workspaceSpec(child, project)))
      const diff = hasWorkspace ? (await diffTask(deps, child.id, {})).stats : null
      const check = events.findLast((event) => event.type === 'check.finished')
      return {
        taskId: child.id,
        agent: child.agent,
        model: child.model,
        status: child.status,
        statusReason: child.statusReason,
        branch: child.branch,
        runs: runs.length,
        ...timing(runs),
        usage: runs.reduce((sum, run) => addUsage(sum, run.usage), zeroUsage),
        costUsd: runs.reduce((sum, run) => sum + run.costUsd, 0),
        diff,
        check: check?.type === 'check.finished' ? { ...check.data, at: check.at } : null,
      }
    }),
  )
  return { comparison, checkCommand: project.settings.checkCommand ?? null, children }
}
