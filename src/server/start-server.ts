import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { getRequestListener } from '@hono/node-server'
import type { Logger } from 'pino'
import { type BrowserSessions, createBrowserSessions } from '../browser/browser-sessions.ts'
import { CadreError } from '../core/errors.ts'
import type { EventBus } from '../events/event-bus.ts'
import { handleGitHttp } from '../git/git-http.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { ProviderRegistry } from '../models/provider-registry.ts'
import { createPreviews } from '../preview/previews.ts'
import type { SandboxBackend } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store } from '../store/store.ts'
import type { WebhookDeliveries } from '../webhooks/webhook-deliveries.ts'
import { createAccessGuard } from './access-guard.ts'
import { createApp } from './create-app.ts'
import { createEventStreamSocket, streamPath } from './event-stream-socket.ts'

export interface ServerOptions {
  host: string
  port: number
  token: string
  allowedHosts: string[]
  store: Store
  bus: EventBus
  log: Logger
  version: string
  providers: ProviderRegistry
  models: ModelClient
  redactor: Redactor
  sandboxes: SandboxBackend
  /** Cadre's home on this machine (where agents are installed). */
  home: string
  box: SecretBox
  webhooks: WebhookDeliveries
  /** Wakes the loop that drives builds: a person acted on one. */
  wakeBuilds(): void
}

export interface RunningServer extends AsyncDisposable {
  /** The base URL, e.g. http://127.0.0.1:7878 */
  readonly url: string
  readonly port: number
  /** Chromium on tasks' previews, for agents' browser tools and features' browser checks. */
  readonly browsers: BrowserSessions
  /** Stops accepting, ends streams and open connections, and resolves once all are closed. */
  close(): Promise<void>
}

const listenError = (error: NodeJS.ErrnoException, host: string, port: number) => {
  const where = `${host}:${port}`
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} on ${host} is already in use (another Cadre?); choose another with CADRE_PORT or --port`,
    EACCES: `not allowed to listen on ${where}; choose a port above 1023 with CADRE_PORT or --port`,
    EADDRNOTAVAIL: `${host} is not an address of this machine; check CADRE_HOST`,
  }
  return new CadreError(
    'unavailable',
    reasons[error.code ?? ''] ?? `cannot listen on ${where}: ${error.message}`,
    {
      cause: error,
    },
  )
}

const urlHost = (host: string) => (host.includes(':') ? `[${host}]` : host)

/** Starts the HTTP server with the WebSocket stream on the same port. */
export const startServer = async (options: ServerOptions): Promise<RunningServer> => {
  // Idle connections are kept well past what clients keep them (undici: 4 s, browsers: longer), so
  // a client never sends a request on a connection the server is closing at that moment (Node's
  // 5 s default raced clients on a busy machine: "other side closed").
  const server = createServer({ keepAliveTimeout: 65_000 })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, options.host, options.port)))
    server.listen(options.port, options.host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const shutdown = new AbortController()
  const previews = createPreviews({
    store: options.store,
    bus: options.bus,
    sandboxes: options.sandboxes,
    redactor: options.redactor,
    onFailure: (error: unknown) => options.log.warn({ err: error }, 'preview failed'),
  })
  const browsers = createBrowserSessions({
    preview: (taskId) => previews.start(taskId),
    previewRunning: (taskId) => previews.get(taskId) !== undefined,
    stopPreview: (taskId) => previews.stop(taskId, 'its browser closed'),
  })
  const deps = {
    store: options.store,
    bus: options.bus,
    log: options.log,
    providers: options.providers,
    models: options.models,
    redactor: options.redactor,
    sandboxes: options.sandboxes,
    home: options.home,
    version: options.version,
    shutdown: shutdown.signal,
    accessToken: options.token,
    box: options.box,
    webhooks: options.webhooks,
    wakeBuilds: options.wakeBuilds,
    previews,
    browsers,
    guard: createAccessGuard({
      token: options.token,
      host: options.host,
      port,
      allowedHosts: options.allowedHosts,
    }),
  }
  const app = createApp(deps)
  const socket = createEventStreamSocket(deps)
  const answerApp = getRequestListener(app.fetch)
  const git = {
    accessToken: options.token,
    async task(taskId: string) {
      const task = await options.store.tasks.get(taskId)
      const project = task && (await options.store.projects.get(task.projectId))
      return project && task.branch ? { taskId, repository: project.path, branch: task.branch } : undefined
    },
  }
  server.on('request', (request, response) => {
    // Git's smart HTTP for workspaces away from this machine (pods), authenticated per task and
    // streamed both ways: outside the JSON API, its size limit and its session checks.
    if ((request.url ?? '').startsWith('/git/')) {
      handleGitHttp(request, response, git).catch((error: Error) => {
        options.log.warn({ err: error }, 'git request failed')
        response.destroy()
      })
    } else void answerApp(request, response)
  })
  server.on('upgrade', (request, connection, head) => {
    // The path only, without parsing: a malformed request line must not throw here.
    if ((request.url ?? '').split('?')[0] === streamPath) {
      socket.handleUpgrade(request, connection, head)
    } else {
      connection.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\n\r\n')
    }
  })

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      shutdown.abort()
      socket.close()
      // Previews end with the server: their dev commands stopped, their ends recorded.
      await browsers.closeAll().catch(() => {})
      const stopped = deps.previews.stopAll('the server stopped').catch((error: unknown) => {
        options.log.warn({ err: error }, 'a preview did not stop cleanly')
      })
      await new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        // Requests still running get a moment to finish; then their connections are cut.
        setTimeout(() => server.closeAllConnections(), 3000).unref()
      })
      await stopped
    })()
    return closing
  }
  return {
    url: `http://${urlHost(options.host)}:${port}`,
    port,
    browsers,
    close,
    [Symbol.asyncDispose]: close,
  }
}
