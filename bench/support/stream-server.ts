import { randomBytes } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { pino } from 'pino'
import type { EventBus } from '../../src/events/event-bus.ts'
import { createModelLayer } from '../../src/models/create-model-layer.ts'
import { createWorktreeSandboxes } from '../../src/sandbox/worktree-sandboxes.ts'
import type { Redactor } from '../../src/secrets/redactor.ts'
import { createSecretBox } from '../../src/secrets/secret-box.ts'
import { startServer } from '../../src/server/start-server.ts'
import type { Store } from '../../src/store/store.ts'
import { createWebhookDeliveries } from '../../src/webhooks/webhook-deliveries.ts'
import { benchToken } from './serve-cadre.ts'

/**
 * Cadre's HTTP and WebSocket server in this process, on a store and bus the benchmark appends to
 * itself: the stream as a subscriber meets it, with no scheduler running anything. Closing it
 * removes the home it made.
 */
export const startStreamServer = async (
  store: Store,
  bus: EventBus,
  redactor: Redactor,
): Promise<{ url: string; close(): Promise<void> }> => {
  redactor.add(benchToken)
  const home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-'))
  const box = createSecretBox(randomBytes(32))
  const log = pino({ level: 'silent' })
  const server = await startServer({
    host: '127.0.0.1',
    port: 0,
    token: benchToken,
    allowedHosts: [],
    store,
    bus,
    sandboxes: createWorktreeSandboxes({ home, root: join(home, 'worktrees') }),
    home,
    log,
    version: 'bench',
    redactor,
    // No build runs here: nothing to wake.
    wakeBuilds: () => {},
    box,
    webhooks: createWebhookDeliveries({ store, box, log }),
    ...createModelLayer({ store, box, redactor, env: {} }),
  })
  return {
    url: server.url,
    async close() {
      await server.close()
      rmSync(home, { recursive: true, force: true })
    },
  }
}
