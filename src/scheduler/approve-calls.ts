import { isDeepStrictEqual } from 'node:util'
import { evaluatePolicy } from '../agent/evaluate-policy.ts'
import type { StoredEvent } from '../core/events/registry.ts'
import type { AgentMode, PolicyRule, PolicySettings } from '../core/settings.ts'
import type { ToolCallRequest, ToolDecision } from '../runtimes/agent-runtime.ts'

interface ApproveDeps {
  policy: PolicySettings
  globalRules: readonly PolicyRule[]
  mode: AgentMode
  /** The task's events so far: the decisions a person already gave. */
  events: readonly StoredEvent[]
}

/** What a person decided about this very call (same tool, same subject), if they were asked. */
const decidedBefore = (events: readonly StoredEvent[], call: ToolCallRequest) => {
  const asked = new Set(
    events.flatMap((event) =>
      event.type === 'approval.requested' &&
      event.data.kind !== 'plan' &&
      event.data.tool === call.tool &&
      isDeepStrictEqual(event.data.input, call.input)
        ? [event.data.approvalId]
        : [],
    ),
  )
  return events.findLast((event) => event.type === 'approval.decided' && asked.has(event.data.approvalId)) as
    | Extract<StoredEvent, { type: 'approval.decided' }>
    | undefined
}

/**
 * Cadre's policy over an external agent's tool calls, the same rules as for the built-in agent: a
 * call a person already decided on is answered so (the agent makes it again once the run resumes);
 * otherwise the project's and global rules decide, and `ask` pauses the run for a person.
 */
export const approveCalls =
  ({ policy, globalRules, mode, events }: ApproveDeps) =>
  async (call: ToolCallRequest): Promise<ToolDecision> => {
    const decided = decidedBefore(events, call)
    if (decided?.data.decision === 'allow') return { behavior: 'allow' }
    if (decided?.data.decision === 'deny')
      return { behavior: 'deny', message: 'The person refused this call: do not make it again.' }
    const decision = evaluatePolicy(
      policy,
      mode,
      { name: call.tool, readOnly: call.readOnly },
      call.input,
      globalRules,
    )
    if (decision.action === 'allow') return { behavior: 'allow' }
    if (decision.action === 'deny')
      return { behavior: 'deny', message: `Refused by Cadre: ${decision.reason}` }
    return { behavior: 'ask', reason: decision.reason }
  }
