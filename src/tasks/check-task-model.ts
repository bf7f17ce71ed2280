import { notFound } from '../core/errors.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { Store } from '../store/store.ts'
import { CreateTaskInput } from './create-task.ts'

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

/** `checkModelBeforeQueueing` for a task being created, with the project's defaults filled in. */
export const checkNewTaskModel = async (deps: CheckDeps, raw: CreateTaskInput): Promise<void> => {
  const input = CreateTaskInput.parse(raw)
  if (!input.start) return
  const project = await deps.store.projects.get(input.projectId)
  if (!project) throw notFound('project', input.projectId)
  await checkModelBeforeQueueing(deps, {
    agent: input.agent ?? project.settings.defaultAgent,
    model: input.model ?? project.settings.defaultModel,
  })
}

/** `checkModelBeforeQueueing` for a stored task (a backlog task being started). */
export const checkStoredTaskModel = async (deps: CheckDeps, taskId: string): Promise<void> => {
  const task = await deps.store.tasks.get(taskId)
  if (!task) throw notFound('task', taskId)
  await checkModelBeforeQueueing(deps, task)
}
