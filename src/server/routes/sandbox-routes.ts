import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { findSandboxes, SandboxStatus } from '../../sandbox/find-sandboxes.ts'
import { json } from '../api-schemas.ts'
import { validationHook } from '../error-responses.ts'

/** The workspace backends this machine can run (a project's `sandbox.kind`), and why not. */
export const sandboxRoutes = () =>
  new OpenAPIHono({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'get',
      path: '/api/sandboxes',
      tags: ['workspaces'],
      summary: "The workspace backends usable here (a project's sandbox.kind), and why not",
      responses: { 200: json(z.object({ sandboxes: z.array(SandboxStatus) }), 'each backend') },
    }),
    async (c) => c.json({ sandboxes: await findSandboxes() }, 200),
  )
