import { createHmac, timingSafeEqual } from 'node:crypto'
import type { Logger } from 'pino'
import type { CadreEvent } from '../core/events/registry.ts'
import { newId } from '../core/ids.ts'
import type { WebhookDelivery, WebhookEvent } from '../core/webhooks.ts'
import type { EventBus } from '../events/event-bus.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store } from '../store/store.ts'

/** The header a delivery's signature is in: `t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`. */
export const signatureHeader = 'cadre-signature'

export const signPayload = (secret: string, timestamp: number, body: string) =>
  `t=${timestamp},v1=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`

/**
 * What a receiver does to trust a delivery: the signature made with its secret over the timestamp
 * and the body as received, and a timestamp recent enough that an old delivery replayed fails.
 */
export const verifySignature = (
  secret: string,
  header: string | undefined,
  body: string,
  { toleranceSeconds = 300, now = Date.now() } = {},
): boolean => {
  const parts = Object.fromEntries(
    (header ?? '').split(',').map((part) => part.split('=') as [string, string]),
  )
  const timestamp = Number(parts.t)
  if (!Number.isInteger(timestamp) || Math.abs(now / 1000 - timestamp) > toleranceSeconds) return false
  const expected = Buffer.from(signPayload(secret, timestamp, body))
  const given = Buffer.from(`t=${parts.t},v1=${parts.v1 ?? ''}`)
  return expected.length === given.length && timingSafeEqual(expected, given)
}

/** The webhook event an event of Cadre's is, if any. */
const webhookEventOf = (event: CadreEvent): WebhookEvent | undefined => {
  if (event.type === 'task.status_changed') {
    if (['review', 'done', 'failed'].includes(event.data.to)) return 'task.finished'
    if (event.data.to === 'needs_input') return 'task.needs_input'
  }
  if (event.type === 'approval.requested') return 'task.needs_input'
  if (event.type === 'feature.updated') {
    if (event.data.feature.status === 'passing') return 'feature.passing'
    if (event.data.feature.status === 'failing') return 'feature.failing'
  }
  if (event.type === 'build.progress') return 'build.progress'
  return undefined
}

export interface WebhookDeliveryOptions {
  store: Store
  box: SecretBox
  log: Logger
  /** The first retry comes this long after a failure, each next one twice as long after (at most an hour). */
  retryMs?: number
  /** Attempts before a delivery is given up (it can still be resent). */
  maxAttempts?: number
  /** How long a receiver has to answer. */
  timeoutMs?: number
}

/**
 * Webhooks: events of Cadre's that webhooks ask for become deliveries (stored, payload redacted by
 * the store) the moment they are published; a loop sends the due ones, signed, retrying failures
 * and timeouts with exponential backoff, and records each attempt's status, answer and timing.
 * Deliveries live in the database, so a restart loses none that were enqueued.
 */
export const createWebhookDeliveries = (options: WebhookDeliveryOptions) => {
  const { store, box, log } = options
  const retryMs = options.retryMs ?? 10_000
  const maxAttempts = options.maxAttempts ?? 8
  const timeoutMs = options.timeoutMs ?? 10_000
  let wake: () => void = () => {}

  const enqueue = async (event: CadreEvent) => {
    const kind = webhookEventOf(event)
    if (!kind) return
    const hooks = await store.webhooks.forEvent(event.projectId, kind)
    if (hooks.length === 0) return
    const [task, project] = await Promise.all([
      event.taskId ? store.tasks.get(event.taskId) : undefined,
      store.projects.get(event.projectId),
    ])
    const payload = {
      event: kind,
      at: event.at,
      project: project && { id: project.id, name: project.name },
      task: task && {
        id: task.id,
        title: task.title,
        status: task.status,
        statusReason: task.statusReason,
        agent: task.agent,
        branch: task.branch,
      },
      data: event.data,
    }
    await store.webhooks.enqueue(
      hooks.map((hook) => ({ id: newId('delivery'), webhookId: hook.id, event: kind, payload })),
    )
    wake()
  }

  const attempt = async (delivery: WebhookDelivery) => {
    const hook = await store.webhooks.get(delivery.webhookId)
    if (!hook) return
    const body = JSON.stringify({ id: delivery.id, ...(delivery.payload as object) })
    const started = performance.now()
    let responseStatus: number | null = null
    let error: string | null = null
    try {
      const response = await fetch(hook.url, {
        method: 'POST',
        headers: {
          'content-type': 'application/json',
          'user-agent': 'Cadre-Webhooks/1',
          'cadre-event': delivery.event,
          'cadre-delivery': delivery.id,
          [signatureHeader]: signPayload(
            box.open(hook.sealedSecret, `webhook ${hook.id}'s secret`),
            Math.floor(Date.now() / 1000),
            body,
          ),
        },
        body,
        redirect: 'manual',
        signal: AbortSignal.timeout(timeoutMs),
      })
      responseStatus = response.status
      await response.body?.cancel()
      if (response.status < 200 || response.status >= 300) error = `the receiver answered ${response.status}`
    } catch (failure) {
      const cause = (failure as Error & { cause?: Error }).cause?.message
      error =
        (failure as Error).name === 'TimeoutError'
          ? `no answer in ${timeoutMs / 1000} s`
          : `could not reach ${new URL(hook.url).host}: ${cause ?? (failure as Error).message}`
    }
    const attempts = delivery.attempts + 1
    const done = error === null || attempts >= maxAttempts
    await store.webhooks.recordAttempt(delivery.id, {
      status: error === null ? 'delivered' : done ? 'failed' : 'pending',
      attempts,
      nextAttemptAt: done
        ? null
        : new Date(Date.now() + Math.min(retryMs * 2 ** (attempts - 1), 3_600_000)).toISOString(),
      responseStatus,
      error,
      durationMs: Math.round(performance.now() - started),
    })
  }

  /** Sends every delivery due now; how many it sent. */
  const deliverDue = async (): Promise<number> => {
    const at = new Date()
    const due = await store.webhooks.claimDue(
      at.toISOString(),
      new Date(at.getTime() + timeoutMs + 30_000).toISOString(),
      50,
    )
    await Promise.all(
      due.map((delivery) =>
        attempt(delivery).catch((error: unknown) => log.warn({ err: error }, 'webhook delivery failed')),
      ),
    )
    return due.length
  }

  return {
    /** The bus, telling this of every event published on it. */
    watch(bus: EventBus): EventBus {
      return {
        ...bus,
        publish(event) {
          bus.publish(event)
          // Stored events, and a feature's or build's change (live: their tables are their record).
          const recorded =
            'seq' in event || event.type === 'feature.updated' || event.type === 'build.progress'
          if (recorded && webhookEventOf(event))
            enqueue(event).catch((error: unknown) =>
              log.warn({ err: error }, 'could not enqueue webhook deliveries'),
            )
        },
      }
    },
    deliverDue,
    /** Delivers in the background (every second, and at once when something was enqueued) until stopped. */
    start(): () => void {
      let stopped = false
      let timer: NodeJS.Timeout | undefined
      const loop = async () => {
        timer = undefined
        if (stopped) return
        try {
          while ((await deliverDue()) > 0 && !stopped) {}
        } catch (error) {
          log.warn({ err: error }, 'webhook deliveries failed')
        }
        if (!stopped) timer = setTimeout(loop, 1000)
      }
      wake = () => {
        if (timer) {
          clearTimeout(timer)
          timer = setTimeout(loop, 0)
        }
      }
      timer = setTimeout(loop, 0)
      return () => {
        stopped = true
        if (timer) clearTimeout(timer)
      }
    },
  }
}

export type WebhookDeliveries = ReturnType<typeof createWebhookDeliveries>
