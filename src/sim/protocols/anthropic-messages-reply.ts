import { randomBytes } from 'node:crypto'
import { randomId } from '../random-id.ts'
import type { SimMessageReply, SimReplyPart, SimUsage } from '../sim-reply.ts'
import type { SimRequest } from '../sim-request.ts'
import { splitArguments, splitText } from '../split-deltas.ts'
import { namedEvent, type StreamFrame } from './stream-frame.ts'
import { toolArguments } from './tool-arguments.ts'

const stopReasons = { end: 'end_turn', tool_use: 'tool_use', max_tokens: 'max_tokens' } as const

/** Anthropic counts cache reads and writes apart from `input_tokens`; Cadre's inputTokens holds all three. */
const usageOf = (usage: SimUsage) => ({
  input_tokens: usage.inputTokens - usage.cachedInputTokens - usage.cacheWriteTokens,
  cache_creation_input_tokens: usage.cacheWriteTokens,
  cache_read_input_tokens: usage.cachedInputTokens,
  output_tokens: usage.outputTokens,
  ...(usage.reasoningTokens > 0 && { output_tokens_details: { thinking_tokens: usage.reasoningTokens } }),
})

// Real signatures are opaque encrypted blobs the client must send back untouched.
const signature = () => randomBytes(48).toString('base64')

const blockOf = (part: SimReplyPart) => {
  if (part.type === 'reasoning') return { type: 'thinking', thinking: part.text, signature: signature() }
  if (part.type === 'text') return { type: 'text', text: part.text, citations: null }
  return { type: 'tool_use', id: randomId('toolu_01'), name: part.name, input: toolArguments(part.input) }
}

const message = (request: SimRequest) => ({
  id: randomId('msg_01'),
  type: 'message',
  role: 'assistant',
  model: request.model,
  stop_sequence: null,
})

/** The reply as a non-streaming Messages response. */
export const anthropicJson = (reply: SimMessageReply, request: SimRequest): unknown => ({
  ...message(request),
  content: reply.parts.map(blockOf),
  stop_reason: stopReasons[reply.finish],
  usage: { ...usageOf(reply.usage), service_tier: 'standard' },
})

const blockFrames = (part: SimReplyPart, index: number): { open: StreamFrame[]; close: StreamFrame[] } => {
  const block = blockOf(part)
  const delta = (payload: Record<string, string>, text: string) =>
    namedEvent('content_block_delta', { type: 'content_block_delta', index, delta: payload }, text)
  const open = [
    namedEvent('content_block_start', { type: 'content_block_start', index, content_block: startOf(block) }),
  ]
  if (part.type === 'reasoning') {
    for (const piece of splitText(part.text))
      open.push(delta({ type: 'thinking_delta', thinking: piece }, piece))
    open.push(delta({ type: 'signature_delta', signature: (block as { signature: string }).signature }, ''))
  } else if (part.type === 'text') {
    for (const piece of splitText(part.text)) open.push(delta({ type: 'text_delta', text: piece }, piece))
  } else {
    const json = JSON.stringify((block as { input: unknown }).input)
    for (const piece of splitArguments(json))
      open.push(delta({ type: 'input_json_delta', partial_json: piece }, piece))
  }
  return { open, close: [namedEvent('content_block_stop', { type: 'content_block_stop', index })] }
}

// Blocks start empty and fill through deltas, as the service sends them.
const startOf = (block: ReturnType<typeof blockOf>) => {
  if (block.type === 'thinking') return { type: 'thinking', thinking: '', signature: '' }
  if (block.type === 'text') return { type: 'text', text: '', citations: null }
  return { ...block, input: {} }
}

/** The reply as a Messages event stream: message_start, ping, each block, message_delta, message_stop. */
export const anthropicStream = (reply: SimMessageReply, request: SimRequest): StreamFrame[] => {
  const usage = usageOf(reply.usage)
  // message_start knows the input; output is counted in message_delta once generation ends.
  const { output_tokens_details: _, ...started } = usage
  const frames = [
    namedEvent('message_start', {
      type: 'message_start',
      message: {
        ...message(request),
        content: [],
        stop_reason: null,
        usage: { ...started, output_tokens: 1, service_tier: 'standard' },
      },
    }),
    namedEvent('ping', { type: 'ping' }),
  ]
  reply.parts.forEach((part, index) => {
    const { open, close } = blockFrames(part, index)
    frames.push(...open)
    if (!reply.cut || index < reply.parts.length - 1) frames.push(...close)
  })
  if (reply.cut) return frames
  frames.push(
    namedEvent('message_delta', {
      type: 'message_delta',
      delta: { stop_reason: stopReasons[reply.finish], stop_sequence: null },
      usage,
    }),
    namedEvent('message_stop', { type: 'message_stop' }),
  )
  return frames
}
