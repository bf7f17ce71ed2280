import { z } from 'zod'

/** The failures a scenario can make the model answer with. */
export const ScenarioErrorKind = z.enum(['rate_limit', 'server_error', 'overloaded'])
export type ScenarioErrorKind = z.infer<typeof ScenarioErrorKind>

/** Token counts in one vocabulary; each protocol maps them to its own fields. */
export interface SimUsage {
  /** Every prompt token, cached ones included. */
  inputTokens: number
  /** Every generated token, reasoning included. */
  outputTokens: number
  /** The part of `inputTokens` read from the prompt cache. */
  cachedInputTokens: number
  /** The part of `inputTokens` written to the prompt cache (Anthropic only reports it). */
  cacheWriteTokens: number
  /** The part of `outputTokens` spent reasoning. */
  reasoningTokens: number
}

export interface SimPace {
  latencyMs: number
  tokensPerSecond: number
}

export type SimReplyPart =
  | { type: 'reasoning'; text: string }
  | { type: 'text'; text: string }
  | {
      type: 'tool_call'
      name: string
      kind: 'function' | 'custom'
      /** What goes on the wire: JSON arguments for function tools, the raw input for custom ones. */
      input: string
      namespace?: string
    }

/** The answer chosen for one request, before any protocol encodes it. */
export type SimReply =
  | {
      type: 'error'
      kind: ScenarioErrorKind
      message: string
      retryAfterSeconds?: number
      pace: SimPace
    }
  | {
      type: 'message'
      parts: SimReplyPart[]
      usage: SimUsage
      /** The scenario gave the prompt's usage exactly: the prompt cache leaves it as given. */
      exactInput?: boolean
      /** Why generation stopped: every protocol has a word for each. */
      finish: 'end' | 'tool_use' | 'max_tokens'
      /** Send the parts' beginnings, then drop the connection with no terminal event. */
      cut: boolean
      pace: SimPace
    }

export type SimMessageReply = Extract<SimReply, { type: 'message' }>
