import { z } from 'zod'

/** The wire protocols the simulator speaks. */
export const SimProtocol = z.enum(['anthropic', 'openai-responses', 'openai-chat', 'gemini'])
export type SimProtocol = z.infer<typeof SimProtocol>

/** A tool call the model made earlier in the conversation. */
export interface SimToolCall {
  id: string
  name: string
  /** Parsed JSON arguments for function tools; the raw string for custom tools. */
  input: unknown
}

/** The output of a tool, sent back by the client. */
export interface SimToolResult {
  id: string
  name?: string
  output: string
  isError: boolean
}

export type SimPart =
  | { type: 'text'; text: string }
  | { type: 'reasoning'; text: string }
  | { type: 'tool_call'; call: SimToolCall }
  | { type: 'tool_result'; result: SimToolResult }

/** One turn; tool results travel in `user` messages whatever role the protocol gives them. */
export interface SimMessage {
  role: 'user' | 'assistant'
  parts: SimPart[]
}

export interface SimTool {
  name: string
  /** `custom` tools (OpenAI Responses `type: "custom"`) take one free-form string instead of JSON. */
  kind: 'function' | 'custom'
  schema?: unknown
  /** OpenAI Responses: the namespace the tool was offered in (Codex groups each MCP server's tools so). */
  namespace?: string
}

/**
 * A model request in protocol-free terms, so scenarios match the same way whichever protocol
 * carried it.
 */
export interface SimRequest {
  protocol: SimProtocol
  model: string
  stream: boolean
  /** System, developer and instruction text, joined in order. */
  system: string
  messages: SimMessage[]
  tools: SimTool[]
  /** Present when the client asked for JSON output; `schema` is absent for plain JSON mode. */
  structuredOutput?: { schema?: unknown }
  /** OpenAI Chat Completions only: whether to send a final usage chunk. */
  includeUsage?: boolean
  /**
   * Anthropic only: the request up to each block the client marked for caching (`cache_control`),
   * in the order the service caches (tools, system, messages), serialized without the marks.
   */
  cachePrefixes?: string[]
}

/** A request body that does not have the protocol's shape; answered with a 400 naming `message`. */
export class SimInputError extends Error {
  override readonly name: string = 'SimInputError'
}

/** A request body over the size limit; answered with a 413, and the rest of the body is not read. */
export class SimPayloadTooLargeError extends SimInputError {
  override readonly name: string = 'SimPayloadTooLargeError'
}
