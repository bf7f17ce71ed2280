import type { Task } from '../core/entities.ts'
import type { CadreEvent } from '../core/events/registry.ts'
import type { TaskComparison } from '../tasks/task-comparison.ts'
import { cancelOnInterrupt } from './cancel-on-interrupt.ts'
import { type Client, type Connection, readJson } from './client.ts'
import type { AgentChoice } from './parse-agents.ts'
import { printComparison } from './print-comparison.ts'
import { projectFor, type RunRequest } from './run-task.ts'
import { streamTaskEvents } from './stream-task-events.ts'

/** Where a comparison stops being followed: settled, or waiting for a person. */
const ends = new Set(['review', 'done', 'failed', 'cancelled', 'needs_input'])

const clock = () => new Date().toTimeString().slice(0, 8)

/**
 * Creates a comparison — the prompt run by each agent in a task of its own — and follows it in
 * the terminal, one line per change of an agent's status, then prints them side by side. Resolves
 * with the exit code: 0 when there is work to review (or all finished), 1 failed or cancelled, 3
 * when an agent waits for an approval nobody at a terminal can give.
 */
export const runComparison = async (
  client: Client,
  connection: Connection,
  request: Omit<RunRequest, 'agent'> & AgentChoice,
): Promise<number> => {
  const project = await projectFor(client, connection, request.project)
  const created = await readJson<Task & { children: Task[] }>(
    client.api.tasks.$post({
      json: {
        projectId: project.id,
        prompt: request.prompt,
        agents: request.agents,
        models: request.models,
        model: request.model,
        mode: request.mode,
      },
    }),
    connection.url,
  )
  console.log(`▸ ${created.title}  (comparison ${created.id}, ${created.mode})`)
  for (const child of created.children)
    console.log(`  ${child.agent.padEnd(12)} ${child.id}  ${child.model ?? 'default model'}`)
  const stopListening = cancelOnInterrupt(client, connection.url, created.id)
  const done = new AbortController()
  const onEvent = (event: CadreEvent) => {
    if (event.type === 'compare.child_changed') {
      const { agent, to, reason } = event.data
      console.log(`  ${clock()}  ${agent.padEnd(12)} ${to}${reason && to === 'failed' ? ` — ${reason}` : ''}`)
    }
    if (event.type === 'task.status_changed' && ends.has(event.data.to)) done.abort()
  }
  try {
    await streamTaskEvents(connection, { id: created.id, after: 0, signal: done.signal }, onEvent)
  } finally {
    stopListening()
  }
  const comparison = await readJson<TaskComparison>(
    client.api.tasks[':id'].compare.$get({ param: { id: created.id } }),
    connection.url,
  )
  console.log('')
  printComparison(comparison)
  const { status } = comparison.comparison
  if (status === 'needs_input') {
    const waiting = comparison.children.filter((child) => child.status === 'needs_input')
    for (const child of waiting)
      console.log(`\n⏸ ${child.agent} waits for a person: cadre task logs ${child.taskId}`)
    return 3
  }
  if (status === 'failed' || status === 'cancelled') return 1
  console.log(
    `\nReview each: cadre task diff <task>; keep one: cadre task merge <task>; the others: cadre task discard <task>`,
  )
  return 0
}
