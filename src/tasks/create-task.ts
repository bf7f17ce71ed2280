import { z } from 'zod'
import type { Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import { newId } from '../core/ids.ts'
import { AgentMode, AgentName, SandboxOverride } from '../core/settings.ts'
import { commitEvents, type Emit, type EventDeps } from '../events/commit-events.ts'
import { taskBranch } from '../git/task-branch.ts'
import { knownAgent, knownAgents } from '../runtimes/agent-catalog.ts'
import type { NewTask, StoreSession } from '../store/store.ts'

export const CreateTaskInput = z.object({
  projectId: z.string().min(1),
  prompt: z.string().trim().min(1, 'the prompt is empty').max(200_000),
  title: z.string().trim().min(1).max(200).optional(),
  agent: AgentName.optional().describe("defaults to the project's default agent"),
  model: z.string().min(1).max(200).optional().describe("defaults to the project's default model"),
  mode: AgentMode.optional().describe("defaults to the project's default mode"),
  baseBranch: z
    .string()
    .trim()
    .min(1)
    .max(250)
    .optional()
    .describe("the branch to start from and merge into (default: the project's base branch)"),
  start: z.boolean().default(true).describe('false creates the task in the backlog instead of queueing it'),
  sandbox: SandboxOverride.optional().describe(
    'where its processes run, over the project\'s sandbox settings, e.g. {kind: "docker", image: "node:24"}',
  ),
})
export type CreateTaskInput = z.input<typeof CreateTaskInput>

const titleLength = 80

/** The first line of the prompt, shortened: a title a person recognises on a board. */
export const titleFromPrompt = (prompt: string): string => {
  const line = prompt.trim().split('\n', 1)[0]!.trim()
  return line.length <= titleLength ? line : `${line.slice(0, titleLength - 1).trimEnd()}…`
}

/** A task in plan mode needs an agent that plans (reads, then proposes a plan for approval). */
const refusePlanWithoutPlanner = (agentName: string, mode: Task['mode']) => {
  const agent = knownAgent(agentName)
  if (mode !== 'plan' || !agent || agent.capabilities.planMode) return
  const planners = knownAgents.filter((known) => known.capabilities.planMode).map((known) => known.name)
  throw new CadreError(
    'bad_request',
    `${agent.title} has no plan mode: choose the mode default or auto, or an agent that plans (${planners.join(', ')})`,
  )
}

/**
 * Inserts a task on its own branch, with its first thread, the prompt as that thread's first
 * message, and its creation events, inside an open transaction.
 */
export const insertTask = async (
  session: StoreSession,
  emit: Emit,
  fields: Omit<NewTask, 'id' | 'branch'>,
): Promise<Task> => {
  refusePlanWithoutPlanner(fields.agent, fields.mode)
  const id = newId('task')
  const task = await session.tasks.create({ ...fields, id, branch: taskBranch(fields.title, id) })
  const thread = await session.threads.create({ taskId: task.id, title: 'Main' })
  const events = await emit(task.id, [
    {
      type: 'task.created',
      data: {
        title: task.title,
        prompt: task.prompt,
        agent: task.agent,
        model: task.model,
        mode: task.mode,
        status: task.status,
      },
    },
    { type: 'thread.created', data: { threadId: thread.id, title: thread.title } },
    { type: 'message.user', data: { threadId: thread.id, text: task.prompt } },
  ])
  return { ...task, lastSeq: events.at(-1)!.seq }
}

/**
 * Creates a task with its first thread, the prompt as that thread's first message, and its
 * creation events, all in one transaction; then publishes them.
 */
export const createTask = (deps: EventDeps, raw: CreateTaskInput): Promise<Task> => {
  const input = CreateTaskInput.parse(raw)
  return commitEvents(deps, async (session, emit) => {
    const project = await session.projects.get(input.projectId)
    if (!project) throw notFound('project', input.projectId)
    return insertTask(session, emit, {
      projectId: project.id,
      title: input.title ?? titleFromPrompt(input.prompt),
      baseBranch: input.baseBranch ?? null,
      prompt: input.prompt,
      status: input.start ? 'queued' : 'backlog',
      agent: input.agent ?? project.settings.defaultAgent,
      model: input.model ?? project.settings.defaultModel ?? null,
      mode: input.mode ?? project.settings.defaultMode,
      sandbox: input.sandbox ?? null,
    })
  })
}
