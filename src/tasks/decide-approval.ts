import { z } from 'zod'
import type { Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import type { PolicyRule } from '../core/settings.ts'
import { commitEvents, type Emit, type EventDeps } from '../events/commit-events.ts'
import { readAllEvents } from '../events/read-all-events.ts'
import type { StoreSession } from '../store/store.ts'
import { applyTaskAction } from './transition-task.ts'

export const ApprovalDecision = z.strictObject({
  decision: z.enum(['allow', 'deny']),
  remember: z
    .boolean()
    .default(false)
    .describe('with allow: add a rule to the project policy so the same call is allowed from now on'),
  mode: z
    .enum(['default', 'auto'])
    .optional()
    .describe("a plan allowed: the mode to carry it out in (default: the project's, or default)"),
  message: z
    .string()
    .trim()
    .min(1)
    .max(100_000)
    .optional()
    .describe('a plan: what to change (with deny), or anything to add (with allow)'),
})
export type ApprovalDecision = z.input<typeof ApprovalDecision>

/** The rule that allows this call from now on: its command or path exactly, else the whole tool. */
const ruleFor = (tool: string, input: unknown): z.input<typeof PolicyRule> => {
  const fields = input as { command?: unknown; path?: unknown } | null
  const subject =
    typeof fields?.command === 'string'
      ? fields.command
      : typeof fields?.path === 'string'
        ? fields.path
        : undefined
  return { tool, ...(subject !== undefined && { pattern: subject }), action: 'allow' }
}

/**
 * A plan approved: the task leaves plan mode and the agent is told to carry it out. Refused: the
 * agent is told what to change and plans again. Either way the task is queued.
 */
const decidePlan = async (
  session: StoreSession,
  emit: Emit,
  task: Task,
  threadId: string,
  approvalId: string,
  input: z.output<typeof ApprovalDecision>,
) => {
  const allowed = input.decision === 'allow'
  const project = await session.projects.get(task.projectId)
  const projectMode = project?.settings.defaultMode
  const mode = allowed ? (input.mode ?? (projectMode === 'auto' ? 'auto' : 'default')) : undefined
  const text = allowed
    ? `Your plan is approved. Carry it out now.${input.message ? `\n\n${input.message}` : ''}`
    : `Your plan is not approved.${input.message ? ` ${input.message}` : ''} Revise it and propose it again.`
  await emit(task.id, [
    {
      type: 'approval.decided',
      data: { approvalId, decision: input.decision, remember: false, ...(mode && { mode }) },
    },
    { type: 'message.user', data: { threadId, text } },
  ])
  if (mode) await session.tasks.setMode(task.id, mode)
  return applyTaskAction(session, emit, task.id, 'resume', allowed ? 'plan approved' : 'plan refused')
}

/**
 * A person's answer to an approval request: stored, optionally remembered as a policy rule, and the
 * task queued again so a new run takes the call from there.
 */
export const decideApproval = (
  deps: EventDeps,
  taskId: string,
  approvalId: string,
  raw: ApprovalDecision,
): Promise<Task> => {
  const input = ApprovalDecision.parse(raw)
  return commitEvents(deps, async (session, emit) => {
    const task = await session.tasks.get(taskId)
    if (!task) throw notFound('task', taskId)
    const events = await readAllEvents(session, taskId)
    const request = events.find(
      (event) => event.type === 'approval.requested' && event.data.approvalId === approvalId,
    )
    if (request?.type !== 'approval.requested') throw notFound('approval', approvalId)
    if (events.some((event) => event.type === 'approval.decided' && event.data.approvalId === approvalId)) {
      throw new CadreError('conflict', `approval ${approvalId} was already decided`)
    }
    if (task.status !== 'needs_input') {
      throw new CadreError(
        'invalid_transition',
        `task ${taskId} is ${task.status}, not waiting for an approval`,
      )
    }
    if (request.data.kind === 'plan') {
      return decidePlan(session, emit, task, request.data.threadId, approvalId, input)
    }
    await emit(taskId, [
      { type: 'approval.decided', data: { approvalId, decision: input.decision, remember: input.remember } },
    ])
    if (input.remember && input.decision === 'allow') {
      const project = await session.projects.get(task.projectId)
      if (project) {
        const rules = [ruleFor(request.data.tool, request.data.input), ...project.settings.policy.rules]
        await session.projects.update(project.id, {
          settings: {
            ...project.settings,
            policy: { ...project.settings.policy, rules },
          } as typeof project.settings,
        })
      }
    }
    return applyTaskAction(
      session,
      emit,
      taskId,
      'resume',
      `approval ${input.decision === 'allow' ? 'given' : 'refused'}`,
    )
  })
}
