import { type ModelMessage, streamText, type ToolSet } from 'ai'
import { type Usage, zeroUsage } from '../core/entities.ts'
import type { EventInput } from '../core/events/registry.ts'
import type { ResolvedModel } from '../models/model-client.ts'
import { cachedPrompt } from '../models/prompt-caching.ts'
import { toUsage } from '../models/to-usage.ts'
import { ModelStalledError } from './transient-model-error.ts'

export interface ModelStep {
  text: string
  reasoning: string
  calls: { callId: string; tool: string; input: unknown }[]
  usage: Usage
  finishReason: string
  /** The reply as model messages, to append to the conversation. */
  messages: ModelMessage[]
  /** true when the signal aborted the call. */
  aborted: boolean
}

type Delta = EventInput<'assistant.delta' | 'reasoning.delta' | 'tool.input_delta'>

/**
 * One streamed model call: its text, reasoning and tool-input pieces go to `onDelta` as they come,
 * tagged with `blockPrefix` so a retried attempt streams into new blocks. Throws the provider's
 * error (a status, a dropped stream) for the caller to retry or give up on.
 */
export const streamModelStep = async (options: {
  model: Pick<ResolvedModel, 'languageModel' | 'kind'>
  system: string
  messages: ModelMessage[]
  tools: ToolSet
  signal: AbortSignal
  threadId: string
  blockPrefix: string
  onDelta: (delta: Delta) => void
  /** Silence allowed before the first piece of the reply, and between pieces. */
  silence: { firstOutputMs: number; silenceMs: number }
}): Promise<ModelStep> => {
  const { silence } = options
  // A stream that goes silent is ended here and reported as stalled (a dropped stream, retried);
  // only the caller's own signal means "stop". The SDK's chunk timeouts start only once the
  // provider has sent something, so they would not see a server that never answers.
  let started = false
  const quiet = new AbortController()
  let timer = setTimeout(() => quiet.abort(), silence.firstOutputMs)
  const heard = () => {
    started = true
    clearTimeout(timer)
    timer = setTimeout(() => quiet.abort(), silence.silenceMs)
  }
  const stalled = () => new ModelStalledError(started ? silence.silenceMs : silence.firstOutputMs, started)
  try {
    return await readStep(options, AbortSignal.any([options.signal, quiet.signal]), heard)
  } catch (error) {
    if (quiet.signal.aborted && !options.signal.aborted) throw stalled()
    throw error
  } finally {
    clearTimeout(timer)
  }
}

/** Parts that are the reply itself (text, reasoning, tool calls, its end), not the stream's bookkeeping. */
const replyPiece = /-(start|delta|end)$|^tool-call$|^finish/

/** The step's stream read to its end; `heard` is called on every piece of the reply. */
const readStep = async (
  options: Parameters<typeof streamModelStep>[0],
  signal: AbortSignal,
  heard: () => void,
): Promise<ModelStep> => {
  const { threadId, blockPrefix, onDelta } = options
  const result = streamText({
    model: options.model.languageModel,
    ...cachedPrompt(options.model.kind, {
      system: options.system,
      messages: options.messages,
      cacheKey: threadId,
    }),
    tools: options.tools,
    maxRetries: 0, // retried by the caller, which tells the user
    abortSignal: signal,
    onError: () => {}, // the error part below carries it to the caller; nothing is logged here
  })
  const step: ModelStep = {
    text: '',
    reasoning: '',
    calls: [],
    usage: zeroUsage,
    finishReason: '',
    messages: [],
    aborted: false,
  }
  const callNames = new Map<string, string>()
  for await (const part of result.fullStream) {
    if (replyPiece.test(part.type)) heard()
    if (part.type === 'text-delta') {
      step.text += part.text
      onDelta({
        type: 'assistant.delta',
        data: { threadId, blockId: `${blockPrefix}:text`, text: part.text },
      })
    } else if (part.type === 'reasoning-delta') {
      step.reasoning += part.text
      onDelta({
        type: 'reasoning.delta',
        data: { threadId, blockId: `${blockPrefix}:reasoning`, text: part.text },
      })
    } else if (part.type === 'tool-input-start') {
      callNames.set(part.id, part.toolName)
    } else if (part.type === 'tool-input-delta') {
      const tool = callNames.get(part.id) ?? ''
      onDelta({ type: 'tool.input_delta', data: { threadId, callId: part.id, tool, text: part.delta } })
    } else if (part.type === 'tool-call') {
      step.calls.push({ callId: part.toolCallId, tool: part.toolName, input: part.input })
    } else if (part.type === 'error') {
      throw part.error
    } else if (part.type === 'abort') {
      if (!options.signal.aborted) throw new Error('the model call was aborted') // silence: see above
      return { ...step, aborted: true }
    }
  }
  step.usage = toUsage(await result.usage)
  step.finishReason = await result.finishReason
  step.messages = (await result.response).messages
  return step
}
