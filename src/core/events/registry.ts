import { z } from 'zod'
import { AgentMode } from '../settings.ts'
import { TaskStatus, taskActions } from '../task-status.ts'
import { defineEvent } from './define-event.ts'

/** Every event type Cadre knows, defined once; stream schemas and client types derive from this list. */
export const eventDefinitions = [
  defineEvent(
    'task.created',
    z.object({
      title: z.string(),
      prompt: z.string(),
      agent: z.string(),
      model: z.string().nullable(),
      mode: AgentMode,
      status: TaskStatus,
    }),
    { durable: true, description: 'The task was created with this prompt and configuration.' },
  ),
  defineEvent(
    'task.status_changed',
    z.object({
      from: TaskStatus,
      to: TaskStatus,
      action: z.enum(taskActions),
      reason: z.string().optional(),
    }),
    { durable: true, description: 'The task moved from one status to another.' },
  ),
  defineEvent('thread.created', z.object({ threadId: z.string(), title: z.string() }), {
    durable: true,
    description: 'A new conversation was opened in the task.',
  }),
  defineEvent('message.user', z.object({ threadId: z.string(), text: z.string() }), {
    durable: true,
    description: 'A person sent a message to a thread of the task.',
  }),
  defineEvent('message.assistant', z.object({ threadId: z.string(), text: z.string() }), {
    durable: true,
    description: "The agent's completed text reply in a thread (streamed before as assistant.delta).",
  }),
  defineEvent('assistant.delta', z.object({ threadId: z.string(), blockId: z.string(), text: z.string() }), {
    durable: false,
    description: 'Streamed assistant text, live only; the completed message is stored.',
  }),
] as const

type Definitions = (typeof eventDefinitions)[number]
export type EventType = Definitions['type']
export type DurableEventType = Extract<Definitions, { durable: true }>['type']
export type LiveEventType = Extract<Definitions, { durable: false }>['type']

type DataOf<T extends EventType> = z.infer<Extract<Definitions, { type: T }>['data']>

/** What a producer hands in: a type and its payload. */
export type EventInput<T extends EventType = EventType> = { [K in T]: { type: K; data: DataOf<K> } }[T]

const definitionsByType = new Map<string, Definitions>(eventDefinitions.map((d) => [d.type, d]))

export const eventDefinition = (type: string): Definitions | undefined => definitionsByType.get(type)

const envelope = {
  taskId: z.string(),
  projectId: z.string(),
  at: z.iso.datetime(),
}

const envelopes = <D extends Definitions>(definitions: readonly D[], withSeq: boolean) =>
  definitions.map((d) =>
    z
      .object({
        ...envelope,
        ...(withSeq ? { seq: z.number().int().positive() } : {}),
        type: z.literal(d.type),
        data: d.data,
      })
      .describe(d.description),
  )

const durableDefinitions = eventDefinitions.filter((d) => d.durable)
const liveDefinitions = eventDefinitions.filter((d) => !d.durable)

/** A stored event: per-task seq (1, 2, 3 …), the only resume cursor. */
export const StoredEventSchema = z.discriminatedUnion(
  'type',
  envelopes(durableDefinitions, true) as unknown as [z.ZodObject, ...z.ZodObject[]],
)
/** A live-only event, broadcast to subscribers and never stored. */
export const LiveEventSchema = z.discriminatedUnion(
  'type',
  envelopes(liveDefinitions, false) as unknown as [z.ZodObject, ...z.ZodObject[]],
)

interface Envelope {
  taskId: string
  projectId: string
  at: string
}
export type StoredEvent = {
  [T in DurableEventType]: Envelope & { seq: number } & EventInput<T>
}[DurableEventType]
export type LiveEvent = { [T in LiveEventType]: Envelope & EventInput<T> }[LiveEventType]
export type CadreEvent = StoredEvent | LiveEvent

export const isStoredEvent = (event: CadreEvent): event is StoredEvent => 'seq' in event
