import type { ModelMessage, ToolContent } from 'ai'
import type { StoredEvent } from '../core/events/registry.ts'
import { effectiveHistory } from './effective-history.ts'
import type { ModelStep } from './stream-model-step.ts'

/** What the model is told about a tool call that started but never finished (the server died). */
export const interruptedToolOutput =
  'This tool call was interrupted before it finished (Cadre restarted). Its effects may be partial: check before running it again.'

/** What the model is told about a tool call that never began (the server died before it). */
export const notRunToolOutput =
  'This tool call did not run (Cadre restarted before it began). Call it again if it is still needed.'

export interface Conversation {
  messages: ModelMessage[]
  /** The last reply's calls that never started (awaiting approval, or cut off): run them first. */
  pending: ModelStep['calls']
  /** Decisions people took on approval requests, by tool call. */
  decisions: ReadonlyMap<string, 'allow' | 'deny'>
}

/**
 * The conversation of one thread as the model saw it, rebuilt from the stored events: user
 * messages, each model reply with its tool calls, and each call's result. A call that started and
 * never finished is answered as interrupted; the last reply's calls that never began are pending,
 * to be run before the model is asked again. This is how a run resumes after a crash or an
 * approval, and how a follow-up goes on. What a rollback took back is left out.
 */
export const conversationFromEvents = (log: readonly StoredEvent[], threadId: string): Conversation => {
  const events = effectiveHistory(log)
  const messages: ModelMessage[] = []
  const started = new Set<string>()
  const finished = new Map<string, { output: string; isError: boolean }>()
  const decisions = new Map<string, 'allow' | 'deny'>()
  let lastReply = -1
  events.forEach((event, index) => {
    if (event.type === 'tool.started' && event.data.threadId === threadId) started.add(event.data.callId)
    if (event.type === 'tool.finished' && event.data.threadId === threadId)
      finished.set(event.data.callId, event.data)
    if (event.type === 'approval.decided') decisions.set(event.data.approvalId, event.data.decision)
    if (event.type === 'message.assistant' && event.data.threadId === threadId) lastReply = index
  })
  let pending: ModelStep['calls'] = []
  events.forEach((event, index) => {
    if (!('threadId' in event.data) || event.data.threadId !== threadId) return
    if (event.type === 'message.user') messages.push({ role: 'user', content: event.data.text })
    if (event.type !== 'message.assistant') return
    const calls = event.data.toolCalls
    messages.push({
      role: 'assistant',
      content: [
        ...(event.data.text ? [{ type: 'text' as const, text: event.data.text }] : []),
        ...calls.map((call) => ({
          type: 'tool-call' as const,
          toolCallId: call.callId,
          toolName: call.tool,
          input: call.input,
        })),
      ],
    })
    const answered = index === lastReply ? calls.filter((call) => started.has(call.callId)) : calls
    if (index === lastReply) pending = calls.filter((call) => !started.has(call.callId))
    if (answered.length === 0) return
    const results: ToolContent = answered.map((call) => {
      const result = finished.get(call.callId)
      const value = result?.output ?? (started.has(call.callId) ? interruptedToolOutput : notRunToolOutput)
      return {
        type: 'tool-result',
        toolCallId: call.callId,
        toolName: call.tool,
        output: !result || result.isError ? { type: 'error-text', value } : { type: 'text', value },
      }
    })
    messages.push({ role: 'tool', content: results })
  })
  return { messages, pending, decisions }
}
