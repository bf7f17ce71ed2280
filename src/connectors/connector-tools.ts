import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { z } from 'zod'
import { defineTool, type Tool } from '../agent/tools/define-tool.ts'
import { CadreError } from '../core/errors.ts'
import type { McpServerSpec } from '../runtimes/agent-runtime.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store, StoredConnector } from '../store/store.ts'
import { version } from '../version.ts'
import { connectorAccessToken, type OAuthDeps, oauthSecrets } from './connector-oauth.ts'

/** How long a connector has to start and list its tools, and a tool call to answer. */
const connectTimeoutMs = 20_000
const callTimeoutMs = 300_000

/** A connector as an agent is given it: its secrets opened, for the process that needs them. */
export const connectorSpec = (connector: StoredConnector, box: SecretBox): McpServerSpec => {
  const open = (sealed: string | null, what: string) =>
    sealed
      ? (JSON.parse(box.open(sealed, `connector ${connector.name}'s ${what}`)) as Record<string, string>)
      : {}
  return connector.transport === 'stdio'
    ? {
        name: connector.name,
        transport: 'stdio',
        command: connector.command ?? '',
        args: connector.args,
        env: open(connector.sealedEnv, 'environment'),
      }
    : {
        name: connector.name,
        transport: 'http',
        url: connector.url ?? '',
        headers: open(connector.sealedHeaders, 'headers'),
      }
}

/**
 * A connector as an agent gets it: an OAuth one with its access token (refreshed when it expires
 * soon), or undefined while it has none.
 */
export const usableSpec = async (
  deps: OAuthDeps,
  connector: StoredConnector,
): Promise<McpServerSpec | undefined> => {
  const spec = connectorSpec(connector, deps.box)
  if (connector.sealedOauth === null || spec.transport !== 'http') return spec
  const token = await connectorAccessToken(deps, connector)
  return token ? { ...spec, headers: { ...spec.headers, authorization: `Bearer ${token}` } } : undefined
}

/** The connectors a project's agents get (its own and the global ones), ready to give them. */
export const projectConnectors = async (
  deps: OAuthDeps,
  projectId: string,
  onLeftOut: (why: string) => void = () => {},
): Promise<McpServerSpec[]> => {
  const specs: McpServerSpec[] = []
  for (const connector of await deps.store.connectors.forProject(projectId)) {
    const spec = await usableSpec(deps, connector)
    if (spec) specs.push(spec)
    else
      onLeftOut(
        `connector ${connector.name} is not authorized (POST /api/connectors/${connector.id}/authorize)`,
      )
  }
  return specs
}

/** What a connector is started with: its command's own environment, with nothing of Cadre's but PATH and HOME. */
const stdioEnvironment = (env: Readonly<Record<string, string>> = {}) => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: process.env.HOME ?? '/',
  LANG: process.env.LANG ?? 'C.UTF-8',
  ...env,
})

const withTimeout = <T>(work: Promise<T>, ms: number, what: string): Promise<T> =>
  Promise.race([
    work,
    new Promise<never>((_, reject) =>
      setTimeout(
        () => reject(new CadreError('unavailable', `${what} did not answer in ${ms / 1000} s`)),
        ms,
      ).unref(),
    ),
  ])

/** One connector, connected: its client and the tools it lists. */
export const connectServer = async (spec: McpServerSpec) => {
  const client = new Client({ name: 'cadre', version })
  const transport =
    spec.transport === 'stdio'
      ? new StdioClientTransport({
          command: spec.command,
          args: [...(spec.args ?? [])],
          env: stdioEnvironment(spec.env),
          stderr: 'pipe',
        })
      : new StreamableHTTPClientTransport(new URL(spec.url), {
          requestInit: { headers: { ...spec.headers } },
        })
  try {
    await withTimeout(client.connect(transport), connectTimeoutMs, `the MCP server ${spec.name}`)
    const { tools } = await withTimeout(client.listTools(), connectTimeoutMs, `the MCP server ${spec.name}`)
    return { client, tools }
  } catch (error) {
    await client.close().catch(() => {})
    throw new CadreError(
      'unavailable',
      `the MCP server ${spec.name} could not be used: ${(error as Error).message}`,
      {
        cause: error,
      },
    )
  }
}

/** A tool's name as the model sees it: the server's name, two underscores, the tool's (at most 64 characters). */
export const connectorToolName = (server: string, tool: string) =>
  `${server.replaceAll('-', '_')}__${tool}`.replace(/[^A-Za-z0-9_-]/g, '_').slice(0, 64)

/**
 * The tools of a run's connectors, for the built-in agent: each connector started (or reached)
 * and its tools offered to the model as `<connector>__<tool>`, under the same policy as the agent's
 * own tools. A connector that cannot be used is left out, and said so (`failed`). Disposing closes
 * them all.
 */
export const connectConnectorTools = async (specs: readonly McpServerSpec[]) => {
  const clients: Client[] = []
  const tools: Tool[] = []
  const failed: string[] = []
  for (const spec of specs) {
    try {
      const connected = await connectServer(spec)
      clients.push(connected.client)
      for (const listed of connected.tools) {
        tools.push(
          defineTool({
            name: connectorToolName(spec.name, listed.name),
            description: `${listed.description ?? listed.name} (from the ${spec.name} connector)`,
            input: z.record(z.string(), z.unknown()),
            jsonSchema: listed.inputSchema,
            readOnly: listed.annotations?.readOnlyHint === true,
            kind: 'mcp',
            async run(input, context) {
              const result = (await connected.client.callTool(
                { name: listed.name, arguments: input },
                undefined,
                {
                  signal: context.signal,
                  timeout: callTimeoutMs,
                },
              )) as { isError?: boolean; content?: { type: string; text?: string }[] }
              const text = (result.content ?? [])
                .map((part) => (part.type === 'text' ? part.text : `[${part.type}]`))
                .join('\n')
              if (result.isError) throw new CadreError('bad_request', text || `${listed.name} failed`)
              return text
            },
          }) as Tool,
        )
      }
    } catch (error) {
      failed.push((error as Error).message)
    }
  }
  return {
    tools,
    failed,
    async [Symbol.asyncDispose]() {
      await Promise.all(clients.map((client) => client.close().catch(() => {})))
    },
  }
}

/** Every connector's secret values (environment and headers), for the redactor at start-up. */
export const connectorSecrets = async (store: Store, box: SecretBox): Promise<string[]> =>
  (await store.connectors.list()).flatMap((connector) => {
    const spec = connectorSpec(connector, box)
    return [
      ...Object.values(spec.transport === 'stdio' ? (spec.env ?? {}) : (spec.headers ?? {})),
      ...oauthSecrets({ box }, connector),
    ]
  })
