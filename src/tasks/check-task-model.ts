import { notFound } from '../core/errors.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { Store } from '../store/store.ts'
import { CreateTaskInput } from './create-task.ts'

/**
 * A built-in task that is queued to run must name a model that can be called now: no key, an
 * unknown provider or an unreachable endpoint fails the request before anything is stored, with
 * what to set. (External agents choose their own models.)
 */
export const checkTaskModel = async (
  { store, models }: { store: Store; models: ModelClient },
  raw: CreateTaskInput,
): Promise<void> => {
  const input = CreateTaskInput.parse(raw)
  if (!input.start) return
  const project = await store.projects.get(input.projectId)
  if (!project) throw notFound('project', input.projectId)
  const agent = input.agent ?? project.settings.defaultAgent
  const model = input.model ?? project.settings.defaultModel
  if (agent === 'builtin' && model) await models.ensureUsable(model)
}
