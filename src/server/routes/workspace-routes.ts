import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { Task } from '../../core/entities.ts'
import { notFound } from '../../core/errors.ts'
import { readAllEvents } from '../../events/read-all-events.ts'
import { checkpointsOf } from '../../workspaces/checkpoints.ts'
import { collectGarbage, GcInput } from '../../workspaces/collect-garbage.ts'
import { CommitInput, commitTask } from '../../workspaces/commit-task.ts'
import { discardTask } from '../../workspaces/discard-task.ts'
import { ForkInput, forkTask } from '../../workspaces/fork-task.ts'
import { MergeInput, mergeTask } from '../../workspaces/merge-task.ts'
import { CheckpointInput, rollbackTask } from '../../workspaces/rollback-task.ts'
import { DiffQuery, diffTask } from '../../workspaces/task-diff.ts'
import { Checkpoint, errors, IdParam, json, jsonBody, WorkspaceDiff } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['workspaces']

const CommitResult = z.object({ commit: z.string(), message: z.string(), files: z.number().int() })

const MergeResult = z.object({
  merged: z.literal(true),
  strategy: z.string(),
  baseBranch: z.string(),
  commit: z.string(),
})

const RollbackResult = z.object({ checkpoint: z.number().int(), commit: z.string() })

const GcReport = z.object({
  removed: z.array(
    z.object({
      taskId: z.string(),
      path: z.string(),
      branch: z.string().describe('kept'),
      archiveRef: z.string().optional().describe('where changes never committed were saved'),
      freedBytes: z.number().int(),
    }),
  ),
  freedBytes: z.number().int(),
})

const post = <P extends string>(path: P, summary: string) => ({
  method: 'post' as const,
  path,
  tags,
  summary,
})

/** Review and integration of a task's work: diff, checkpoints, rollback, fork, commit, merge, discard. */
export const workspaceRoutes = (deps: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks/{id}/diff',
        tags,
        summary: "The task's changes against its base (or what one checkpoint changed)",
        request: { params: IdParam, query: DiffQuery },
        responses: {
          200: json(WorkspaceDiff, 'files with status, line counts and unified patches'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => c.json(await diffTask(deps, c.req.valid('param').id, c.req.valid('query')), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks/{id}/checkpoints',
        tags,
        summary: "The task's checkpoints, oldest first",
        request: { params: IdParam },
        responses: {
          200: json(z.object({ checkpoints: z.array(Checkpoint) }), 'its checkpoints'),
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.tasks.get(id))) throw notFound('task', id)
        const checkpoints = checkpointsOf(await readAllEvents(deps.store, id)).map((event) => ({
          checkpoint: event.data.checkpoint,
          seq: event.seq,
          at: event.at,
          step: event.data.step,
          commit: event.data.commit,
          ref: event.data.ref,
        }))
        return c.json({ checkpoints }, 200)
      },
    )
    .openapi(
      createRoute({
        ...post('/api/tasks/{id}/rollback', 'Put the workspace and the conversation back to a checkpoint'),
        request: { params: IdParam, body: jsonBody(CheckpointInput) },
        responses: {
          200: json(RollbackResult, 'rolled back'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => c.json(await rollbackTask(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        ...post('/api/tasks/{id}/fork', 'A new task from a checkpoint, with its own worktree'),
        request: { params: IdParam, body: jsonBody(ForkInput) },
        responses: { 201: json(Task, 'the fork'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => c.json(await forkTask(deps, c.req.valid('param').id, c.req.valid('json')), 201),
    )
    .openapi(
      createRoute({
        ...post('/api/tasks/{id}/commit', "Commit the task's changes on its branch"),
        request: { params: IdParam, body: jsonBody(CommitInput) },
        responses: {
          200: json(CommitResult, 'the commit'),
          400: errors[400],
          404: errors[404],
          409: errors[409],
        },
      }),
      async (c) => c.json(await commitTask(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        ...post('/api/tasks/{id}/merge', "Merge the task's work into its base branch"),
        request: { params: IdParam, body: jsonBody(MergeInput) },
        responses: {
          200: json(MergeResult, 'merged'),
          400: errors[400],
          404: errors[404],
          409: json(
            errors[409].content['application/json'].schema,
            'the merge conflicts (error code merge_conflict, details.files; the task now needs input), or the checkout is not clean',
          ),
        },
      }),
      async (c) => c.json(await mergeTask(deps, c.req.valid('param').id, c.req.valid('json')), 200),
    )
    .openapi(
      createRoute({
        ...post(
          '/api/tasks/{id}/discard',
          "Throw the task's changes away, keeping them under an archive ref",
        ),
        request: { params: IdParam },
        responses: { 200: json(Task, 'the task, cancelled'), 404: errors[404], 409: errors[409] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        // Its preview goes with the workspace.
        await deps.previews.stop(id, 'the workspace was discarded')
        return c.json(await discardTask(deps, id), 200)
      },
    )
    .openapi(
      createRoute({
        ...post('/api/gc', 'Remove the worktrees of tasks finished long enough ago, keeping their work'),
        request: { body: jsonBody(GcInput) },
        responses: {
          200: json(GcReport, 'what was removed, what it freed, where anything went'),
          400: errors[400],
        },
      }),
      async (c) => c.json(await collectGarbage(deps, c.req.valid('json')), 200),
    )
