import { z } from 'zod'
import { ActionKind } from '../core/action-kind.ts'
import { Usage } from '../core/entities.ts'

export const ActionStatus = z.enum(['pending', 'running', 'completed', 'error'])
export type ActionStatus = z.infer<typeof ActionStatus>

/**
 * The one closed vocabulary every runtime's output is translated into, so the event log, the UI,
 * cost accounting and review work the same whichever agent ran. A tool call is reported as it
 * starts and again as it ends (same `callId`).
 */
export const AgentAction = z.discriminatedUnion('type', [
  z.object({
    type: z.literal('session'),
    sessionId: z.string().describe("the agent's own session id, to resume"),
  }),
  z.object({ type: z.literal('text'), text: z.string() }),
  z.object({ type: z.literal('reasoning'), text: z.string() }),
  z.object({
    type: z.literal('tool'),
    callId: z.string(),
    tool: z.string().describe("the agent's own name for the tool"),
    kind: ActionKind,
    status: ActionStatus,
    paths: z.array(z.string()).optional().describe('files read or changed'),
    command: z.string().optional(),
    exitCode: z.number().int().nullable().optional(),
    output: z.string().optional(),
  }),
  z.object({
    type: z.literal('usage'),
    usage: Usage,
    costUsd: z.number().nonnegative().nullable().describe('null when the agent does not say'),
  }),
  z.object({ type: z.literal('error'), message: z.string() }),
  z.object({
    type: z.literal('approval'),
    callId: z.string(),
    tool: z.string().describe("in Cadre's policy terms (see ToolCallRequest)"),
    input: z.unknown(),
    reason: z.string(),
    plan: z.string().optional().describe('a plan proposed in plan mode, waiting to be approved'),
  }),
  z.object({
    type: z.literal('other'),
    raw: z.unknown().describe('a message of the agent Cadre does not know, kept as it came'),
  }),
])
export type AgentAction = z.infer<typeof AgentAction>

/** Why a plan proposed in plan mode waits: the same words whichever agent planned. */
export const planWaitsReason = 'plan mode: the plan waits for approval before anything changes'

/**
 * Translates one message of an agent with the adapter's own (zod-checked) translation; a message
 * that does not have a shape the adapter knows becomes `other`, carrying it whole, never an error.
 */
export const translateMessage = <S extends z.ZodType>(
  schema: S,
  raw: unknown,
  translate: (message: z.output<S>) => AgentAction[],
): AgentAction[] => {
  const parsed = schema.safeParse(raw)
  return parsed.success ? translate(parsed.data) : [{ type: 'other', raw }]
}
