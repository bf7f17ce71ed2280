import { randomId } from '../random-id.ts'
import type { SimMessageReply, SimReplyPart } from '../sim-reply.ts'
import type { SimRequest } from '../sim-request.ts'
import { splitArguments, splitText } from '../split-deltas.ts'
import { namedEvent, type StreamFrame } from './stream-frame.ts'

type Item = Record<string, unknown> & { id: string; type: string }

/** Each part as the finished output item the service returns; ids are fixed here so events agree. */
const itemOf = (part: SimReplyPart): Item => {
  if (part.type === 'reasoning') {
    return { id: randomId('rs_'), type: 'reasoning', summary: [{ type: 'summary_text', text: part.text }] }
  }
  if (part.type === 'text') {
    const content = [{ type: 'output_text', text: part.text, annotations: [], logprobs: [] }]
    return { id: randomId('msg_'), type: 'message', status: 'completed', role: 'assistant', content }
  }
  const call = {
    call_id: randomId('call_'),
    name: part.name,
    ...(part.namespace && { namespace: part.namespace }),
    status: 'completed',
  }
  if (part.kind === 'custom')
    return { id: randomId('ctc_'), type: 'custom_tool_call', ...call, input: part.input }
  return { id: randomId('fc_'), type: 'function_call', ...call, arguments: part.input }
}

const response = (request: SimRequest, id: string, reply: SimMessageReply, output: Item[] | undefined) => {
  const { usage } = reply
  const incomplete = reply.finish === 'max_tokens'
  return {
    id,
    object: 'response',
    created_at: Math.floor(Date.now() / 1000),
    status: output === undefined ? 'in_progress' : incomplete ? 'incomplete' : 'completed',
    background: false,
    error: null,
    incomplete_details: output !== undefined && incomplete ? { reason: 'max_output_tokens' } : null,
    instructions: null,
    max_output_tokens: null,
    model: request.model,
    output: output ?? [],
    parallel_tool_calls: true,
    previous_response_id: null,
    reasoning: { effort: null, summary: null },
    store: false,
    temperature: 1,
    text: { format: { type: 'text' } },
    tool_choice: 'auto',
    tools: [],
    top_p: 1,
    truncation: 'disabled',
    usage:
      output === undefined
        ? null
        : {
            input_tokens: usage.inputTokens,
            input_tokens_details: { cached_tokens: usage.cachedInputTokens },
            output_tokens: usage.outputTokens,
            output_tokens_details: { reasoning_tokens: usage.reasoningTokens },
            total_tokens: usage.inputTokens + usage.outputTokens,
          },
    user: null,
    metadata: {},
  }
}

/** The reply as a non-streaming Responses API response. */
export const openaiResponsesJson = (reply: SimMessageReply, request: SimRequest): unknown =>
  response(request, randomId('resp_'), reply, reply.parts.map(itemOf))

/** The events of one output item: `open` up to its last delta, `close` from its `.done` events on. */
const itemEvents = (part: SimReplyPart, item: Item, output_index: number) => {
  const at = { item_id: item.id, output_index }
  const started =
    item.type === 'reasoning'
      ? { ...item, summary: [] }
      : item.type === 'message'
        ? { ...item, status: 'in_progress', content: [] }
        : { ...item, status: 'in_progress', [item.type === 'function_call' ? 'arguments' : 'input']: '' }
  const open: Array<[string, object, string?]> = [
    ['response.output_item.added', { output_index, item: started }],
  ]
  const close: Array<[string, object, string?]> = []
  if (part.type === 'reasoning') {
    const summary = { ...at, summary_index: 0 }
    open.push([
      'response.reasoning_summary_part.added',
      { ...summary, part: { type: 'summary_text', text: '' } },
    ])
    for (const delta of splitText(part.text))
      open.push(['response.reasoning_summary_text.delta', { ...summary, delta }, delta])
    close.push(['response.reasoning_summary_text.done', { ...summary, text: part.text }])
    close.push([
      'response.reasoning_summary_part.done',
      { ...summary, part: { type: 'summary_text', text: part.text } },
    ])
  } else if (part.type === 'text') {
    const content = { ...at, content_index: 0 }
    const textPart = (text: string) => ({ type: 'output_text', text, annotations: [], logprobs: [] })
    open.push(['response.content_part.added', { ...content, part: textPart('') }])
    for (const delta of splitText(part.text))
      open.push(['response.output_text.delta', { ...content, delta, logprobs: [] }, delta])
    close.push(['response.output_text.done', { ...content, text: part.text, logprobs: [] }])
    close.push(['response.content_part.done', { ...content, part: textPart(part.text) }])
  } else if (part.kind === 'custom') {
    for (const delta of splitArguments(part.input))
      open.push(['response.custom_tool_call_input.delta', { ...at, delta }, delta])
    close.push(['response.custom_tool_call_input.done', { ...at, input: part.input }])
  } else {
    for (const delta of splitArguments(part.input))
      open.push(['response.function_call_arguments.delta', { ...at, delta }, delta])
    close.push(['response.function_call_arguments.done', { ...at, name: part.name, arguments: part.input }])
  }
  close.push(['response.output_item.done', { output_index, item }])
  return { open, close }
}

/** The reply as a Responses event stream, every event numbered by `sequence_number`. */
export const openaiResponsesStream = (reply: SimMessageReply, request: SimRequest): StreamFrame[] => {
  const id = randomId('resp_')
  const items = reply.parts.map(itemOf)
  const events: Array<[string, object, string?]> = [
    ['response.created', { response: response(request, id, reply, undefined) }],
    ['response.in_progress', { response: response(request, id, reply, undefined) }],
  ]
  reply.parts.forEach((part, index) => {
    const { open, close } = itemEvents(part, items[index]!, index)
    events.push(...open)
    if (!reply.cut || index < reply.parts.length - 1) events.push(...close)
  })
  if (!reply.cut) {
    const done = reply.finish === 'max_tokens' ? 'response.incomplete' : 'response.completed'
    events.push([done, { response: response(request, id, reply, items) }])
  }
  return events.map(([type, fields, delta], sequence_number) =>
    namedEvent(type, { type, ...fields, sequence_number }, delta),
  )
}
