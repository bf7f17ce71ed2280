import { z } from 'zod'
import type { SimMessage, SimPart, SimRequest, SimTool } from '../sim-request.ts'
import { mergeTurns } from './merge-turns.ts'
import { openaiResponsesJson, openaiResponsesStream } from './openai-responses-reply.ts'
import { parseBody } from './parse-body.ts'
import { parseArguments, toolOutputText } from './tool-output-text.ts'
import type { WireProtocol } from './wire-protocol.ts'

const Item = z.looseObject({ type: z.string().optional(), role: z.string().optional() })

/** A Responses API request; only what the simulator reads is checked, the rest passes. */
const ResponsesBody = z.looseObject({
  model: z.string().min(1),
  input: z.union([z.string(), z.array(Item)]).optional(),
  instructions: z.string().nullish(),
  tools: z
    .array(
      z.looseObject({
        type: z.string(),
        name: z.string().optional(),
        parameters: z.unknown().optional(),
        tools: z.array(z.looseObject({ type: z.string(), name: z.string().optional() })).optional(),
      }),
    )
    .optional(),
  stream: z.boolean().nullish(),
  text: z
    .looseObject({ format: z.looseObject({ type: z.string(), schema: z.unknown().optional() }).optional() })
    .nullish(),
})

const contentText = (content: unknown): string => {
  if (typeof content === 'string') return content
  if (!Array.isArray(content)) return ''
  return content
    .map((part) => (part && typeof part === 'object' && typeof part.text === 'string' ? part.text : ''))
    .filter(Boolean)
    .join('\n')
}

const str = (value: unknown) => (typeof value === 'string' ? value : '')

/** One input item as a message of the conversation, or as system text. */
const toMessage = (item: z.infer<typeof Item>, system: string[]): SimMessage | undefined => {
  const value = item as Record<string, unknown>
  const type = item.type ?? 'message'
  const call = (input: unknown): SimMessage => ({
    role: 'assistant',
    parts: [{ type: 'tool_call', call: { id: str(value.call_id), name: str(value.name), input } }],
  })
  const result = (): SimMessage => ({
    role: 'user',
    parts: [
      {
        type: 'tool_result',
        result: { id: str(value.call_id), output: toolOutputText(value.output), isError: false },
      },
    ],
  })
  switch (type) {
    case 'message': {
      const text = contentText(value.content)
      if (item.role === 'system' || item.role === 'developer') {
        system.push(text)
        return undefined
      }
      const parts: SimPart[] = text ? [{ type: 'text', text }] : []
      return { role: item.role === 'assistant' ? 'assistant' : 'user', parts }
    }
    case 'function_call':
      return call(parseArguments(str(value.arguments)))
    case 'custom_tool_call':
      return call(str(value.input))
    case 'function_call_output':
    case 'custom_tool_call_output':
      return result()
    case 'reasoning': {
      const text = [value.summary, value.content].map(contentText).filter(Boolean).join('\n')
      return { role: 'assistant', parts: [{ type: 'reasoning', text }] }
    }
    default:
      return undefined
  }
}

type OfferedTool = {
  type: string
  name?: string
  parameters?: unknown
  format?: unknown
  tools?: OfferedTool[]
}

const toTool = (tool: OfferedTool): SimTool[] => {
  if (!tool.name) return []
  // A namespace groups tools (Codex: one per MCP server); a call names the tool and its namespace.
  if (tool.type === 'namespace') {
    const namespace = tool.name
    return (tool.tools ?? []).flatMap(toTool).map((inner) => ({ ...inner, namespace }))
  }
  if (tool.type === 'function') return [{ name: tool.name, kind: 'function', schema: tool.parameters }]
  if (tool.type === 'custom') return [{ name: tool.name, kind: 'custom', schema: tool.format }]
  return []
}

const parse = (body: unknown): SimRequest => {
  const request = parseBody(ResponsesBody, body)
  const system = request.instructions ? [request.instructions] : []
  const input =
    typeof request.input === 'string' ? [{ role: 'user', content: request.input }] : (request.input ?? [])
  const messages = input.flatMap((item) => toMessage(item, system) ?? [])
  const format = request.text?.format
  return {
    protocol: 'openai-responses',
    model: request.model,
    stream: request.stream === true,
    system: system.filter(Boolean).join('\n\n'),
    messages: mergeTurns(messages),
    tools: (request.tools ?? []).flatMap(toTool),
    structuredOutput:
      format?.type === 'json_schema'
        ? { schema: format.schema }
        : format?.type === 'json_object'
          ? {}
          : undefined,
  }
}

/** OpenAI Responses (`POST /v1/responses`), as Codex and the OpenAI SDK speak it. */
export const openaiResponses: WireProtocol = {
  name: 'openai-responses',
  parse,
  json: openaiResponsesJson,
  stream: openaiResponsesStream,
}
