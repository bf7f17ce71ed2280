import { comparisonAgent } from '../core/comparison.ts'
import type { Run, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import { applyTaskAction } from '../tasks/transition-task.ts'

export interface Claim {
  task: Task
  run: Run
}

/** Why a queued task waits when this server cannot run its agent (another one may). */
export const waitingForAgentReason = (agent: string): string =>
  `waiting for a server with the ${agent} agent: it is not installed on this one (cadre agents install ${agent}, then restart Cadre), or choose another agent`

/**
 * Takes the first queued task an agent here can run (in queue order): moves it to running and
 * opens a run on its main thread, leased to `workerId`, in one transaction. Another worker taking
 * the same task first is not an error: the next one is tried. A queued task whose agent is not
 * here is left for a server that has it, its status reason saying why it waits.
 */
export const claimQueuedTask = async (
  deps: EventDeps,
  {
    workerId,
    agents,
    leaseExpiresAt,
  }: { workerId: string; agents: readonly string[]; leaseExpiresAt: () => string },
): Promise<Claim | undefined> => {
  // However many wait for agents missing here, they never hide a task this server can run.
  const waiting = await deps.store.tasks.list({
    status: ['queued'],
    agent: { notIn: [...agents, comparisonAgent] },
    order: 'queue',
    limit: 50,
  })
  for (const task of waiting) {
    const reason = waitingForAgentReason(task.agent)
    // Once: the status stays queued (taken by another server meanwhile, nothing changes).
    if (task.statusReason !== reason) await deps.store.tasks.setStatus(task.id, 'queued', 'queued', reason)
  }
  const runnable = await deps.store.tasks.list({
    status: ['queued'],
    agent: { in: agents.filter((agent) => agent !== comparisonAgent) },
    order: 'queue',
    limit: 50,
  })
  for (const candidate of runnable) {
    try {
      return await commitEvents(deps, async (session, emit) => {
        const task = await applyTaskAction(session, emit, candidate.id, 'start_run')
        const [thread] = await session.threads.list(task.id)
        if (!thread) throw new CadreError('internal', `task ${task.id} has no thread`)
        const run = await session.runs.create({ taskId: task.id, threadId: thread.id, agent: task.agent })
        const started = await session.runs.update(run.id, {
          status: 'running',
          workerId,
          leaseExpiresAt: leaseExpiresAt(),
          startedAt: new Date().toISOString(),
        })
        return { task, run: started ?? run }
      })
    } catch (error) {
      const lost =
        error instanceof CadreError && (error.code === 'conflict' || error.code === 'invalid_transition')
      if (!lost) throw error
    }
  }
  return undefined
}
