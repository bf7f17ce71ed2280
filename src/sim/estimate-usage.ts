import type { ScenarioRule } from './scenario.ts'
import type { SimReplyPart, SimUsage } from './sim-reply.ts'
import type { SimRequest } from './sim-request.ts'

/** The usual rule of thumb: about four characters of English per token. */
export const estimateTokens = (text: string): number => Math.ceil(text.length / 4)

/** Everything a model would read from this request, as text, to estimate its prompt tokens. */
const promptText = (request: SimRequest): string => {
  const pieces = [request.system]
  for (const message of request.messages) {
    for (const part of message.parts) {
      if (part.type === 'text' || part.type === 'reasoning') pieces.push(part.text)
      else if (part.type === 'tool_call') pieces.push(part.call.name, JSON.stringify(part.call.input))
      else pieces.push(part.result.output)
    }
  }
  for (const tool of request.tools) pieces.push(tool.name, JSON.stringify(tool.schema ?? {}))
  return pieces.join('\n')
}

/**
 * The usage reported for a reply: the scenario's exact numbers where it gives them, estimates
 * (≈4 characters a token) for the rest, always consistent: output counts the reasoning, input the
 * cache reads and writes. (The scenario schema refuses given numbers that contradict each other.)
 */
export const estimateUsage = (
  request: SimRequest,
  parts: SimReplyPart[],
  given: ScenarioRule['usage'] = {},
): SimUsage => {
  const reasoning = parts.map((part) => (part.type === 'reasoning' ? part.text : '')).join('')
  const answer = parts
    .map((part) =>
      part.type === 'tool_call' ? part.name + part.input : part.type === 'text' ? part.text : '',
    )
    .join('')
  const estimatedReasoning = estimateTokens(reasoning)
  // Given reasoning without a given output must still fit inside the output it is part of.
  const outputTokens =
    given.outputTokens ?? Math.max(1, estimateTokens(answer) + (given.reasoningTokens ?? estimatedReasoning))
  const cachedInputTokens = given.cachedInputTokens ?? 0
  const cacheWriteTokens = given.cacheWriteTokens ?? 0
  return {
    inputTokens:
      given.inputTokens ??
      Math.max(1, estimateTokens(promptText(request))) + cachedInputTokens + cacheWriteTokens,
    outputTokens,
    cachedInputTokens,
    cacheWriteTokens,
    reasoningTokens: given.reasoningTokens ?? Math.min(outputTokens, estimatedReasoning),
  }
}
