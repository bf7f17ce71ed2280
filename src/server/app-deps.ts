import type { Logger } from 'pino'
import type { BrowserSessions } from '../browser/browser-sessions.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { ModelClient } from '../models/model-client.ts'
import type { ProviderRegistry } from '../models/provider-registry.ts'
import type { Previews } from '../preview/previews.ts'
import type { SandboxBackend } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store } from '../store/store.ts'
import type { WebhookDeliveries } from '../webhooks/webhook-deliveries.ts'
import type { AccessGuard } from './access-guard.ts'

/** What the HTTP app is built from; the composition root supplies each piece. */
export interface AppDeps {
  store: Store
  bus: EventBus
  guard: AccessGuard
  log: Logger
  providers: ProviderRegistry
  models: ModelClient
  /** Where tasks' workspaces are: the server opens them to diff, commit, merge, roll back. */
  sandboxes: SandboxBackend
  /** Cadre's home on this machine (where agents are installed). */
  home: string
  /** Knows every secret Cadre holds; applied to every JSON answer as a last line of defence. */
  redactor: Redactor
  version: string
  /** Where the built web UI is (default: web/dist of this checkout). */
  webDist?: string
  /** Seals the secrets Cadre stores (webhooks' signing secrets). */
  box: SecretBox
  /** Webhook deliveries: sending one again now. */
  webhooks: WebhookDeliveries
  /** Wakes the loop that drives autonomous builds: a person acted on one. */
  wakeBuilds(): void
  /** Chromium on tasks' previews: build agents' browser tools. */
  browsers: BrowserSessions
  /** Live previews of tasks' work, each on an origin of its own. */
  previews: Previews
  /** The access token: build tasks' tool tokens are derived from it. */
  accessToken: string
  /** Aborted when the server shuts down, ending every open stream. */
  shutdown: AbortSignal
}
