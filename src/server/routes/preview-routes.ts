import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { notFound } from '../../core/errors.ts'
import { errors, IdParam, json } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['previews']

const PreviewLink = z.object({
  url: z
    .string()
    .describe("opens the preview: its own origin with its token (traded once for that origin's cookie)"),
  origin: z.string().describe("the preview's own origin, never Cadre's"),
})

/** Live previews of what a task's agent builds: the project's dev command, served on an origin of its own. */
export const previewRoutes = (deps: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/tasks/{id}/preview',
        tags,
        summary:
          "Start the task's preview (the project's devCommand in its workspace); answers once it is ready",
        request: { params: IdParam },
        responses: { 200: json(PreviewLink, 'the preview, running'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => c.json(await deps.previews.start(c.req.valid('param').id), 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/tasks/{id}/preview',
        tags,
        summary: "The task's preview, when one runs",
        request: { params: IdParam },
        responses: {
          200: json(z.object({ running: z.boolean() }).merge(PreviewLink.partial()), 'running or not'),
          404: errors[404],
        },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.tasks.get(id))) throw notFound('task', id)
        const preview = deps.previews.get(id)
        return c.json(preview ? { running: true, ...preview } : { running: false }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/api/tasks/{id}/preview',
        tags,
        summary: "Stop the task's preview",
        request: { params: IdParam },
        responses: { 200: json(z.object({ stopped: z.boolean() }), 'false when none ran'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.tasks.get(id))) throw notFound('task', id)
        return c.json({ stopped: await deps.previews.stop(id) }, 200)
      },
    )
