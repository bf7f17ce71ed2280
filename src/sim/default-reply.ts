import { estimateUsage } from './estimate-usage.ts'
import { minimalInstance } from './minimal-instance.ts'
import type { RequestFacts } from './request-facts.ts'
import type { SimPace, SimReply } from './sim-reply.ts'
import type { SimRequest } from './sim-request.ts'

const echoLength = 200

/**
 * The answer when no rule matches: JSON that satisfies the requested schema when structured output
 * was asked for (side calls such as titles and routers parse it), otherwise a short text echoing
 * the last user message.
 */
export const defaultReply = (request: SimRequest, facts: RequestFacts, pace: SimPace): SimReply => {
  const said = facts.lastUserMessage.replace(/\s+/g, ' ').trim()
  const text = request.structuredOutput
    ? JSON.stringify(minimalInstance(request.structuredOutput.schema ?? {}))
    : said
      ? `You said: ${said.length > echoLength ? `${said.slice(0, echoLength)}…` : said}`
      : 'Hello from the Cadre model simulator.'
  const parts = [{ type: 'text' as const, text }]
  return {
    type: 'message',
    parts,
    usage: estimateUsage(request, parts),
    exactInput: false,
    finish: 'end',
    cut: false,
    pace,
  }
}
