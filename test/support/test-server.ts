import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { type Logger, pino } from 'pino'
import { startBuildLoop } from '../../src/builds/start-build-loop.ts'
import { createEventBus } from '../../src/events/create-event-bus.ts'
import type { EventBus } from '../../src/events/event-bus.ts'
import { createModelLayer } from '../../src/models/create-model-layer.ts'
import type { ModelClient } from '../../src/models/model-client.ts'
import type { ProviderRegistry } from '../../src/models/provider-registry.ts'
import { findBubblewrap } from '../../src/sandbox/bubblewrap.ts'
import { createWorktreeSandboxes } from '../../src/sandbox/worktree-sandboxes.ts'
import { redactingStore } from '../../src/secrets/redacting-store.ts'
import { createRedactor, type Redactor } from '../../src/secrets/redactor.ts'
import { createSecretBox } from '../../src/secrets/secret-box.ts'
import { type RunningServer, startServer } from '../../src/server/start-server.ts'
import type { Store, StoreEngine } from '../../src/store/store.ts'
import { createWebhookDeliveries } from '../../src/webhooks/webhook-deliveries.ts'
import { createGitRepo } from './git-repo.ts'
import { createTestDatabase, type TestDatabase } from './test-stores.ts'

/** A Response whose JSON body tests read without declaring its shape. */
// biome-ignore lint/suspicious/noExplicitAny: test assertions check the shape at run time
export type TestResponse = Omit<Response, 'json'> & { json(): Promise<any> }

export interface TestServer extends AsyncDisposable {
  readonly url: string
  readonly token: string
  readonly store: Store
  readonly bus: EventBus
  readonly providers: ProviderRegistry
  readonly models: ModelClient
  readonly redactor: Redactor
  readonly database: TestDatabase
  readonly server: RunningServer
  /** fetch against the server with the token, JSON body when `json` is given. */
  api(path: string, init?: RequestInit & { json?: unknown }): Promise<TestResponse>
  /** Registers a new git repository as a project through the API; returns the project's id. */
  addProject(): Promise<string>
  /** Publishes a live-only text delta for the task, as a running agent would. */
  publishDelta(taskId: string, text: string): Promise<void>
}

export interface TestServerOptions {
  /** The environment providers read keys and base URLs from (none by default: tests stay hermetic). */
  env?: NodeJS.ProcessEnv
  /** The logger the server writes through. */
  log?: Logger
}

/**
 * A real Cadre HTTP server on a free port over a fresh database of the engine, wired as the
 * composition root wires it: a redacting store, sealed provider keys, the model client.
 */
export const startTestServer = async (
  engine: StoreEngine = 'sqlite',
  { env = {}, log }: TestServerOptions = {},
): Promise<TestServer> => {
  const database = await createTestDatabase(engine)
  const token = 'test-token-0123456789abcdef'
  const redactor = createRedactor([token])
  const store = redactingStore(await database.connect(), redactor)
  const box = createSecretBox(randomBytes(32))
  const logger = log ?? pino({ level: process.env.CADRE_TEST_LOG_LEVEL ?? 'silent' })
  // Webhook deliveries as the server makes them: enqueued from the bus, sent by their loop.
  const webhooks = createWebhookDeliveries({ store, box, log: logger, retryMs: 200 })
  const bus = webhooks.watch(createEventBus(redactor))
  const stopWebhooks = webhooks.start()
  const { providers, models } = createModelLayer({ store, box, redactor, env })
  const home = mkdtempSync(join(tmpdir(), 'cadre-test-home-'))
  const sandboxes = createWorktreeSandboxes({
    home,
    root: join(home, 'worktrees'),
    bubblewrap: await findBubblewrap(),
  })
  let wakeBuilds = () => {}
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token,
    allowedHosts: [],
    store,
    bus,
    sandboxes,
    home,
    log: logger,
    version: '0.0.0-test',
    providers,
    models,
    redactor,
    box,
    webhooks,
    wakeBuilds: () => wakeBuilds(),
  })
  const builds = startBuildLoop(
    { store, bus, models, sandboxes, log: logger, browsers: server.browsers },
    { driver: 'test-server' },
  )
  wakeBuilds = () => builds.wake()
  const api = (path: string, init: RequestInit & { json?: unknown } = {}): Promise<TestResponse> => {
    const { json, ...rest } = init
    const headers = new Headers(rest.headers)
    if (!headers.has('authorization')) headers.set('authorization', `Bearer ${token}`)
    if (json !== undefined) headers.set('content-type', 'application/json')
    return fetch(`${server.url}${path}`, {
      ...rest,
      headers,
      body: json === undefined ? rest.body : JSON.stringify(json),
    })
  }
  const addProject = async () =>
    (await (await api('/api/projects', { method: 'POST', json: { path: createGitRepo() } })).json())
      .id as string
  const publishDelta = async (taskId: string, text: string) => {
    const task = await store.tasks.get(taskId)
    if (!task) throw new Error(`no task ${taskId}`)
    const at = new Date().toISOString()
    bus.publish({
      type: 'assistant.delta',
      taskId,
      projectId: task.projectId,
      at,
      data: { threadId: 't', blockId: 'b', text },
    })
  }
  return {
    url: server.url,
    token,
    store,
    bus,
    providers,
    models,
    redactor,
    database,
    server,
    api,
    addProject,
    publishDelta,
    async [Symbol.asyncDispose]() {
      stopWebhooks()
      builds.stop()
      await server.close()
      await database[Symbol.asyncDispose]()
    },
  }
}
