import type { SimMessage } from '../sim-request.ts'

/**
 * Joins consecutive messages of the same role, so one turn is one message whatever the protocol
 * (Responses sends each reasoning, message and call as its own item; Chat sends one `tool` message
 * per result).
 */
export const mergeTurns = (messages: SimMessage[]): SimMessage[] => {
  const merged: SimMessage[] = []
  for (const message of messages) {
    const previous = merged.at(-1)
    if (previous && previous.role === message.role) previous.parts.push(...message.parts)
    else merged.push({ role: message.role, parts: [...message.parts] })
  }
  return merged.filter((message) => message.parts.length > 0)
}
