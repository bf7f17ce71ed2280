import { findCwd } from './find-cwd.ts'
import type { SimRequest, SimToolResult } from './sim-request.ts'

/** What scenario conditions and templates read from a request, worked out once. */
export interface RequestFacts {
  toolResultCount: number
  lastToolResult?: SimToolResult
  /** The last message of the request carries a tool result: the model is mid-turn. */
  endsWithToolResult: boolean
  /** The text of the last user message that is not a tool result (tool results may carry notes). */
  lastUserMessage: string
  /** Assistant turns already in the request. */
  turn: number
  cwd?: string
}

export const requestFacts = (request: SimRequest): RequestFacts => {
  const results = request.messages.flatMap((message) =>
    message.parts.flatMap((part) => (part.type === 'tool_result' ? [part.result] : [])),
  )
  const userTexts = request.messages
    .filter(
      (message) => message.role === 'user' && !message.parts.some((part) => part.type === 'tool_result'),
    )
    .map((message) => textOf(message.parts))
    .filter((text) => text.length > 0)
  const last = request.messages.at(-1)
  return {
    toolResultCount: results.length,
    lastToolResult: results.at(-1),
    endsWithToolResult: last?.parts.some((part) => part.type === 'tool_result') ?? false,
    lastUserMessage: userTexts.at(-1) ?? '',
    turn: request.messages.filter((message) => message.role === 'assistant').length,
    cwd: findCwd(request),
  }
}

const textOf = (parts: SimRequest['messages'][number]['parts']) =>
  parts
    .flatMap((part) => (part.type === 'text' ? [part.text] : []))
    .join('\n')
    .trim()
