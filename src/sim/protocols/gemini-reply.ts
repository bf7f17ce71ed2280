import { randomId } from '../random-id.ts'
import type { SimMessageReply, SimReplyPart, SimUsage } from '../sim-reply.ts'
import type { SimRequest } from '../sim-request.ts'
import { splitText } from '../split-deltas.ts'
import { dataEvent, type StreamFrame } from './stream-frame.ts'
import { toolArguments } from './tool-arguments.ts'

const finishReasons = { end: 'STOP', tool_use: 'STOP', max_tokens: 'MAX_TOKENS' } as const

// Gemini counts thoughts apart from candidates, and (as proto3 JSON does) leaves out zero counts.
const usageOf = (usage: SimUsage) => ({
  promptTokenCount: usage.inputTokens,
  candidatesTokenCount: usage.outputTokens - usage.reasoningTokens,
  totalTokenCount: usage.inputTokens + usage.outputTokens,
  ...(usage.cachedInputTokens > 0 && { cachedContentTokenCount: usage.cachedInputTokens }),
  ...(usage.reasoningTokens > 0 && { thoughtsTokenCount: usage.reasoningTokens }),
})

const callOf = (part: Extract<SimReplyPart, { type: 'tool_call' }>) => ({
  functionCall: { name: part.name, args: toolArguments(part.input) },
})

type Chunk = { parts: object[]; text: string }

/** Each part as the content chunks the service streams: text a few words at a time, calls whole. */
const chunksOf = (part: SimReplyPart): Chunk[] => {
  if (part.type === 'tool_call') return [{ parts: [callOf(part)], text: part.input }]
  const thought = part.type === 'reasoning' ? { thought: true } : {}
  return splitText(part.text).map((piece) => ({ parts: [{ text: piece, ...thought }], text: piece }))
}

// An empty answer still needs one chunk to carry its finish reason.
const contentChunks = (reply: SimMessageReply): Chunk[] => {
  const chunks = reply.parts.flatMap(chunksOf)
  return chunks.length > 0 || reply.cut ? chunks : [{ parts: [{ text: '' }], text: '' }]
}

const response = (
  request: SimRequest,
  responseId: string,
  parts: object[],
  usage: object,
  finishReason?: string,
) => ({
  candidates: [{ content: { role: 'model', parts }, index: 0, ...(finishReason && { finishReason }) }],
  usageMetadata: usage,
  modelVersion: request.model,
  responseId,
})

/** The reply as one GenerateContentResponse. */
export const geminiJson = (reply: SimMessageReply, request: SimRequest): unknown => {
  const parts = reply.parts.map((part) =>
    part.type === 'tool_call'
      ? callOf(part)
      : { text: part.text, ...(part.type === 'reasoning' && { thought: true }) },
  )
  return response(request, randomId('', 22), parts, usageOf(reply.usage), finishReasons[reply.finish])
}

/**
 * The reply as the GenerateContentResponse chunks of a stream; the last carries the finish reason
 * and the full usage (a cut reply never gets there).
 */
export const geminiChunks = (reply: SimMessageReply, request: SimRequest): object[] => {
  const id = randomId('', 22)
  const chunks = contentChunks(reply)
  const running = { promptTokenCount: reply.usage.inputTokens, totalTokenCount: reply.usage.inputTokens }
  return chunks.map((chunk, index) =>
    !reply.cut && index === chunks.length - 1
      ? response(request, id, chunk.parts, usageOf(reply.usage), finishReasons[reply.finish])
      : response(request, id, chunk.parts, running),
  )
}

/** The chunks as `data:` server-sent events (`?alt=sse`). */
export const geminiStream = (reply: SimMessageReply, request: SimRequest): StreamFrame[] => {
  const texts = contentChunks(reply).map((chunk) => chunk.text)
  return geminiChunks(reply, request).map((chunk, index) => dataEvent(chunk, texts[index]))
}
