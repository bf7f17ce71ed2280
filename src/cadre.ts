import { existsSync, mkdirSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import { buildToolsServer } from './builds/build-task-tools.ts'
import { startBuildLoop, watchTaskChanges } from './builds/start-build-loop.ts'
import type { Config } from './config.ts'
import { connectorSecrets } from './connectors/connector-tools.ts'
import { CadreError } from './core/errors.ts'
import { newId } from './core/ids.ts'
import { createEventBus } from './events/create-event-bus.ts'
import type { EventBus } from './events/event-bus.ts'
import { createModelLayer } from './models/create-model-layer.ts'
import type { ModelClient } from './models/model-client.ts'
import type { ProviderRegistry } from './models/provider-registry.ts'
import { agentsDir } from './runtimes/find-agents.ts'
import { loadRuntimes } from './runtimes/load-runtimes.ts'
import { findBubblewrap } from './sandbox/bubblewrap.ts'
import {
  createDockerSandboxes,
  dispatchSandboxes,
  removeOrphanContainers,
} from './sandbox/docker-sandboxes.ts'
import { hiddenFromAgents } from './sandbox/hidden-from-agents.ts'
import { connectKubernetes, type KubeApi } from './sandbox/kubernetes/kube-api.ts'
import { createKubernetesSandboxes, removeOrphanPods } from './sandbox/kubernetes/kubernetes-sandboxes.ts'
import { removeUnusedProjectImages } from './sandbox/project-image.ts'
import { createWorktreeSandboxes, worktreeRoot } from './sandbox/worktree-sandboxes.ts'
import { startScheduler } from './scheduler/start-scheduler.ts'
import { watchQueue } from './scheduler/watch-queue.ts'
import { takeWorkerIdentity } from './scheduler/worker-identity.ts'
import { loadMasterKey } from './secrets/master-key.ts'
import { redactingStore } from './secrets/redacting-store.ts'
import type { Redactor } from './secrets/redactor.ts'
import { createSecretBox } from './secrets/secret-box.ts'
import { loadOrCreateToken } from './server/access-token.ts'
import { removeServerInfo, writeServerInfo } from './server/server-file.ts'
import { type RunningServer, startServer } from './server/start-server.ts'
import { openStore } from './store/open-store.ts'
import type { Store } from './store/store.ts'
import { version } from './version.ts'
import { createWebhookDeliveries } from './webhooks/webhook-deliveries.ts'
import { collectGarbage } from './workspaces/collect-garbage.ts'

export interface Cadre extends AsyncDisposable {
  readonly server: RunningServer
  readonly store: Store
  readonly bus: EventBus
  readonly providers: ProviderRegistry
  readonly models: ModelClient
  readonly token: string
  /** Stops the server, then closes the store: nothing accepted is left unwritten. */
  close(): Promise<void>
}

/** CADRE_HOME holds the token and the database: readable by its owner only. */
const prepareHome = (home: string) => {
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 })
  } catch (error) {
    throw new CadreError('unavailable', `cannot use CADRE_HOME ${home}: ${(error as Error).message}`, {
      cause: error,
    })
  }
}

/**
 * The composition root: wires the store, the event bus, secrets, models and the server from the
 * configuration. The redactor is the one the logger writes through; it learns every secret here.
 */
export const startCadre = async (
  config: Config,
  { log, redactor, env = process.env }: { log: Logger; redactor: Redactor; env?: NodeJS.ProcessEnv },
): Promise<Cadre> => {
  prepareHome(config.home)
  const token = loadOrCreateToken(config.home, config.token)
  redactor.add(token)
  const box = createSecretBox(loadMasterKey(config.home, env).key)
  const store = redactingStore(
    await openStore({ databaseUrl: config.databaseUrl, home: config.home }),
    redactor,
  )
  // Queued tasks wake the scheduler (created below) at once; its poll is only the fallback.
  let wakeScheduler = () => {}
  // Events webhooks ask for become deliveries as they are published; their loop sends them.
  const webhooks = createWebhookDeliveries({ store, box, log })
  // A task's change wakes the builds' loop (created below): a build's agent may have ended.
  let wakeBuilds = () => {}
  const bus = webhooks.watch(
    watchTaskChanges(
      watchQueue(
        createEventBus(redactor, (error) => log.error({ err: error }, 'event listener failed')),
        () => wakeScheduler(),
      ),
      () => wakeBuilds(),
    ),
  )
  const { providers, models } = createModelLayer({ store, box, redactor, env })
  const settings = await store.settings.get()
  const bubblewrap = await findBubblewrap()
  if (!bubblewrap && config.worker) {
    log.warn(
      "bubblewrap is missing or cannot run here: agents' processes run without isolation (see cadre doctor)",
    )
  }
  const worktrees = createWorktreeSandboxes({
    home: config.home,
    root: worktreeRoot(config.home, settings),
    bubblewrap,
    alsoHidden: async () => hiddenFromAgents((await store.settings.get()).hiddenPaths),
    // The agents Cadre installed live in its home: their programs stay visible, read-only.
    exposed: [agentsDir(config.home)],
  })
  // Projects whose sandbox is `docker` run their tasks in containers (dockerode, loaded on first use).
  let connected: Promise<import('dockerode')> | undefined
  const engine = () => {
    connected ??= import('dockerode').then(({ default: Docker }) => new Docker())
    return connected
  }
  // Projects whose sandbox is `kubernetes` run their tasks in pods (the client loaded on first use).
  let cluster: Promise<KubeApi> | undefined
  const kube = () => {
    cluster ??= connectKubernetes(config.kubernetes)
    cluster.catch(() => {
      cluster = undefined
    })
    return cluster
  }
  const pods = createKubernetesSandboxes({
    kube,
    accessToken: token,
    root: join(config.home, 'pods'),
    ...config.kubernetes,
  })
  const sandboxes = dispatchSandboxes({
    worktree: worktrees,
    docker: createDockerSandboxes({ worktrees, docker: engine }),
    kubernetes: pods,
  })
  let server: RunningServer
  try {
    // A master key that cannot open the stored secrets stops the start here, with what to do.
    await providers.unsealAll()
    // Connectors' secrets are known to the redactor before any agent can print one.
    for (const secret of await connectorSecrets(store, box)) redactor.add(secret)
    server = await startServer({
      ...config,
      token,
      store,
      bus,
      log,
      version,
      providers,
      models,
      redactor,
      sandboxes,
      box,
      webhooks,
      wakeBuilds: () => wakeBuilds(),
    })
  } catch (error) {
    await store.close()
    throw error
  }
  const workerId = newId('worker')
  const identity = takeWorkerIdentity(config.home, workerId)
  // Autonomous builds are driven from here: each step from what the database holds.
  const builds = startBuildLoop(
    { store, bus, models, sandboxes, log, browsers: server.browsers },
    { driver: workerId, takeOverFrom: identity.deadWorkerId },
  )
  wakeBuilds = () => builds.wake()
  const scheduler = config.worker
    ? startScheduler(
        {
          store,
          bus,
          models,
          sandboxes,
          log,
          redactor,
          box,
          runtimes: loadRuntimes(config.home),
          buildTools: (taskId) => buildToolsServer(server.url, token, taskId),
        },
        {
          workerId,
          ...identity,
          concurrency: settings.maxConcurrentRuns,
        },
      )
    : undefined
  wakeScheduler = () => scheduler?.wake()
  // Finished tasks' worktrees are cleaned up hourly (their work kept), on the server that runs tasks.
  const cleanup = config.worker
    ? setInterval(() => {
        collectGarbage({ store, bus, sandboxes }, {})
          .then((report) => {
            if (report.removed.length > 0)
              log.info(
                { removed: report.removed.length, freedBytes: report.freedBytes },
                'cleaned up worktrees',
              )
          })
          .catch((error: unknown) => log.warn({ err: error }, 'worktree cleanup failed'))
      }, 3_600_000).unref()
    : undefined
  // Containers whose task's workspace is gone (Cadre stopped between removing one and the other)
  // are removed, and project images no task needs any more, on a server that runs tasks and has
  // projects in containers: at start-up, and hourly.
  const cleanUpContainers = async () => {
    const projects = await store.projects.list()
    if (!projects.some((p) => p.settings.sandbox.kind === 'docker')) return
    const docker = await engine()
    const removed = await removeOrphanContainers(docker, async ({ taskId, projectId }) =>
      existsSync(worktrees.locate({ taskId, projectId })),
    )
    if (removed.length > 0) log.info({ removed }, 'removed containers of gone workspaces')
    const ids = new Set(projects.map((p) => p.id.toLowerCase()))
    const images = await removeUnusedProjectImages(docker, (id) => ids.has(id))
    if (images.length > 0) log.info({ images }, 'removed project images no task needs')
  }
  const containerCleanup = config.worker
    ? setInterval(() => {
        cleanUpContainers().catch((error: unknown) => log.warn({ err: error }, 'container cleanup failed'))
      }, 3_600_000).unref()
    : undefined
  if (config.worker) {
    void cleanUpContainers().catch((error: unknown) =>
      log.warn({ err: error }, 'could not look for orphan containers'),
    )
  }
  // The same for pods, on a server configured for them.
  if (config.worker && config.kubernetes.cadreUrl) {
    void kube()
      .then((api) =>
        removeOrphanPods(api, async (task) => existsSync(pods.locate({ ...task, kind: 'kubernetes' }))),
      )
      .then((removed) => removed.length > 0 && log.info({ removed }, 'removed pods of gone workspaces'))
      .catch((error: unknown) => log.warn({ err: error }, 'could not look for orphan pods'))
  }
  const stopWebhooks = webhooks.start()
  writeServerInfo(config.home, { url: server.url, pid: process.pid, version })
  log.info({ url: server.url, engine: store.engine, home: config.home }, 'Cadre is serving')

  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= (async () => {
      removeServerInfo(config.home, process.pid)
      // Running loops stop now (a running command is ended) and resume at the next start.
      clearInterval(cleanup)
      clearInterval(containerCleanup)
      stopWebhooks()
      builds.stop()
      await scheduler?.stop()
      await server.close()
      await store.close()
    })()
    return closing
  }
  return { server, store, bus, providers, models, token, close, [Symbol.asyncDispose]: close }
}
