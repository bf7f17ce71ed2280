import type { RequestFacts } from './request-facts.ts'
import type { ScenarioWhen } from './scenario.ts'
import type { SimRequest } from './sim-request.ts'
import { textMatches } from './text-pattern.ts'

/** Whether every condition of a rule holds for this request (an empty `when` always does). */
export const matchWhen = (when: ScenarioWhen, request: SimRequest, facts: RequestFacts): boolean => {
  const checks: Array<() => boolean> = []
  const { toolResult, lastToolResult, lastUserMessage, toolOffered, turn, protocol } = when
  if (toolResult === 'none') checks.push(() => facts.toolResultCount === 0)
  if (toolResult === 'any') checks.push(() => facts.toolResultCount > 0)
  if (toolResult === 'last') checks.push(() => facts.endsWithToolResult)
  if (lastToolResult) {
    checks.push(() => {
      const result = facts.lastToolResult
      if (!result) return false
      if (lastToolResult.contains && !textMatches(lastToolResult.contains, result.output)) return false
      return lastToolResult.isError === undefined || lastToolResult.isError === result.isError
    })
  }
  if (lastUserMessage) checks.push(() => textMatches(lastUserMessage.contains, facts.lastUserMessage))
  if (toolOffered) checks.push(() => request.tools.some((tool) => textMatches(toolOffered, tool.name)))
  if (when.noTools !== undefined) checks.push(() => (request.tools.length === 0) === when.noTools)
  if (when.structuredOutput !== undefined) {
    checks.push(() => (request.structuredOutput !== undefined) === when.structuredOutput)
  }
  if (typeof turn === 'number') checks.push(() => facts.turn === turn)
  else if (turn) checks.push(() => facts.turn >= (turn.min ?? 0) && facts.turn <= (turn.max ?? Infinity))
  if (protocol) checks.push(() => [protocol].flat().includes(request.protocol))
  if (when.model) checks.push(() => textMatches(when.model!, request.model))
  if (when.stream !== undefined) checks.push(() => request.stream === when.stream)
  return checks.every((check) => check())
}
