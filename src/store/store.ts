import type { Build, BuildStatus } from '../core/builds.ts'
import type { Project, Run, RunStatus, Task, Thread, Usage } from '../core/entities.ts'
import type { EventInput, StoredEvent } from '../core/events/registry.ts'
import type { Feature } from '../core/features.ts'
import type { AgentMode, GlobalSettings, ProjectSettings, SandboxOverride } from '../core/settings.ts'
import type { TaskStatus } from '../core/task-status.ts'
import type { Webhook, WebhookDelivery, WebhookEvent } from '../core/webhooks.ts'

export type StoreEngine = 'sqlite' | 'postgres'

export interface NewProject {
  name: string
  path: string
  settings: ProjectSettings
}

export interface NewTask {
  /** Given when the caller needed it first (to name the branch); a new one otherwise. */
  id?: string
  projectId: string
  title: string
  prompt: string
  status: TaskStatus
  agent: string
  model: string | null
  mode: AgentMode
  branch: string
  baseBranch: string | null
  /** The task it belongs to (a comparison's children); none by default. */
  parentId?: string | null
  /** Where its processes run, over the project's settings; the project's by default. */
  sandbox?: SandboxOverride | null
  /** The autonomous build it works for; none by default. */
  buildId?: string | null
}

export interface TaskFilter {
  projectId?: string
  buildId?: string
  status?: TaskStatus[]
  /** Only tasks for these agents, or only for agents other than these. */
  agent?: { in: readonly string[] } | { notIn: readonly string[] }
  limit?: number
  /** newest (default): newest first; queue: unchanged longest first, i.e. queued tasks in queue order. */
  order?: 'newest' | 'queue'
}

export interface NewRun {
  taskId: string
  threadId: string
  agent: string
}

export interface RunChange {
  status?: RunStatus
  outcome?: string | null
  workerId?: string | null
  leaseExpiresAt?: string | null
  usage?: Usage
  costUsd?: number
  startedAt?: string | null
  endedAt?: string | null
}

export interface ProjectRepo {
  /** Inserts a project; a second project on the same path fails with `conflict`. */
  create(project: NewProject): Promise<Project>
  /** The project, or undefined. */
  get(id: string): Promise<Project | undefined>
  /** The project registered at this absolute path, or undefined. */
  getByPath(path: string): Promise<Project | undefined>
  /** All projects, oldest first. */
  list(): Promise<Project[]>
  /** Changes name and/or settings; undefined when the project does not exist. */
  update(id: string, change: { name?: string; settings?: ProjectSettings }): Promise<Project | undefined>
  /** Deletes the project with its tasks, threads, runs and events; false when it did not exist. */
  delete(id: string): Promise<boolean>
}

export interface TaskRepo {
  /** Inserts a task with seq 0; its events are appended separately. */
  create(task: NewTask): Promise<Task>
  /** The task, or undefined. */
  get(id: string): Promise<Task | undefined>
  /** Tasks matching the filter, newest first. */
  list(filter?: TaskFilter): Promise<Task[]>
  /** The tasks whose parent is this task, oldest first. */
  listChildren(parentId: string): Promise<Task[]>
  /**
   * Moves the task to `to` only if it is still in `from` (compare-and-set); returns the updated
   * task, or undefined when its status had changed meanwhile.
   */
  setStatus(id: string, from: TaskStatus, to: TaskStatus, reason: string | null): Promise<Task | undefined>
  /** Changes how much the task's agent may do without asking (a plan approved moves it out of plan mode). */
  setMode(id: string, mode: AgentMode): Promise<Task | undefined>
  /** The newest seq of every task of a project (0 for a task with no events). */
  lastSeqs(projectId: string): Promise<Map<string, number>>
}

export interface ThreadRepo {
  create(thread: { taskId: string; title: string }): Promise<Thread>
  get(id: string): Promise<Thread | undefined>
  /** The task's threads, oldest first. */
  list(taskId: string): Promise<Thread[]>
  /** Records the external agent's own session id for resume. */
  setAgentSession(id: string, agentSessionId: string | null): Promise<void>
}

export interface RunRepo {
  create(run: NewRun): Promise<Run>
  get(id: string): Promise<Run | undefined>
  /** The task's runs, oldest first. */
  list(taskId: string): Promise<Run[]>
  update(id: string, change: RunChange): Promise<Run | undefined>
  /** Adds one step's usage and cost to the run's totals, atomically; undefined when there is no such run. */
  addUsage(id: string, usage: Usage, costUsd: number): Promise<Run | undefined>
  /** What the project's runs that started since `since` cost together, in USD. */
  costSince(projectId: string, since: string): Promise<number>
  /** Running runs whose lease has expired (or was never given) at `now`, or held by a worker known dead. */
  listStale(now: string, deadWorkerId?: string): Promise<Run[]>
  /** Extends the lease if `workerId` still holds the run; false when another worker took it over. */
  heartbeat(id: string, workerId: string, leaseExpiresAt: string): Promise<boolean>
  /** Gives a stale run to `workerId` (compare-and-set: only one worker wins); undefined if it was not stale. */
  takeOver(
    id: string,
    workerId: string,
    leaseExpiresAt: string,
    now: string,
    deadWorkerId?: string,
  ): Promise<Run | undefined>
}

export interface EventRepo {
  /**
   * Appends events to a task's log, giving them the next seqs (1, 2, 3 …) atomically: concurrent
   * appenders on any connection never duplicate or skip a seq. Fails with `not_found` for an
   * unknown task.
   */
  append(taskId: string, events: readonly EventInput[]): Promise<StoredEvent[]>
  /** Up to `limit` events with seq greater than `after`, in seq order. */
  list(taskId: string, options: { after: number; limit: number }): Promise<StoredEvent[]>
}

export interface SettingsRepo {
  /** The global settings, with defaults for what was never set. */
  get(): Promise<GlobalSettings>
  put(settings: GlobalSettings): Promise<GlobalSettings>
}

/** A model provider's configuration as stored: the API key only ever sealed. */
export interface StoredProvider {
  name: string
  kind: string
  baseUrl: string | null
  sealedApiKey: string | null
  createdAt: string
  updatedAt: string
}

export interface ProviderRepo {
  get(name: string): Promise<StoredProvider | undefined>
  /** All stored providers, by name. */
  list(): Promise<StoredProvider[]>
  /** Inserts or replaces the provider's configuration. */
  put(provider: Pick<StoredProvider, 'name' | 'kind' | 'baseUrl' | 'sealedApiKey'>): Promise<StoredProvider>
  /** false when there was nothing stored under that name. */
  delete(name: string): Promise<boolean>
}

/** A webhook as stored: its signing secret only ever sealed. */
export interface StoredWebhook extends Webhook {
  sealedSecret: string
}

export interface NewDelivery {
  id: string
  webhookId: string
  event: WebhookEvent
  /** Exactly the body to send (redacted). */
  payload: unknown
}

/** What one attempt to deliver came to. */
export interface DeliveryAttempt {
  status: WebhookDelivery['status']
  attempts: number
  /** When to try again (pending); null when done with. */
  nextAttemptAt: string | null
  responseStatus: number | null
  error: string | null
  durationMs: number
}

export interface WebhookRepo {
  create(webhook: {
    id: string
    projectId: string | null
    url: string
    events: WebhookEvent[]
    sealedSecret: string
  }): Promise<StoredWebhook>
  get(id: string): Promise<StoredWebhook | undefined>
  /** Every webhook, or a project's own (not the global ones), oldest first. */
  list(filter?: { projectId?: string }): Promise<StoredWebhook[]>
  /** The enabled webhooks a project's event goes to: the project's own and the global ones. */
  forEvent(projectId: string, event: WebhookEvent): Promise<StoredWebhook[]>
  update(
    id: string,
    change: { url?: string; events?: WebhookEvent[]; enabled?: boolean },
  ): Promise<StoredWebhook | undefined>
  /** Deletes it with its deliveries; false when there was none. */
  delete(id: string): Promise<boolean>
  /** Records deliveries to make, due now. */
  enqueue(deliveries: readonly NewDelivery[]): Promise<WebhookDelivery[]>
  getDelivery(id: string): Promise<WebhookDelivery | undefined>
  /** A webhook's deliveries, newest first. */
  deliveries(webhookId: string, limit?: number): Promise<WebhookDelivery[]>
  /**
   * Pending deliveries due at `at`, each claimed until `until` (so that no other server sends it
   * meanwhile), oldest first.
   */
  claimDue(at: string, until: string, limit: number): Promise<WebhookDelivery[]>
  recordAttempt(id: string, attempt: DeliveryAttempt): Promise<WebhookDelivery | undefined>
  /** Makes a delivery pending again, due now (sent or given up alike). */
  resend(id: string): Promise<WebhookDelivery | undefined>
}

export interface NewFeature {
  id: string
  projectId: string
  category: string
  name: string
  description: string
  steps: string[]
  dependsOn: string[]
}

export type FeatureChange = Partial<
  Pick<
    Feature,
    | 'category'
    | 'name'
    | 'description'
    | 'steps'
    | 'dependsOn'
    | 'status'
    | 'attempts'
    | 'lastTaskId'
    | 'note'
    | 'position'
  >
>

export interface FeatureRepo {
  /** The project's features in list order. */
  list(projectId: string): Promise<Feature[]>
  get(id: string): Promise<Feature | undefined>
  /** Appends features (all of one project) to its list, pending, in the order given. */
  create(features: readonly NewFeature[]): Promise<Feature[]>
  update(id: string, change: FeatureChange): Promise<Feature | undefined>
  /** Puts the project's features in this order (ids not named keep their place numbers). */
  reorder(projectId: string, ids: readonly string[]): Promise<void>
  /** The project's spec as kept in Cadre, if it is. */
  getSpec(projectId: string): Promise<{ text: string; updatedAt: string } | undefined>
  putSpec(projectId: string, text: string): Promise<{ text: string; updatedAt: string }>
}

/** A connector as stored: its environment and headers only ever sealed. */
export interface StoredConnector {
  id: string
  projectId: string | null
  name: string
  transport: 'stdio' | 'http'
  command: string | null
  args: string[]
  url: string | null
  sealedEnv: string | null
  sealedHeaders: string | null
  /** Its OAuth state (client registration, tokens, an authorization under way), sealed; null: no OAuth. */
  sealedOauth: string | null
  enabled: boolean
  createdAt: string
  updatedAt: string
}

export type ConnectorFields = Omit<StoredConnector, 'id' | 'createdAt' | 'updatedAt' | 'enabled'>

export interface ConnectorRepo {
  create(connector: ConnectorFields & { id: string }): Promise<StoredConnector>
  get(id: string): Promise<StoredConnector | undefined>
  /** Every connector, or a project's own (not the global ones), oldest first. */
  list(filter?: { projectId?: string }): Promise<StoredConnector[]>
  /** The enabled connectors a project's agents get: its own and the global ones. */
  forProject(projectId: string): Promise<StoredConnector[]>
  update(
    id: string,
    change: Partial<Omit<ConnectorFields, 'projectId'>> & { enabled?: boolean },
  ): Promise<StoredConnector | undefined>
  delete(id: string): Promise<boolean>
}

export type NewBuild = Omit<
  Build,
  'createdAt' | 'updatedAt' | 'statusReason' | 'pausedBy' | 'initializerTaskId' | 'mergesSinceRegression'
>

export type BuildChange = Partial<
  Pick<
    Build,
    'status' | 'statusReason' | 'pausedBy' | 'initializerTaskId' | 'mergesSinceRegression' | 'concurrency'
  >
>

export interface BuildRepo {
  create(build: NewBuild): Promise<Build>
  get(id: string): Promise<Build | undefined>
  /** Newest first; of one project, and/or in these statuses. */
  list(filter?: { projectId?: string; status?: readonly BuildStatus[] }): Promise<Build[]>
  update(id: string, change: BuildChange): Promise<Build | undefined>
  /**
   * Takes (or keeps) the right to drive the build until `leaseUntil`: granted when nobody holds it,
   * this driver does, its lease ran out, or its holder is `takeOverFrom` (a server known dead).
   */
  claim(id: string, driver: string, leaseUntil: string, takeOverFrom?: string): Promise<boolean>
}

/** Every repository, bound either to the database or to one open transaction. */
export interface StoreSession {
  readonly projects: ProjectRepo
  readonly tasks: TaskRepo
  readonly threads: ThreadRepo
  readonly runs: RunRepo
  readonly events: EventRepo
  readonly settings: SettingsRepo
  readonly providers: ProviderRepo
  readonly webhooks: WebhookRepo
  readonly features: FeatureRepo
  readonly connectors: ConnectorRepo
  readonly builds: BuildRepo
}

/** All of Cadre's persistence, the same on SQLite and PostgreSQL. */
export interface Store extends StoreSession, AsyncDisposable {
  readonly engine: StoreEngine
  /** Runs `work` in one transaction: everything it writes commits together or not at all. */
  transaction<T>(work: (session: StoreSession) => Promise<T>): Promise<T>
  /** Closes the connections; pending work finishes first. */
  close(): Promise<void>
}
