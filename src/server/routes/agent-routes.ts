import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { findAgents } from '../../runtimes/find-agents.ts'
import { json } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const Capabilities = z.object({
  planMode: z.boolean(),
  approvals: z.boolean().describe("asks Cadre before a tool call, so Cadre's approvals apply"),
  images: z.boolean(),
  resume: z.boolean().describe('continues its own session after a follow-up or a restart'),
  mcp: z.boolean(),
})

const AgentStatus = z.object({
  name: z.string().describe('what tasks name it by (agent: …)'),
  title: z.string(),
  installed: z.boolean(),
  path: z.string().optional().describe("where it was found: Cadre's agents folder, or the PATH"),
  version: z.string().optional(),
  pinnedVersion: z.string().optional().describe('the version `cadre agents install` installs'),
  capabilities: Capabilities,
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
