// Table shapes as Kysely sees them. JSON is kept as text and times as ISO 8601 text on both
// engines, so one query code reads the same values from SQLite and PostgreSQL.

export interface ProjectsTable {
  id: string
  name: string
  path: string
  settings: string
  created_at: string
  updated_at: string
}

export interface TasksTable {
  id: string
  project_id: string
  title: string
  prompt: string
  status: string
  status_reason: string | null
  agent: string
  model: string | null
  mode: string
  branch: string
  base_branch: string | null
  parent_id: string | null
  /** JSON of the task's SandboxOverride, or null. */
  sandbox: string | null
  build_id: string | null
  last_seq: number
  created_at: string
  updated_at: string
}

export interface ThreadsTable {
  id: string
  task_id: string
  title: string
  agent_session_id: string | null
  created_at: string
}

export interface RunsTable {
  id: string
  task_id: string
  thread_id: string
  agent: string
  status: string
  outcome: string | null
  worker_id: string | null
  lease_expires_at: string | null
  usage: string
  cost_usd: number
  created_at: string
  started_at: string | null
  ended_at: string | null
}

export interface EventsTable {
  task_id: string
  seq: number
  type: string
  data: string
  at: string
}

export interface SettingsTable {
  key: string
  value: string
  updated_at: string
}

export interface ProvidersTable {
  name: string
  kind: string
  base_url: string | null
  sealed_api_key: string | null
  created_at: string
  updated_at: string
}

export interface WebhooksTable {
  id: string
  project_id: string | null
  url: string
  /** JSON array of event names. */
  events: string
  sealed_secret: string
  enabled: number
  created_at: string
  updated_at: string
}

export interface WebhookDeliveriesTable {
  id: string
  webhook_id: string
  event: string
  /** JSON, redacted before it was stored. */
  payload: string
  status: string
  attempts: number
  next_attempt_at: string | null
  response_status: number | null
  error: string | null
  duration_ms: number | null
  created_at: string
  updated_at: string
}

export interface FeaturesTable {
  id: string
  project_id: string
  position: number
  category: string
  name: string
  description: string
  /** JSON array of strings. */
  steps: string
  /** JSON array of feature ids. */
  depends_on: string
  status: string
  attempts: number
  last_task_id: string | null
  note: string | null
  created_at: string
  updated_at: string
}

export interface ProjectSpecsTable {
  project_id: string
  text: string
  updated_at: string
}

export interface ConnectorsTable {
  id: string
  project_id: string | null
  name: string
  transport: string
  command: string | null
  /** JSON array of strings. */
  args: string
  url: string | null
  /** Sealed JSON object of environment variables. */
  sealed_env: string | null
  /** Sealed JSON object of HTTP headers. */
  sealed_headers: string | null
  /** Sealed JSON of its OAuth state; null when it does not use OAuth. */
  sealed_oauth: string | null
  enabled: number
  created_at: string
  updated_at: string
}

export interface BuildsTable {
  id: string
  project_id: string
  status: string
  status_reason: string | null
  paused_by: string | null
  branch: string
  from_branch: string
  concurrency: number
  agent: string
  model: string | null
  mode: string
  max_attempts: number
  regression_every: number
  initializer_task_id: string | null
  merges_since_regression: number
  driver: string | null
  driver_lease_until: string | null
  created_at: string
  updated_at: string
}

export interface Database {
  projects: ProjectsTable
  tasks: TasksTable
  threads: ThreadsTable
  runs: RunsTable
  events: EventsTable
  settings: SettingsTable
  providers: ProvidersTable
  webhooks: WebhooksTable
  webhook_deliveries: WebhookDeliveriesTable
  features: FeaturesTable
  project_specs: ProjectSpecsTable
  connectors: ConnectorsTable
  builds: BuildsTable
}
