import type { WebhookDelivery, WebhookEvent } from '../../core/webhooks.ts'
import type { WebhookDeliveriesTable, WebhooksTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { StoredWebhook, WebhookRepo } from '../store.ts'

const toWebhook = (row: WebhooksTable): StoredWebhook => ({
  id: row.id,
  projectId: row.project_id,
  url: row.url,
  events: JSON.parse(row.events) as WebhookEvent[],
  enabled: Boolean(row.enabled),
  sealedSecret: row.sealed_secret,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

const toDelivery = (row: WebhookDeliveriesTable): WebhookDelivery => ({
  id: row.id,
  webhookId: row.webhook_id,
  event: row.event as WebhookEvent,
  payload: JSON.parse(row.payload),
  status: row.status as WebhookDelivery['status'],
  attempts: row.attempts,
  nextAttemptAt: row.next_attempt_at,
  responseStatus: row.response_status,
  error: row.error,
  durationMs: row.duration_ms,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createWebhookRepo = ({ db, atomically }: SessionContext): WebhookRepo => ({
  async create(webhook) {
    const at = now()
    const row = await atomically((tx) =>
      tx
        .insertInto('webhooks')
        .values({
          id: webhook.id,
          project_id: webhook.projectId,
          url: webhook.url,
          events: JSON.stringify(webhook.events),
          sealed_secret: webhook.sealedSecret,
          enabled: 1,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    return toWebhook(row)
  },

  async get(id) {
    const row = await db.selectFrom('webhooks').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toWebhook(row)
  },

  async list(filter = {}) {
    let query = db.selectFrom('webhooks').selectAll()
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId)
    return (await query.orderBy('created_at').orderBy('id').execute()).map(toWebhook)
  },

  async forEvent(projectId, event) {
    const rows = await db
      .selectFrom('webhooks')
      .selectAll()
      .where('enabled', '=', 1)
      .where((where) => where.or([where('project_id', 'is', null), where('project_id', '=', projectId)]))
      .execute()
    return rows.map(toWebhook).filter((webhook) => webhook.events.includes(event))
  },

  async update(id, change) {
    const row = await atomically((tx) =>
      tx
        .updateTable('webhooks')
        .set({
          ...(change.url !== undefined && { url: change.url }),
          ...(change.events !== undefined && { events: JSON.stringify(change.events) }),
          ...(change.enabled !== undefined && { enabled: change.enabled ? 1 : 0 }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toWebhook(row)
  },

  async delete(id) {
    const result = await atomically((tx) => tx.deleteFrom('webhooks').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  },

  async enqueue(deliveries) {
    if (deliveries.length === 0) return []
    const at = now()
    const rows = await atomically((tx) =>
      tx
        .insertInto('webhook_deliveries')
        .values(
          deliveries.map((delivery) => ({
            id: delivery.id,
            webhook_id: delivery.webhookId,
            event: delivery.event,
            payload: JSON.stringify(delivery.payload),
            status: 'pending',
            attempts: 0,
            next_attempt_at: at,
            response_status: null,
            error: null,
            duration_ms: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .returningAll()
        .execute(),
    )
    return rows.map(toDelivery)
  },

  async getDelivery(id) {
    const row = await db.selectFrom('webhook_deliveries').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toDelivery(row)
  },

  async deliveries(webhookId, limit = 100) {
    const rows = await db
      .selectFrom('webhook_deliveries')
      .selectAll()
      .where('webhook_id', '=', webhookId)
      .orderBy('created_at', 'desc')
      .orderBy('id', 'desc')
      .limit(limit)
      .execute()
    return rows.map(toDelivery)
  },

  async claimDue(at, until, limit) {
    const due = await db
      .selectFrom('webhook_deliveries')
      .select(['id', 'next_attempt_at'])
      .where('status', '=', 'pending')
      .where('next_attempt_at', '<=', at)
      .orderBy('next_attempt_at')
      .limit(limit)
      .execute()
    const claimed: WebhookDelivery[] = []
    for (const candidate of due) {
      // Claimed by moving its next attempt past the lease: another server's claim then misses it.
      const row = await atomically((tx) =>
        tx
          .updateTable('webhook_deliveries')
          .set({ next_attempt_at: until })
          .where('id', '=', candidate.id)
          .where('status', '=', 'pending')
          .where('next_attempt_at', '=', candidate.next_attempt_at)
          .returningAll()
          .executeTakeFirst(),
      )
      if (row) claimed.push(toDelivery(row))
    }
    return claimed
  },

  async recordAttempt(id, attempt) {
    const row = await atomically((tx) =>
      tx
        .updateTable('webhook_deliveries')
        .set({
          status: attempt.status,
          attempts: attempt.attempts,
          next_attempt_at: attempt.nextAttemptAt,
          response_status: attempt.responseStatus,
          error: attempt.error,
          duration_ms: attempt.durationMs,
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toDelivery(row)
  },

  async resend(id) {
    const row = await atomically((tx) =>
      tx
        .updateTable('webhook_deliveries')
        .set({ status: 'pending', next_attempt_at: now(), updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toDelivery(row)
  },
})
