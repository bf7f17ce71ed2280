import { z } from 'zod'
import type { SimMessage, SimPart, SimRequest, SimTool } from '../sim-request.ts'
import { mergeTurns } from './merge-turns.ts'
import { openaiChatJson, openaiChatStream } from './openai-chat-reply.ts'
import { parseBody } from './parse-body.ts'
import { parseArguments, toolOutputText } from './tool-output-text.ts'
import type { WireProtocol } from './wire-protocol.ts'

const Content = z
  .union([z.string(), z.array(z.looseObject({ type: z.string().optional() })), z.null()])
  .optional()
const ToolCall = z.looseObject({
  id: z.string().optional(),
  type: z.string().optional(),
  function: z.looseObject({ name: z.string(), arguments: z.string().optional() }).optional(),
  custom: z.looseObject({ name: z.string(), input: z.string().optional() }).optional(),
})

/** A Chat Completions request; only what the simulator reads is checked, the rest passes. */
const ChatBody = z.looseObject({
  model: z.string().min(1),
  messages: z.array(
    z.looseObject({
      role: z.enum(['system', 'developer', 'user', 'assistant', 'tool', 'function']),
      content: Content,
      tool_calls: z.array(ToolCall).nullish(),
      tool_call_id: z.string().optional(),
      name: z.string().optional(),
      reasoning_content: z.string().nullish(),
    }),
  ),
  tools: z
    .array(
      z.looseObject({
        type: z.string(),
        function: z.looseObject({ name: z.string(), parameters: z.unknown().optional() }).optional(),
        custom: z.looseObject({ name: z.string() }).optional(),
      }),
    )
    .optional(),
  stream: z.boolean().nullish(),
  stream_options: z.looseObject({ include_usage: z.boolean().optional() }).nullish(),
  response_format: z
    .looseObject({
      type: z.string(),
      json_schema: z.looseObject({ schema: z.unknown().optional() }).optional(),
    })
    .nullish(),
})

const contentText = (content: z.infer<typeof Content>): string => toolOutputText(content ?? '')

const toMessage = (message: z.infer<typeof ChatBody>['messages'][number], system: string[]): SimMessage[] => {
  const text = contentText(message.content)
  switch (message.role) {
    case 'system':
    case 'developer':
      system.push(text)
      return []
    case 'tool':
    case 'function': {
      const result = { id: message.tool_call_id ?? message.name ?? '', output: text, isError: false }
      return [{ role: 'user', parts: [{ type: 'tool_result', result }] }]
    }
    case 'user':
      return [{ role: 'user', parts: text ? [{ type: 'text', text }] : [] }]
    case 'assistant': {
      const parts: SimPart[] = []
      if (message.reasoning_content) parts.push({ type: 'reasoning', text: message.reasoning_content })
      if (text) parts.push({ type: 'text', text })
      for (const call of message.tool_calls ?? []) {
        const id = call.id ?? ''
        if (call.function) {
          const input = parseArguments(call.function.arguments ?? '')
          parts.push({ type: 'tool_call', call: { id, name: call.function.name, input } })
        } else if (call.custom) {
          parts.push({
            type: 'tool_call',
            call: { id, name: call.custom.name, input: call.custom.input ?? '' },
          })
        }
      }
      return [{ role: 'assistant', parts }]
    }
  }
}

const toTool = (tool: NonNullable<z.infer<typeof ChatBody>['tools']>[number]): SimTool[] => {
  if (tool.type === 'function' && tool.function) {
    return [{ name: tool.function.name, kind: 'function', schema: tool.function.parameters }]
  }
  if (tool.type === 'custom' && tool.custom) return [{ name: tool.custom.name, kind: 'custom' }]
  return []
}

const parse = (body: unknown): SimRequest => {
  const request = parseBody(ChatBody, body)
  const system: string[] = []
  const messages = request.messages.flatMap((message) => toMessage(message, system))
  const format = request.response_format
  return {
    protocol: 'openai-chat',
    model: request.model,
    stream: request.stream === true,
    system: system.filter(Boolean).join('\n\n'),
    messages: mergeTurns(messages),
    tools: (request.tools ?? []).flatMap(toTool),
    structuredOutput:
      format?.type === 'json_schema'
        ? { schema: format.json_schema?.schema }
        : format?.type === 'json_object'
          ? {}
          : undefined,
    includeUsage: request.stream_options?.include_usage === true,
  }
}

/** OpenAI Chat Completions (`POST /v1/chat/completions`), as OpenCode and most compatibles speak it. */
export const openaiChat: WireProtocol = {
  name: 'openai-chat',
  parse,
  json: openaiChatJson,
  stream: openaiChatStream,
}
