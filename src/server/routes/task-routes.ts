import { existsSync } from 'node:fs'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { isComparison } from '../../core/comparison.ts'
import { addUsage, Task, zeroUsage } from '../../core/entities.ts'
import { notFound } from '../../core/errors.ts'
import { StoredEventSchema } from '../../core/events/registry.ts'
import { TaskStatus } from '../../core/task-status.ts'
import { checkNewTaskModel, checkStoredTaskModel } from '../../tasks/check-task-model.ts'
import { compareChildren } from '../../tasks/compare-children.ts'
import { CreateTaskRequest, createComparison } from '../../tasks/create-comparison.ts'
import { createTask } from '../../tasks/create-task.ts'
import { ApprovalDecision, decideApproval } from '../../tasks/decide-approval.ts'
import { SendMessageInput, sendMessage } from '../../tasks/send-message.ts'
import { TaskComparison } from '../../tasks/task-comparison.ts'
import { transitionTask } from '../../tasks/transition-task.ts'
import { workspaceSpec } from '../../workspaces/workspace-spec.ts'
import { errors, IdParam, json, jsonBody, TaskDetail, TaskList } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['tasks']

const TaskQuery = z.object({
  projectId: z.string().min(1).optional(),
  status: z
    .string()
    .optional()
    .describe('one status or several separated by commas, e.g. running,needs_input')
    .transform((value, ctx) => {
      if (value === undefined || value === '') return undefined
      const parsed = z.array(TaskStatus).safeParse(value.split(',').map((part) => part.trim()))
      if (parsed.success) return parsed.data
      ctx.addIssue({ code: 'custom', message: `statuses are ${TaskStatus.options.join(', ')}` })
      return z.NEVER
    }),
  limit: z.coerce.number().int().min(1).max(1000).default(200),
})

const CancelInput = z.object({ reason: z.string().trim().min(1).max(2000).optional() })

export const taskRoutes = (deps: AppDeps) => {
  const { store } = deps
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks',
        tags,
        summary:
          'Create a task (queued by default, or in the backlog with start: false); with agents, a comparison: one task per agent',
        request: { body: jsonBody(CreateTaskRequest) },
        responses: {
          201: json(
            Task.extend({
              children: z.array(Task).optional().describe("a comparison's tasks, one per agent"),
            }),
            'the new task (a comparison with its children)',
          ),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => {
        const input = c.req.valid('json')
        await checkNewTaskModel(deps, input)
        const { agents } = input
        if (agents) return c.json(await createComparison(deps, { ...input, agents }), 201)
        return c.json(await createTask(deps, input), 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks',
        tags,
        summary: 'List tasks, newest first',
        request: { query: TaskQuery },
        responses: { 200: json(TaskList, 'the matching tasks'), 400: errors[400] },
      }),
      async (c) => c.json({ tasks: await store.tasks.list(c.req.valid('query')) }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks/{id}',
        tags,
        summary: 'Get a task with its threads and runs',
        request: { params: IdParam },
        responses: { 200: json(TaskDetail, 'the task'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const task = await store.tasks.get(id)
        if (!task) throw notFound('task', id)
        const comparison = isComparison(task)
        const [threads, runs, project, children] = await Promise.all([
          store.threads.list(id),
          store.runs.list(id),
          store.projects.get(task.projectId),
          comparison ? store.tasks.listChildren(id) : undefined,
        ])
        const usage = runs.reduce((sum, run) => addUsage(sum, run.usage), zeroUsage)
        const costUsd = runs.reduce((sum, run) => sum + run.costUsd, 0)
        if (children) return c.json({ ...task, threads, runs, usage, costUsd, children }, 200)
        const spec = project && workspaceSpec(task, project)
        const workspace = spec && {
          path: deps.sandboxes.locate(spec),
          branch: spec.branch,
          baseBranch: spec.baseBranch,
          exists: existsSync(deps.sandboxes.locate(spec)),
        }
        return c.json({ ...task, threads, runs, usage, costUsd, ...(workspace && { workspace }) }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks/{id}/compare',
        tags,
        summary:
          "A comparison's tasks side by side: status, time, tokens, cost, diff size and check result of each agent",
        request: { params: IdParam },
        responses: {
          200: json(TaskComparison, 'the comparison and one entry per agent'),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => c.json(await compareChildren(deps, c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks/{id}/messages',
        tags,
        summary: 'Send a message to a thread; a settled task is queued again to answer it',
        request: { params: IdParam, body: jsonBody(SendMessageInput) },
        responses: {
          201: json(
            z.object({ task: Task, event: StoredEventSchema }),
            'the stored message event and the task',
          ),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => c.json(await sendMessage(deps, c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks/{id}/start',
        tags,
        summary: "Queue a backlog task (a comparison's: all its tasks)",
        request: { params: IdParam },
        responses: {
          200: json(Task, 'the queued task'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        await checkStoredTaskModel(deps, id)
        return c.json(await transitionTask(deps, id, 'enqueue'), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks/{id}/approvals/{approvalId}',
        tags,
        summary: 'Allow or deny a tool call the task waits on; the task is queued to go on',
        request: {
          params: IdParam.extend({
            approvalId: z.string().min(1).describe("the approval.requested event's approvalId"),
          }),
          body: jsonBody(ApprovalDecision),
        },
        responses: {
          200: json(Task, 'the task, queued again'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => {
        const { id, approvalId } = c.req.valid('param')
        return c.json(await decideApproval(deps, id, approvalId, c.req.valid('json')), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks/{id}/cancel',
        tags,
        summary:
          'Cancel a task (a comparison: with its tasks that have not finished; those in review are kept)',
        request: { params: IdParam, body: { ...jsonBody(CancelInput), required: false } },
        responses: { 200: json(Task, 'the cancelled task'), 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { reason } = c.req.valid('json') ?? {}
        return c.json(
          await transitionTask(deps, c.req.valid('param').id, 'cancel', reason ?? 'cancelled by user'),
          200,
        )
      },
    )
}
