import { randomId } from '../random-id.ts'
import type { SimMessageReply, SimUsage } from '../sim-reply.ts'
import type { SimRequest } from '../sim-request.ts'
import { splitArguments, splitText } from '../split-deltas.ts'
import { dataEvent, type StreamFrame } from './stream-frame.ts'

const finishReasons = { end: 'stop', tool_use: 'tool_calls', max_tokens: 'length' } as const

// Chat has one content string per message: separate text items read as paragraphs.
const paragraphBreak = '\n\n'

const usageOf = (usage: SimUsage) => ({
  prompt_tokens: usage.inputTokens,
  completion_tokens: usage.outputTokens,
  total_tokens: usage.inputTokens + usage.outputTokens,
  prompt_tokens_details: { cached_tokens: usage.cachedInputTokens },
  completion_tokens_details: { reasoning_tokens: usage.reasoningTokens },
})

const toolCalls = (reply: SimMessageReply) =>
  reply.parts.flatMap((part) => (part.type === 'tool_call' ? [{ ...part, id: randomId('call_') }] : []))

const joined = (reply: SimMessageReply, type: 'text' | 'reasoning') =>
  reply.parts.flatMap((part) => (part.type === type ? [part.text] : [])).join(paragraphBreak)

const wireCall = (call: ReturnType<typeof toolCalls>[number]) =>
  call.kind === 'custom'
    ? { id: call.id, type: 'custom', custom: { name: call.name, input: call.input } }
    : { id: call.id, type: 'function', function: { name: call.name, arguments: call.input } }

/** The reply as a non-streaming chat.completion. */
export const openaiChatJson = (reply: SimMessageReply, request: SimRequest): unknown => {
  const calls = toolCalls(reply)
  const reasoning = joined(reply, 'reasoning')
  return {
    id: randomId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: joined(reply, 'text') || null,
          refusal: null,
          ...(reasoning && { reasoning_content: reasoning }),
          ...(calls.length > 0 && { tool_calls: calls.map(wireCall) }),
        },
        logprobs: null,
        finish_reason: finishReasons[reply.finish],
      },
    ],
    usage: usageOf(reply.usage),
    system_fingerprint: null,
  }
}

/** The reply as chat.completion.chunk events ending with `data: [DONE]`. */
export const openaiChatStream = (reply: SimMessageReply, request: SimRequest): StreamFrame[] => {
  const base = {
    id: randomId('chatcmpl-'),
    object: 'chat.completion.chunk',
    created: Math.floor(Date.now() / 1000),
    model: request.model,
    system_fingerprint: null,
  }
  // With include_usage the service sends `usage: null` on every chunk but the last.
  const usageField = request.includeUsage ? { usage: null } : {}
  const chunk = (delta: object, text = '', finish_reason: string | null = null) =>
    dataEvent({ ...base, choices: [{ index: 0, delta, logprobs: null, finish_reason }], ...usageField }, text)
  const frames = [chunk({ role: 'assistant', content: '' })]
  const seen = { text: false, reasoning: false }
  for (const part of reply.parts) {
    if (part.type === 'tool_call') continue
    const field = part.type === 'text' ? 'content' : 'reasoning_content'
    const pieces = splitText(part.text)
    if (seen[part.type] && pieces.length > 0) pieces[0] = paragraphBreak + pieces[0]
    seen[part.type] ||= pieces.length > 0
    for (const piece of pieces) frames.push(chunk({ [field]: piece }, piece))
  }
  toolCalls(reply).forEach((call, index) => {
    const custom = call.kind === 'custom'
    // The first chunk of a call names it; the arguments follow in pieces.
    const head = custom
      ? { index, id: call.id, type: 'custom', custom: { name: call.name, input: '' } }
      : { index, id: call.id, type: 'function', function: { name: call.name, arguments: '' } }
    frames.push(chunk({ tool_calls: [head] }))
    for (const piece of splitArguments(call.input)) {
      const payload = custom ? { custom: { input: piece } } : { function: { arguments: piece } }
      frames.push(chunk({ tool_calls: [{ index, ...payload }] }, piece))
    }
  })
  if (reply.cut) return frames
  frames.push(chunk({}, '', finishReasons[reply.finish]))
  if (request.includeUsage) frames.push(dataEvent({ ...base, choices: [], usage: usageOf(reply.usage) }))
  frames.push(dataEvent('[DONE]'))
  return frames
}
