import { defaultReply } from './default-reply.ts'
import { estimateUsage } from './estimate-usage.ts'
import { fillTemplates } from './fill-templates.ts'
import { fitToolInput } from './fit-tool-input.ts'
import { matchWhen } from './match-when.ts'
import { requestFacts } from './request-facts.ts'
import { resolveTool, toolInputText } from './resolve-tool.ts'
import type { Scenario, ScenarioReplyItem } from './scenario.ts'
import type { ScenarioErrorKind, SimPace, SimReply, SimReplyPart } from './sim-reply.ts'
import type { SimRequest } from './sim-request.ts'

const errorMessages: Record<ScenarioErrorKind, string> = {
  rate_limit: 'Rate limit exceeded (simulated). Retry after the indicated delay.',
  server_error: 'Internal server error (simulated).',
  overloaded: 'The model is overloaded (simulated). Please try again later.',
}

/**
 * The reply a scenario gives this request: its first rule whose conditions all hold, with
 * templates filled and tool names matched to the offered tools; the built-in default when none
 * does. Decided from the request alone, so parallel sessions and side calls need no bookkeeping.
 */
export const chooseReply = (scenario: Scenario | undefined, request: SimRequest): SimReply => {
  const facts = requestFacts(request)
  const pace: SimPace = {
    latencyMs: scenario?.pace?.latencyMs ?? 0,
    tokensPerSecond: scenario?.pace?.tokensPerSecond ?? 0,
  }
  const rule = scenario?.rules.find((candidate) => matchWhen(candidate.when ?? {}, request, facts))
  if (!rule) return defaultReply(request, facts, pace)
  const items: ScenarioReplyItem[] = fillTemplates(rule.reply, {
    cwd: facts.cwd ?? '.',
    lastToolResult: facts.lastToolResult?.output ?? '',
    lastUserMessage: facts.lastUserMessage,
    model: request.model,
    turn: String(facts.turn),
  })
  const failure = items.find((item) => item.error !== undefined)
  if (failure?.error) {
    return {
      type: 'error',
      kind: failure.error,
      message: failure.message ?? errorMessages[failure.error],
      retryAfterSeconds: failure.retryAfterSeconds,
      pace,
    }
  }
  const parts = items.flatMap((item) => toPart(item, request))
  return {
    type: 'message',
    parts,
    usage: estimateUsage(request, parts, rule.usage),
    exactInput: ['inputTokens', 'cachedInputTokens', 'cacheWriteTokens'].some(
      (field) => rule.usage?.[field as keyof typeof rule.usage] !== undefined,
    ),
    finish:
      rule.finish === 'max_tokens'
        ? 'max_tokens'
        : parts.some((part) => part.type === 'tool_call')
          ? 'tool_use'
          : 'end',
    cut: items.some((item) => item.cut),
    pace,
  }
}

const toPart = (item: ScenarioReplyItem, request: SimRequest): SimReplyPart[] => {
  if (item.reasoning !== undefined) return [{ type: 'reasoning', text: item.reasoning }]
  if (item.text !== undefined) return [{ type: 'text', text: item.text }]
  if (item.json !== undefined) return [{ type: 'text', text: JSON.stringify(item.json) }]
  if (item.toolCall) {
    const tool = resolveTool(item.toolCall.tool, request.tools)
    return [
      {
        type: 'tool_call',
        name: tool.name,
        kind: tool.kind,
        ...(tool.namespace && { namespace: tool.namespace }),
        input: toolInputText(fitToolInput(item.toolCall.input, tool.schema), tool.kind),
      },
    ]
  }
  return []
}
