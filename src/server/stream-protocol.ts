import { z } from 'zod'
import { type CadreEvent, LiveEventSchema, StoredEventSchema } from '../core/events/registry.ts'

const seq = z.number().int().min(0)

/** What a client sends on /api/stream, one JSON object per message. */
export const StreamRequest = z.union([
  z
    .strictObject({ op: z.literal('subscribe'), taskId: z.string().min(1), after: seq.default(0) })
    .describe('every event of one task after `after`, then live'),
  z
    .strictObject({
      op: z.literal('subscribe'),
      projectId: z.string().min(1),
      cursors: z.record(z.string(), seq).default({}).describe('the last seq held, per task'),
    })
    .describe("every event of a project's tasks: after the given cursors, and from now for other tasks"),
  z
    .strictObject({ op: z.literal('unsubscribe'), taskId: z.string().min(1) })
    .describe('stop following a task'),
  z
    .strictObject({ op: z.literal('unsubscribe'), projectId: z.string().min(1) })
    .describe('stop following a project'),
])
export type StreamRequest = z.input<typeof StreamRequest>

/** What the server sends on /api/stream. */
export const StreamMessage = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('event'), event: z.union([StoredEventSchema, LiveEventSchema]) }),
  z
    .object({
      kind: z.literal('subscribed'),
      taskId: z.string().optional(),
      projectId: z.string().optional(),
      cursors: z.record(z.string(), seq),
    })
    .describe(
      'per task, the seq delivery starts after: earlier events are history (GET /api/tasks/{id}/events), later ones arrive here',
    ),
  z.object({ kind: z.literal('error'), error: z.object({ code: z.string(), message: z.string() }) }),
])
// The event's precise type comes from the registry; the schema above is its wire form.
export type StreamMessage =
  | Exclude<z.infer<typeof StreamMessage>, { kind: 'event' }>
  | { kind: 'event'; event: CadreEvent }
