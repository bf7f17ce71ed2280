import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import { type Feature, featureStats } from '../core/features.ts'
import { FeatureInput } from '../features/features.ts'
import { version } from '../version.ts'

/** Calls Cadre's HTTP API as the MCP client's user: the JSON answer, or an Error with the API's message. */
export type CadreCall = (method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown) => Promise<unknown>

/** Cadre's API at a URL, with a token: what both the stdio and the HTTP servers call through. */
export const httpCadreCall =
  (url: string, token: string | undefined): CadreCall =>
  async (method, path, body) => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: {
        ...(token && { authorization: `Bearer ${token}` }),
        ...(body !== undefined && { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    }).catch((error: Error) => {
      throw new Error(`no Cadre server answers at ${url}: ${error.message}`)
    })
    const answer = (await response.json().catch(() => undefined)) as
      | { error?: { message?: string } }
      | undefined
    if (!response.ok) throw new Error(answer?.error?.message ?? `${response.status} ${response.statusText}`)
    return answer
  }

const id = z.string().min(1)

/** A tool's answer: JSON text, or the API's refusal as a tool error the model can read and act on. */
const answer = async (work: () => Promise<unknown>) => {
  try {
    return { content: [{ type: 'text' as const, text: JSON.stringify(await work(), null, 2) }] }
  } catch (error) {
    return { isError: true, content: [{ type: 'text' as const, text: (error as Error).message }] }
  }
}

const settled = new Set(['passing', 'skipped'])

/**
 * Cadre as an MCP server: tools any MCP client (Claude Desktop, an IDE, another agent) uses to drive
 * Cadre — projects, tasks, follow-ups, approvals — and the feature tools agents of an autonomous
 * build work with. Every tool goes through Cadre's own API with the client's token, so the same
 * checks hold; `feature_mark_passing` is accepted only when Cadre's own verification passes.
 */
export const createCadreMcpServer = (call: CadreCall): McpServer => {
  const server = new McpServer({ name: 'cadre', version })
  const features = async (projectId: string) =>
    ((await call('GET', `/api/projects/${projectId}/features`)) as { features: Feature[] }).features

  server.registerTool(
    'list_projects',
    { description: "Cadre's projects (git repositories): id, name, path, settings" },
    () => answer(async () => ((await call('GET', '/api/projects')) as { projects: unknown[] }).projects),
  )
  server.registerTool(
    'create_task',
    {
      description: "Hand a task to an agent in one of Cadre's projects; it starts at once",
      inputSchema: {
        projectId: id,
        prompt: z.string().min(1),
        agent: z.string().optional().describe('builtin, claude-code, codex, gemini or opencode'),
        model: z.string().optional(),
      },
    },
    (input) => answer(() => call('POST', '/api/tasks', input)),
  )
  server.registerTool(
    'get_task',
    {
      description: "A task's status, usage and its last events",
      inputSchema: { taskId: id, events: z.number().int().min(0).max(200).default(20) },
    },
    ({ taskId, events }) =>
      answer(async () => {
        const task = await call('GET', `/api/tasks/${taskId}`)
        const all = ((await call('GET', `/api/tasks/${taskId}/events`)) as { events: unknown[] }).events
        return { task, events: events === 0 ? [] : all.slice(-events) }
      }),
  )
  server.registerTool(
    'send_message',
    {
      description: "Send a follow-up to a task's agent (a settled task starts again)",
      inputSchema: { taskId: id, text: z.string().min(1) },
    },
    ({ taskId, text }) => answer(() => call('POST', `/api/tasks/${taskId}/messages`, { text })),
  )
  server.registerTool(
    'decide_approval',
    {
      description: 'Allow or deny a tool call (or a plan) a task waits on',
      inputSchema: {
        taskId: id,
        approvalId: id,
        decision: z.enum(['allow', 'deny']),
        message: z.string().optional().describe('for a denial: what the agent should do instead'),
      },
    },
    ({ taskId, approvalId, ...decision }) =>
      answer(() => call('POST', `/api/tasks/${taskId}/approvals/${approvalId}`, decision)),
  )

  server.registerTool(
    'feature_get_stats',
    {
      description: "How far a project's feature list is: counts by status and the share passing",
      inputSchema: { projectId: id },
    },
    ({ projectId }) => answer(async () => featureStats(await features(projectId))),
  )
  server.registerTool(
    'feature_get_next',
    {
      description:
        'The next feature to work on: the first pending or failing one whose dependencies all pass',
      inputSchema: { projectId: id },
    },
    ({ projectId }) =>
      answer(async () => {
        const list = await features(projectId)
        const byId = new Map(list.map((feature) => [feature.id, feature]))
        const next = list.find(
          (feature) =>
            (feature.status === 'pending' || feature.status === 'failing') &&
            feature.dependsOn.every((dependency) => settled.has(byId.get(dependency)?.status ?? '')),
        )
        return (
          next ?? { done: true, message: 'no feature is ready: all pass, or wait for others or for a person' }
        )
      }),
  )
  server.registerTool(
    'feature_get_for_regression',
    {
      description: 'Passing features to check again (chosen at random), so that new work breaks none',
      inputSchema: { projectId: id, limit: z.number().int().min(1).max(20).default(3) },
    },
    ({ projectId, limit }) =>
      answer(async () => {
        const passing = (await features(projectId)).filter((feature) => feature.status === 'passing')
        return passing.sort(() => Math.random() - 0.5).slice(0, limit)
      }),
  )
  server.registerTool(
    'feature_mark_passing',
    {
      description:
        "Report a feature done: Cadre runs the project's check command and the feature's command steps in the task's workspace; it is marked passing only if they pass, else their output comes back",
      inputSchema: { featureId: id, taskId: id.optional().describe('the task whose workspace has the work') },
    },
    ({ featureId, taskId }) =>
      answer(async () => {
        const result = (await call('POST', `/api/features/${featureId}/pass`, { taskId })) as {
          passed: boolean
          command?: string
          output?: string
        }
        if (!result.passed) throw new Error(`not passing: ${result.command} failed:\n${result.output ?? ''}`)
        return result
      }),
  )
  server.registerTool(
    'feature_mark_failing',
    {
      description: 'Report a feature failing, with why',
      inputSchema: { featureId: id, reason: z.string().min(1) },
    },
    ({ featureId, reason }) =>
      answer(() => call('PATCH', `/api/features/${featureId}`, { status: 'failing', note: reason })),
  )
  server.registerTool(
    'feature_skip',
    { description: 'Skip a feature: nobody works on it', inputSchema: { featureId: id } },
    ({ featureId }) => answer(() => call('POST', `/api/features/${featureId}/skip`)),
  )
  server.registerTool(
    'feature_create_bulk',
    {
      description:
        "Add features to a project's list, in order; dependencies by name (within the batch) or id",
      inputSchema: { projectId: id, features: z.array(FeatureInput).min(1).max(500) },
    },
    ({ projectId, features: list }) =>
      answer(() => call('POST', `/api/projects/${projectId}/features`, { features: list })),
  )
  server.registerTool(
    'feature_request_human_input',
    {
      description: 'Ask a person a question about a feature (with options); it waits for them, others go on',
      inputSchema: {
        featureId: id,
        question: z.string().min(1),
        options: z.array(z.string().min(1)).max(10).optional(),
      },
    },
    ({ featureId, question, options }) =>
      answer(() =>
        call('PATCH', `/api/features/${featureId}`, {
          status: 'needs_human',
          note: options?.length ? `${question}\nOptions: ${options.join(' | ')}` : question,
        }),
      ),
  )
  return server
}
