import { estimateTokens } from '../estimate-usage.ts'

/** One write of a streamed reply; `tokens` paces it (0 for bookkeeping events). */
export interface StreamFrame {
  data: string
  tokens: number
}

/** A server-sent event with a name, as Anthropic and the Responses API send them. */
export const namedEvent = (event: string, data: unknown, delta = ''): StreamFrame => ({
  data: `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`,
  tokens: estimateTokens(delta),
})

/** A server-sent event with data only, as Chat Completions and Gemini send them. */
export const dataEvent = (data: unknown, delta = ''): StreamFrame => ({
  data: `data: ${typeof data === 'string' ? data : JSON.stringify(data)}\n\n`,
  tokens: estimateTokens(delta),
})
