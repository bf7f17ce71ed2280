import { z } from 'zod'

/** What a webhook can be told of. */
export const WebhookEvent = z.enum([
  'task.finished',
  'task.needs_input',
  'feature.passing',
  'feature.failing',
  'build.progress',
])
export type WebhookEvent = z.infer<typeof WebhookEvent>

export const Webhook = z.object({
  id: z.string(),
  projectId: z.string().nullable().describe('null: every project'),
  url: z.string(),
  events: z.array(WebhookEvent),
  enabled: z.boolean(),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type Webhook = z.infer<typeof Webhook>

export const DeliveryStatus = z.enum(['pending', 'delivered', 'failed'])

export const WebhookDelivery = z.object({
  id: z.string(),
  webhookId: z.string(),
  event: WebhookEvent,
  payload: z.unknown().describe('exactly the JSON body sent'),
  status: DeliveryStatus.describe('pending: to be (re)tried; failed: given up after the last attempt'),
  attempts: z.number().int(),
  nextAttemptAt: z.string().nullable(),
  responseStatus: z.number().int().nullable().describe("the receiver's answer to the last attempt"),
  error: z.string().nullable().describe('why the last attempt failed'),
  durationMs: z.number().int().nullable().describe('how long the last attempt took'),
  createdAt: z.string(),
  updatedAt: z.string(),
})
export type WebhookDelivery = z.infer<typeof WebhookDelivery>
