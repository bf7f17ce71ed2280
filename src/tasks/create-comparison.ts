import { z } from 'zod'
import { comparisonAgent, comparisonSize, comparisonStatus } from '../core/comparison.ts'
import type { Project, Task } from '../core/entities.ts'
import { notFound } from '../core/errors.ts'
import { newId } from '../core/ids.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { knownAgents } from '../runtimes/agent-catalog.ts'
import { CreateTaskInput, insertTask, titleFromPrompt } from './create-task.ts'

const agentNames = () => knownAgents.map((agent) => agent.name)

/**
 * `POST /api/tasks`: one task (`agent`), or a comparison (`agents`): the same prompt run by several
 * agents side by side, each in a task of its own.
 */
export const CreateTaskRequest = CreateTaskInput.extend({
  agents: z
    .array(z.string())
    .min(comparisonSize.min, `a comparison takes ${comparisonSize.min} to ${comparisonSize.max} agents`)
    .max(comparisonSize.max, `a comparison takes ${comparisonSize.min} to ${comparisonSize.max} agents`)
    .optional()
    .describe(
      'a comparison: the same prompt run by each of these agents (2–5, distinct), each in a task of its own with its own branch and workspace',
    ),
  models: z
    .record(z.string(), z.string().min(1).max(200))
    .optional()
    .describe('with agents: a model for some of them, by agent name (the others take model)'),
}).superRefine((input, ctx) => {
  const issue = (path: (string | number)[], message: string) =>
    ctx.addIssue({ code: 'custom', path, message })
  if (input.agents === undefined) {
    if (input.models) issue(['models'], 'models go with agents (a comparison); for one task give model')
    if (input.agent === comparisonAgent)
      issue(['agent'], `"${comparisonAgent}" is not an agent: give agents: [...] to compare several`)
    return
  }
  if (input.agent !== undefined) issue(['agent'], 'give agent (one task) or agents (a comparison), not both')
  input.agents.forEach((agent, index) => {
    if (!agentNames().includes(agent))
      issue(['agents', index], `unknown agent "${agent}": the agents are ${agentNames().join(', ')}`)
    else if (input.agents!.indexOf(agent) !== index)
      issue(['agents', index], `"${agent}" is given twice: name each agent once`)
  })
  for (const agent of Object.keys(input.models ?? {})) {
    if (!input.agents.includes(agent)) issue(['models', agent], `"${agent}" is not one of the agents`)
  }
})
export type CreateTaskRequest = z.input<typeof CreateTaskRequest>

/** The model an agent of a request runs with: its own, else the request's, else the project's default. */
export const modelFor = (
  agent: string,
  input: { model?: string; models?: Record<string, string> },
  project: Project,
): string | null => input.models?.[agent] ?? input.model ?? project.settings.defaultModel ?? null

export type Comparison = Task & { children: Task[] }

/**
 * Creates a comparison: a task that runs no agent itself (agent `compare`, no thread, no branch),
 * and one child task per agent with the same prompt, mode and base, each an ordinary task on its own
 * branch — all in one transaction. The comparison's status follows its children's from then on.
 */
export const createComparison = (
  deps: EventDeps,
  raw: CreateTaskRequest & { agents: string[] },
): Promise<Comparison> => {
  const input = CreateTaskRequest.parse(raw)
  const agents = input.agents ?? []
  return commitEvents(deps, async (session, emit) => {
    const project = await session.projects.get(input.projectId)
    if (!project) throw notFound('project', input.projectId)
    const title = input.title ?? titleFromPrompt(input.prompt)
    const childStatus = input.start ? 'queued' : 'backlog'
    const common = {
      projectId: project.id,
      prompt: input.prompt,
      mode: input.mode ?? project.settings.defaultMode,
      baseBranch: input.baseBranch ?? null,
      sandbox: input.sandbox ?? null,
    }
    const parent = await session.tasks.create({
      ...common,
      id: newId('task'),
      title,
      branch: '',
      status: comparisonStatus(childStatus, [childStatus]),
      agent: comparisonAgent,
      model: input.model ?? project.settings.defaultModel ?? null,
    })
    const children: Task[] = []
    for (const agent of agents) {
      children.push(
        await insertTask(session, emit, {
          ...common,
          title: `${title} (${agent})`,
          status: childStatus,
          agent,
          model: modelFor(agent, input, project),
          parentId: parent.id,
        }),
      )
    }
    const events = await emit(parent.id, [
      {
        type: 'task.created',
        data: {
          title,
          prompt: parent.prompt,
          agent: parent.agent,
          model: parent.model,
          mode: parent.mode,
          status: parent.status,
        },
      },
      {
        type: 'compare.created',
        data: {
          children: children.map((child) => ({ taskId: child.id, agent: child.agent, model: child.model })),
        },
      },
    ])
    return { ...parent, lastSeq: events.at(-1)!.seq, children }
  })
}
