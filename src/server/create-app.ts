import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js'
import { WebStandardStreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/webStandardStreamableHttp.js'
import { bodyLimit } from 'hono/body-limit'
import { getCookie } from 'hono/cookie'
import { z } from 'zod'
import { buildToolsTokenValid, createBuildTaskMcpServer } from '../builds/build-task-tools.ts'
import { CadreError } from '../core/errors.ts'
import { createCadreMcpServer, httpCadreCall } from '../mcp/cadre-mcp-server.ts'
import { storageFailure } from '../store/storage-failure.ts'
import { sessionCookieName } from './access-guard.ts'
import { json } from './api-schemas.ts'
import type { AppDeps } from './app-deps.ts'
import { errorJson, toErrorResponse, validationHook } from './error-responses.ts'
import { streamPath } from './event-stream-socket.ts'
import { guardRequests } from './guard-requests.ts'
import { redactResponses } from './redact-responses.ts'
import { agentRoutes } from './routes/agent-routes.ts'
import { buildRoutes } from './routes/build-routes.ts'
import { connectorRoutes } from './routes/connector-routes.ts'
import { eventRoutes } from './routes/event-routes.ts'
import { featureRoutes } from './routes/feature-routes.ts'
import { modelRoutes } from './routes/model-routes.ts'
import { previewRoutes } from './routes/preview-routes.ts'
import { projectRoutes } from './routes/project-routes.ts'
import { providerRoutes } from './routes/provider-routes.ts'
import { sandboxRoutes } from './routes/sandbox-routes.ts'
import { settingsRoutes } from './routes/settings-routes.ts'
import { taskRoutes } from './routes/task-routes.ts'
import { webhookRoutes } from './routes/webhook-routes.ts'
import { workspaceRoutes } from './routes/workspace-routes.ts'
import { StreamMessage, StreamRequest } from './stream-protocol.ts'
import { mcpPath, webUi } from './web-ui.ts'

const openApiPath = '/api/openapi.json'

/**
 * One MCP request answered statelessly by a server made for it. Only POSTs: without a session
 * nothing is ever sent on the event stream a GET would open, which would stay open for good.
 */
const answerMcp = async (makeServer: () => McpServer | Promise<McpServer>, request: Request) => {
  if (request.method !== 'POST') {
    return Response.json(
      {
        jsonrpc: '2.0',
        error: {
          code: -32000,
          message: 'method not allowed: this MCP endpoint is stateless; POST each request',
        },
        id: null,
      },
      { status: 405, headers: { allow: 'POST' } },
    )
  }
  const server = await makeServer()
  const transport = new WebStandardStreamableHTTPServerTransport({
    sessionIdGenerator: undefined,
    enableJsonResponse: true,
  })
  await server.connect(transport)
  return transport.handleRequest(request)
}
const maxBodyBytes = 1024 * 1024

/** The HTTP app: every route validated by zod and documented in the OpenAPI document it serves. */
export const createApp = (deps: AppDeps) => {
  const app = new OpenAPIHono({ defaultHook: validationHook })
  app.onError((error, c) => toErrorResponse(error, c, deps.log))
  app.notFound((c) => errorJson(c, new CadreError('not_found', `no route ${c.req.method} ${c.req.path}`)))
  app.use(async (c, next) => {
    const started = performance.now()
    await next()
    // The path only: a query string may carry the sign-in token.
    deps.log.debug(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round(performance.now() - started),
      },
      'request',
    )
  })
  app.use(guardRequests(deps.guard))
  app.use(webUi(deps.webDist))
  app.use(redactResponses(deps.redactor))
  app.use(
    bodyLimit({
      maxSize: maxBodyBytes,
      onError: () => {
        throw new CadreError('payload_too_large', `the request body is larger than ${maxBodyBytes} bytes`)
      },
    }),
  )

  const routes = app
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/health',
        tags: ['server'],
        summary: 'Liveness; needs no token',
        security: [],
        responses: { 200: json(z.object({ ok: z.literal(true), version: z.string() }), 'the server is up') },
      }),
      (c) => c.json({ ok: true as const, version: deps.version }, 200),
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/ready',
        tags: ['server'],
        summary:
          'Readiness (for a load balancer or a Kubernetes probe): the database answers; needs no token',
        security: [],
        responses: {
          200: json(z.object({ ready: z.literal(true) }), 'ready to serve'),
          503: json(
            z.object({
              ready: z.literal(false),
              storage: z.string().describe('what is wrong: unreachable, disk_full, read_only, io_error'),
            }),
            "the database cannot be used (the details are in the server's log, not given without a token)",
          ),
        },
      }),
      async (c) => {
        try {
          await deps.store.settings.get()
          return c.json({ ready: true as const }, 200)
        } catch (error) {
          const storage = storageFailure(error)
          if (!storage) throw error
          deps.log.error({ err: error }, storage.message)
          const { storage: kind } = storage.details as { storage: string }
          return c.json({ ready: false as const, storage: kind }, 503)
        }
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/session',
        tags: ['server'],
        summary: 'Whether this browser is signed in (its session cookie, or a token); needs no token',
        security: [],
        responses: { 200: json(z.object({ signedIn: z.boolean() }), 'signed in or not') },
      }),
      (c) =>
        c.json(
          {
            signedIn:
              deps.guard.sessionValid(getCookie(c, sessionCookieName)) ||
              deps.guard.tokenValid(c.req.header('authorization')?.match(/^Bearer (.+)$/i)?.[1]),
          },
          200,
        ),
    )
    .route('/', projectRoutes(deps))
    .route('/', taskRoutes(deps))
    .route('/', workspaceRoutes(deps))
    .route('/', previewRoutes(deps))
    .route('/', webhookRoutes(deps))
    .route('/', featureRoutes(deps))
    .route('/', buildRoutes(deps))
    .route('/', connectorRoutes(deps))
    .route('/', agentRoutes(deps))
    .route('/', sandboxRoutes())
    .route('/', eventRoutes(deps))
    .route('/', settingsRoutes(deps))
    .route('/', providerRoutes(deps))
    .route('/', modelRoutes(deps))

  // Cadre as an MCP server over Streamable HTTP, stateless: each request its own server, whose tools
  // call this API back with the client's own token.
  app.all(mcpPath, async (c) => {
    const token = c.req.header('authorization')?.match(/^Bearer (.+)$/i)?.[1]
    return answerMcp(() => createCadreMcpServer(httpCadreCall(new URL(c.req.url).origin, token)), c.req.raw)
  })
  // A build task's feature tools, bound to that task and opened by its own token only.
  app.all(`${mcpPath}/tasks/:taskId`, async (c) => {
    const taskId = c.req.param('taskId')
    const token = c.req.header('authorization')?.match(/^Bearer (.+)$/i)?.[1]
    if (!buildToolsTokenValid(deps.accessToken, taskId, token)) {
      throw new CadreError('unauthorized', `this request needs task ${taskId}'s own tool token`)
    }
    return answerMcp(() => createBuildTaskMcpServer(deps, taskId), c.req.raw)
  })
  // Upgrades are taken by the Node server before Hono; a plain request gets told what to do instead.
  app.get(streamPath, () => {
    throw new CadreError(
      'upgrade_required',
      `${streamPath} is a WebSocket endpoint: connect with a WebSocket client`,
    )
  })
  app.openAPIRegistry.registerComponent('securitySchemes', 'token', { type: 'http', scheme: 'bearer' })
  app.openAPIRegistry.registerComponent('securitySchemes', 'session', {
    type: 'apiKey',
    in: 'cookie',
    name: 'cadre_session',
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: '/',
    tags: ['server'],
    summary: 'The web UI (every path outside /api); `?token=` signs in and redirects without it',
    security: [],
    responses: {
      200: { description: 'the UI', content: { 'text/html': { schema: z.string() } } },
      503: { description: 'the UI is not built (npm run build:web)' },
    },
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: openApiPath,
    tags: ['server'],
    summary: 'This OpenAPI document',
    responses: {
      200: {
        description: 'the OpenAPI 3.1 document',
        content: { 'application/json': { schema: z.object({}) } },
      },
    },
  })
  app.openAPIRegistry.registerPath({
    method: 'get',
    path: streamPath,
    tags: ['events'],
    summary: 'WebSocket event stream: subscribe to tasks or projects, replay from a seq, then live',
    description:
      'Upgrade to WebSocket. Send StreamRequest messages; receive StreamMessage messages. Per task, every ' +
      'event after the cursor arrives exactly once and in seq order; resume after a drop with the last seq held.',
    responses: {
      101: { description: 'switching to WebSocket' },
      200: {
        description: 'the messages exchanged once upgraded',
        content: {
          'application/json': { schema: z.object({ send: StreamRequest, receive: StreamMessage }) },
        },
      },
      401: { description: 'missing or wrong access token' },
      426: { description: 'a plain HTTP request: this endpoint needs a WebSocket upgrade' },
    },
  })
  app.doc31(openApiPath, openApiConfig(deps.version))
  return routes
}

const openApiConfig = (version: string): Parameters<OpenAPIHono['getOpenAPI31Document']>[0] => ({
  openapi: '3.1.0',
  info: {
    title: 'Cadre API',
    version,
    description: 'The HTTP API of Cadre, a self-hosted control plane for coding agents.',
  },
  security: [{ token: [] }, { session: [] }],
})

/** The OpenAPI document the server serves, built without starting one (for docs and tests). */
export const openApiDocument = (version: string) => {
  const app = createApp({ version } as AppDeps) as unknown as OpenAPIHono
  return app.getOpenAPI31Document(openApiConfig(version))
}

export type CadreApp = ReturnType<typeof createApp>
