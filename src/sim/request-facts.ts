import { findCwd } from './find-cwd.ts'
import type { SimRequest, SimToolResult } from './sim-request.ts'

/** What scenario conditions and templates read from a request, worked out once. */
export interface RequestFacts {
  toolResultCount: number
  lastToolResult?: SimToolResult
  /** The last message of the request carries a tool result: the model is mid-turn. */
  endsWithToolResult: boolean
  /**
   * The text of the last user message. With tool results in the same message (Anthropic puts a
   * follow-up there), only the text after them counts, and never an agent's own reminders.
   */
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
    .filter((message) => message.role === 'user')
    .map((message) => textOf(message.parts.slice(lastToolResultIndex(message.parts) + 1)))
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

type Parts = SimRequest['messages'][number]['parts']

const lastToolResultIndex = (parts: Parts) => parts.findLastIndex((part) => part.type === 'tool_result')

// Agents add notes of their own beside tool results (Claude Code's <system-reminder>): not the user.
const isAgentNote = (text: string) => /^\s*<system-reminder>/.test(text)

const textOf = (parts: Parts) =>
  parts
    .flatMap((part) => (part.type === 'text' && !isAgentNote(part.text) ? [part.text] : []))
    .join('\n')
    .trim()
