import { createHmac, timingSafeEqual } from 'node:crypto'
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { z } from 'zod'
import type { BrowserSessions } from '../browser/browser-sessions.ts'
import { CadreError } from '../core/errors.ts'
import { type Feature, featureStats } from '../core/features.ts'
import {
  createFeatures,
  type FeatureDeps,
  FeatureInput,
  nothingVerifies,
  setFeature,
} from '../features/features.ts'
import { verifyFeature } from '../features/verify-feature.ts'
import type { McpServerSpec } from '../runtimes/agent-runtime.ts'
import { version } from '../version.ts'
import { openTaskWorkspace, type WorkspaceDeps } from '../workspaces/open-task-workspace.ts'
import { registerBrowserTools } from './browser-tools.ts'

/** Where a build's task reaches its feature tools on Cadre's server. */
export const buildToolsPath = (taskId: string) => `/mcp/tasks/${taskId}`
export const buildToolsPattern = /^\/mcp\/tasks\/([a-z0-9_]+)$/

/**
 * The task's own token for its feature tools: derived from the access token (nothing stored; every
 * one dies with it), and good for nothing but this task's tools. Its `cadre_bt_` prefix is a shape
 * the redactor knows, so no token needs telling it.
 */
export const buildToolsToken = (accessToken: string, taskId: string): string =>
  `cadre_bt_${createHmac('sha256', accessToken).update(`cadre-build-tools-v1:${taskId}`).digest('base64url')}`

export const buildToolsTokenValid = (accessToken: string, taskId: string, given: string | undefined) => {
  const expected = Buffer.from(buildToolsToken(accessToken, taskId))
  const actual = Buffer.from(given ?? '')
  return expected.length === actual.length && timingSafeEqual(expected, actual)
}

/** The feature tools as an MCP server a build's agent is given, whatever the agent. */
export const buildToolsServer = (cadreUrl: string, accessToken: string, taskId: string): McpServerSpec => ({
  name: 'cadre',
  transport: 'http',
  url: `${cadreUrl}${buildToolsPath(taskId)}`,
  headers: { authorization: `Bearer ${buildToolsToken(accessToken, taskId)}` },
})

/** A tool's answer: JSON or text, or a refusal as a tool error the model can read and act on. */
const answer = async (work: () => Promise<unknown>) => {
  try {
    const value = await work()
    const text = typeof value === 'string' ? value : JSON.stringify(value, null, 2)
    return { content: [{ type: 'text' as const, text }] }
  } catch (error) {
    return { isError: true, content: [{ type: 'text' as const, text: (error as Error).message }] }
  }
}

/**
 * The tools an agent of a build works with, bound to its task: nothing reaches another project,
 * and a feature is the task's own only when the build gave it that feature. Marking a feature
 * passing runs Cadre's checks in the task's workspace and answers with their result; the feature
 * changes only when the build, once the agent's turn ends, verifies again and merges the work.
 */
export const createBuildTaskMcpServer = async (
  deps: FeatureDeps & WorkspaceDeps & { browsers?: BrowserSessions },
  taskId: string,
): Promise<McpServer> => {
  const task = await deps.store.tasks.get(taskId)
  if (!task?.buildId) throw new CadreError('not_found', `task ${taskId} works for no build`)
  const { projectId } = task
  const server = new McpServer({ name: 'cadre', version })
  /** The feature the build gave this task: the one named, or by default its only one. */
  const ownFeature = async (featureId: string | undefined): Promise<Feature> => {
    const features = await deps.store.features.list(projectId)
    const own = features.find((feature) => feature.lastTaskId === taskId)
    if (!own) throw new CadreError('bad_request', 'this task works on no feature of the list')
    if (featureId !== undefined && featureId !== own.id && featureId !== own.name) {
      throw new CadreError(
        'bad_request',
        `this task works on feature ${own.id} ("${own.name}"), not ${featureId}`,
      )
    }
    return own
  }
  const featureId = z
    .string()
    .min(1)
    .optional()
    .describe("the feature's id (by default the one this task works on)")

  server.registerTool(
    'feature_get_stats',
    { description: "How far the project's feature list is: counts by status and the share passing" },
    () => answer(async () => featureStats(await deps.store.features.list(projectId))),
  )
  server.registerTool(
    'feature_list',
    { description: "The project's features in order: each one's id, name, status and dependencies" },
    () =>
      answer(async () =>
        (await deps.store.features.list(projectId)).map(({ id, name, category, status, dependsOn }) => ({
          id,
          name,
          category,
          status,
          dependsOn,
        })),
      ),
  )
  server.registerTool(
    'feature_create_bulk',
    {
      description:
        "Add features to the project's list, in the order to build them; dependencies by name (within the batch) or id. Each feature's steps say how to verify it; a step written `$ <command>` is run by Cadre and must exit 0",
      inputSchema: { features: z.array(FeatureInput).min(1).max(500) },
    },
    ({ features }) =>
      answer(async () => {
        const created = await createFeatures(deps, projectId, features)
        return `${created.length} features added: ${created.map((f) => f.name).join(', ')}`
      }),
  )
  server.registerTool(
    'feature_mark_passing',
    {
      description:
        "Say the feature is done: Cadre runs the project's check command and the feature's `$` steps in this task's workspace now. If they pass, end your turn: Cadre verifies once more and merges the work. If not, their output comes back: fix it and try again",
      inputSchema: { featureId },
    },
    ({ featureId }) =>
      answer(async () => {
        const feature = await ownFeature(featureId)
        await using opened = await openTaskWorkspace(deps, taskId)
        const verification = await verifyFeature(deps, opened.workspace, opened.project, feature, taskId)
        if (verification === 'nothing') throw nothingVerifies(feature)
        if (!verification.passed) {
          throw new Error(
            `not passing: ${verification.why}${verification.output ? `:\n${verification.output}` : ''}`,
          )
        }
        return "Cadre's checks pass: end your turn, and Cadre merges the work."
      }),
  )
  server.registerTool(
    'feature_request_human_input',
    {
      description:
        'Ask a person a question about the feature (with options to choose from). Then end your turn: the build goes on with other features, and the answer comes to you as a message',
      inputSchema: {
        featureId,
        question: z.string().min(1).max(5000),
        options: z.array(z.string().min(1).max(500)).max(10).optional(),
      },
    },
    ({ featureId, question, options }) =>
      answer(async () => {
        const feature = await ownFeature(featureId)
        await setFeature(deps, feature.id, {
          status: 'needs_human',
          note: options?.length ? `${question}\nOptions: ${options.join(' | ')}` : question,
        })
        return 'Asked. End your turn now: the answer comes to you as a message.'
      }),
  )
  if (deps.browsers) registerBrowserTools(server, deps.browsers, taskId)
  return server
}
