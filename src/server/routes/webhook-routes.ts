import { randomBytes } from 'node:crypto'
import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { z } from 'zod'
import { notFound } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import { Webhook, WebhookDelivery, WebhookEvent } from '../../core/webhooks.ts'
import type { StoredWebhook } from '../../store/store.ts'
import { errors, IdParam, json, jsonBody, PlainHttpUrl } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const tags = ['webhooks']

const WebhookUrl = PlainHttpUrl(
  "the URL is shown in plain text; the receiver knows a delivery is Cadre's by its signature",
).describe('where deliveries are POSTed')

const NewWebhook = z.object({
  url: WebhookUrl,
  events: z.array(WebhookEvent).min(1).describe('what it is told of'),
  projectId: z.string().min(1).optional().describe("one project's events; absent: every project's"),
})

const WebhookPatch = z.object({
  url: WebhookUrl.optional(),
  events: z.array(WebhookEvent).min(1).optional(),
  enabled: z.boolean().optional(),
})

const DeliveryParams = z.object({ id: z.string().min(1), deliveryId: z.string().min(1) })

/** A webhook as the API shows it: never its secret, sealed or not. */
const shown = ({ sealedSecret: _sealed, ...webhook }: StoredWebhook): Webhook => webhook

/** Webhooks: per project or global, their deliveries, and sending one again. */
export const webhookRoutes = (deps: AppDeps) => {
  const found = async (id: string) => {
    const webhook = await deps.store.webhooks.get(id)
    if (!webhook) throw notFound('webhook', id)
    return webhook
  }
  return new OpenAPIHono({ defaultHook: validationHook })
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/webhooks',
        tags,
        summary: 'Add a webhook; its signing secret is shown in this answer only',
        request: { body: jsonBody(NewWebhook) },
        responses: {
          201: json(
            z.object({
              webhook: Webhook,
              secret: z
                .string()
                .describe('signs every delivery (cadre-signature header); keep it, it is not shown again'),
            }),
            'the webhook',
          ),
          400: errors[400],
          404: errors[404],
        },
      }),
      async (c) => {
        const input = c.req.valid('json')
        if (input.projectId && !(await deps.store.projects.get(input.projectId)))
          throw notFound('project', input.projectId)
        // Shown to its maker in this answer only; stored sealed; it only ever signs, never travels.
        const secret = `whsec_${randomBytes(24).toString('base64url')}`
        const webhook = await deps.store.webhooks.create({
          id: newId('webhook'),
          projectId: input.projectId ?? null,
          url: input.url,
          events: input.events,
          sealedSecret: deps.box.seal(secret),
        })
        return c.json({ webhook: shown(webhook), secret }, 201)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/webhooks',
        tags,
        summary: "Webhooks: all, or a project's own",
        request: { query: z.object({ projectId: z.string().min(1).optional() }) },
        responses: { 200: json(z.object({ webhooks: z.array(Webhook) }), 'oldest first') },
      }),
      async (c) =>
        c.json({ webhooks: (await deps.store.webhooks.list(c.req.valid('query'))).map(shown) }, 200),
    )
    .openapi(
      createRoute({
        method: 'patch',
        path: '/api/webhooks/{id}',
        tags,
        summary: "Change a webhook's URL or events, or switch it off and on",
        request: { params: IdParam, body: jsonBody(WebhookPatch) },
        responses: { 200: json(Webhook, 'the webhook'), 400: errors[400], 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        const webhook = await deps.store.webhooks.update(id, c.req.valid('json'))
        if (!webhook) throw notFound('webhook', id)
        return c.json(shown(webhook), 200)
      },
    )
    .openapi(
      createRoute({
        method: 'delete',
        path: '/api/webhooks/{id}',
        tags,
        summary: 'Delete a webhook with its deliveries',
        request: { params: IdParam },
        responses: { 200: json(z.object({ deleted: z.literal(true) }), 'deleted'), 404: errors[404] },
      }),
      async (c) => {
        const { id } = c.req.valid('param')
        if (!(await deps.store.webhooks.delete(id))) throw notFound('webhook', id)
        return c.json({ deleted: true as const }, 200)
      },
    )
    .openapi(
      createRoute({
        method: 'get',
        path: '/api/webhooks/{id}/deliveries',
        tags,
        summary: "A webhook's deliveries, newest first: status, attempts, the last answer and its timing",
        request: {
          params: IdParam,
          query: z.object({ limit: z.coerce.number().int().min(1).max(1000).default(100) }),
        },
        responses: {
          200: json(z.object({ deliveries: z.array(WebhookDelivery) }), 'its deliveries'),
          404: errors[404],
        },
      }),
      async (c) => {
        const webhook = await found(c.req.valid('param').id)
        return c.json(
          { deliveries: await deps.store.webhooks.deliveries(webhook.id, c.req.valid('query').limit) },
          200,
        )
      },
    )
    .openapi(
      createRoute({
        method: 'post',
        path: '/api/webhooks/{id}/deliveries/{deliveryId}/resend',
        tags,
        summary: 'Send a delivery again (delivered or given up alike), now',
        request: { params: DeliveryParams },
        responses: { 200: json(WebhookDelivery, 'pending again'), 404: errors[404] },
      }),
      async (c) => {
        const { id, deliveryId } = c.req.valid('param')
        await found(id)
        const delivery = await deps.store.webhooks.getDelivery(deliveryId)
        if (!delivery || delivery.webhookId !== id) throw notFound('delivery', deliveryId)
        const pending = await deps.store.webhooks.resend(deliveryId)
        void deps.webhooks.deliverDue().catch(() => {})
        return c.json(pending!, 200)
      },
    )
}
