import { z } from 'zod'
import { effectiveHistory } from '../agent/effective-history.ts'
import type { Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import type { EventInput } from '../core/events/registry.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import { openGit } from '../git/open-git.ts'
import { createTask } from '../tasks/create-task.ts'
import { applyTaskAction } from '../tasks/transition-task.ts'
import type { WorkspaceDeps } from './open-task-workspace.ts'
import { findCheckpoint } from './rollback-task.ts'

export const ForkInput = z.object({
  checkpoint: z.number().int().nonnegative(),
  prompt: z
    .string()
    .trim()
    .min(1)
    .max(200_000)
    .optional()
    .describe('what the fork should do next; it is queued with it, else it waits in the backlog'),
})
export type ForkInput = z.infer<typeof ForkInput>

/** The conversation events a fork carries over, in its own thread. */
const carried = new Set(['message.user', 'message.assistant', 'tool.started', 'tool.finished'])

/**
 * `POST /api/tasks/:id/fork`: a new task whose branch starts at the checkpoint (its files exactly
 * as saved, untracked ones too) and whose conversation is the original's up to that point.
 */
export const forkTask = async (
  deps: WorkspaceDeps & EventDeps,
  taskId: string,
  input: ForkInput,
): Promise<Task> => {
  const source = await deps.store.tasks.get(taskId)
  if (!source) throw notFound('task', taskId)
  const project = await deps.store.projects.get(source.projectId)
  if (!project) throw notFound('project', source.projectId)
  const checkpoint = await findCheckpoint(deps, taskId, input.checkpoint)
  const [sourceThread] = await deps.store.threads.list(taskId)
  const history = effectiveHistory(await readAllEvents(deps.store, taskId)).filter(
    (event) => event.seq <= checkpoint.seq && carried.has(event.type),
  )
  const fork = await createTask(deps, {
    projectId: project.id,
    prompt: source.prompt,
    title: `${source.title} (fork of checkpoint ${input.checkpoint})`.slice(0, 200),
    agent: source.agent,
    ...(source.model && { model: source.model }),
    mode: source.mode,
    ...(source.baseBranch && { baseBranch: source.baseBranch }),
    ...(source.sandbox && { sandbox: source.sandbox }),
    start: false,
  })
  // The fork's branch is made now, at the checkpoint: its workspace starts from there.
  try {
    await openGit(project.path).raw(['branch', fork.branch, checkpoint.data.commit])
  } catch (error) {
    throw new CadreError('internal', `cannot make the fork's branch: ${(error as Error).message.trim()}`)
  }
  const [thread] = await deps.store.threads.list(fork.id)
  // The first message is the prompt the fork was created with: the rest comes after it.
  const copied = history
    .filter((event) => !('threadId' in event.data) || event.data.threadId === sourceThread?.id)
    .slice(1)
    .map((event) => ({ type: event.type, data: { ...event.data, threadId: thread!.id } }) as EventInput)
  return commitEvents(deps, async (session, emit) => {
    await emit(fork.id, [
      {
        type: 'task.forked',
        data: { fromTaskId: taskId, checkpoint: input.checkpoint, commit: checkpoint.data.commit },
      },
      ...copied,
      ...(input.prompt
        ? [{ type: 'message.user' as const, data: { threadId: thread!.id, text: input.prompt } }]
        : []),
    ])
    if (input.prompt) return applyTaskAction(session, emit, fork.id, 'enqueue', 'forked with a prompt')
    return (await session.tasks.get(fork.id)) ?? fork
  })
}
