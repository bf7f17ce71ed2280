import { isComparison } from '../core/comparison.ts'
import { notFound } from '../core/errors.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { Store } from '../store/store.ts'
import { CreateTaskRequest, modelFor } from './create-comparison.ts'

interface CheckDeps {
  store: Store
  models: ModelClient
}

/**
 * A task about to be queued must name a model that can be called now (an external agent calls it
 * itself, through the same provider settings): no key, an unknown provider or an unreachable
 * endpoint fails the request before anything changes, saying what to set.
 */
export const checkModelBeforeQueueing = async (
  { models }: Pick<CheckDeps, 'models'>,
  task: { agent: string; model: string | null | undefined },
): Promise<void> => {
  if (task.model) await models.ensureUsable(task.model)
}

/** `checkModelBeforeQueueing` for a task being created (each of a comparison's), with the project's defaults filled in. */
export const checkNewTaskModel = async (deps: CheckDeps, raw: CreateTaskRequest): Promise<void> => {
  const input = CreateTaskRequest.parse(raw)
  if (!input.start) return
  const project = await deps.store.projects.get(input.projectId)
  if (!project) throw notFound('project', input.projectId)
  for (const agent of input.agents ?? [input.agent ?? project.settings.defaultAgent]) {
    await checkModelBeforeQueueing(deps, { agent, model: modelFor(agent, input, project) })
  }
}

/** `checkModelBeforeQueueing` for a stored task (a backlog task being started; a comparison's each). */
export const checkStoredTaskModel = async (deps: CheckDeps, taskId: string): Promise<void> => {
  const task = await deps.store.tasks.get(taskId)
  if (!task) throw notFound('task', taskId)
  const tasks = isComparison(task) ? await deps.store.tasks.listChildren(taskId) : [task]
  for (const each of tasks) await checkModelBeforeQueueing(deps, each)
}
