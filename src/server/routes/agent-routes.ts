import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { RuntimeCapabilities } from '../../runtimes/agent-catalog.ts'
import { findAgents } from '../../runtimes/find-agents.ts'
import { json } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const AgentStatus = z.object({
  name: z.string().describe('what tasks name it by (agent: …)'),
  title: z.string(),
  installed: z.boolean(),
  path: z.string().optional().describe("where it was found: Cadre's agents folder, or the PATH"),
  version: z.string().optional(),
  pinnedVersion: z.string().optional().describe('the version `cadre agents install` installs'),
  capabilities: RuntimeCapabilities,
  needs: z.string(),
})

/** The agents Cadre knows, and which are installed on the server's machine. */
export const agentRoutes = (deps: AppDeps) =>
  new OpenAPIHono({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'get',
      path: '/api/agents',
      tags: ['agents'],
      summary: 'Every agent runtime Cadre knows: installed or not, where, its version, what it can do',
      responses: { 200: json(z.object({ agents: z.array(AgentStatus) }), 'the agents') },
    }),
    async (c) => c.json({ agents: await findAgents(deps.home) }, 200),
  )
