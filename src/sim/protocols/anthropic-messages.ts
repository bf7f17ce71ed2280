import { z } from 'zod'
import type { SimMessage, SimPart, SimRequest } from '../sim-request.ts'
import { anthropicJson, anthropicStream } from './anthropic-messages-reply.ts'
import { mergeTurns } from './merge-turns.ts'
import { parseBody } from './parse-body.ts'
import { toolOutputText } from './tool-output-text.ts'
import type { WireProtocol } from './wire-protocol.ts'

const Block = z.looseObject({ type: z.string() })
const Content = z.union([z.string(), z.array(Block)])
const JsonFormat = z.looseObject({ type: z.string(), schema: z.unknown().optional() }).nullish()

/** A Messages API request; only what the simulator reads is checked, the rest passes. */
const MessagesBody = z.looseObject({
  model: z.string().min(1),
  // Claude Code sends its environment block as a `role: "system"` message inside `messages`.
  messages: z.array(z.looseObject({ role: z.enum(['user', 'assistant', 'system']), content: Content })),
  system: z
    .union([z.string(), z.array(z.looseObject({ type: z.string(), text: z.string().optional() }))])
    .optional(),
  tools: z
    .array(
      z.looseObject({
        name: z.string().min(1),
        type: z.string().optional(),
        input_schema: z.unknown().optional(),
      }),
    )
    .optional(),
  stream: z.boolean().optional(),
  output_config: z.looseObject({ format: JsonFormat }).nullish(),
  output_format: JsonFormat,
})

const textOf = (content: z.infer<typeof Content> | undefined): string => {
  if (content === undefined) return ''
  if (typeof content === 'string') return content
  return content.map((block) => (typeof block.text === 'string' ? block.text : '')).join('\n')
}

const toPart = (block: z.infer<typeof Block>): SimPart[] => {
  const value = block as Record<string, unknown>
  switch (block.type) {
    case 'text':
      return [{ type: 'text', text: String(value.text ?? '') }]
    case 'thinking':
      return [{ type: 'reasoning', text: String(value.thinking ?? '') }]
    case 'tool_use':
    case 'server_tool_use':
      return [
        {
          type: 'tool_call',
          call: { id: String(value.id ?? ''), name: String(value.name ?? ''), input: value.input },
        },
      ]
    case 'tool_result':
      return [
        {
          type: 'tool_result',
          result: {
            id: String(value.tool_use_id ?? ''),
            output: toolOutputText(value.content),
            isError: value.is_error === true,
          },
        },
      ]
    default:
      return []
  }
}

/**
 * The request as the service caches it — tools, then system, then messages, block by block — cut
 * after each block that carries `cache_control`.
 */
const cachePrefixes = (request: z.infer<typeof MessagesBody>): string[] => {
  const blocks: unknown[] = [
    ...(request.tools ?? []),
    ...(typeof request.system === 'string'
      ? [{ type: 'text', text: request.system }]
      : (request.system ?? [])),
    ...request.messages.flatMap((message) =>
      typeof message.content === 'string'
        ? [{ role: message.role, type: 'text', text: message.content }]
        : message.content.map((block) => ({ role: message.role, ...block })),
    ),
  ]
  const prefixes: string[] = []
  const seen: string[] = []
  for (const block of blocks) {
    const { cache_control: mark, ...rest } = block as Record<string, unknown>
    seen.push(JSON.stringify(rest))
    if (mark !== undefined) prefixes.push(seen.join('\n'))
  }
  return prefixes
}

const parse = (body: unknown): SimRequest => {
  const request = parseBody(MessagesBody, body)
  const system = [typeof request.system === 'string' ? request.system : textOf(request.system)]
  const messages: SimMessage[] = []
  for (const message of request.messages) {
    if (message.role === 'system') {
      system.push(textOf(message.content))
      continue
    }
    const parts: SimPart[] =
      typeof message.content === 'string'
        ? [{ type: 'text', text: message.content }]
        : message.content.flatMap(toPart)
    messages.push({ role: message.role, parts })
  }
  const format = request.output_config?.format ?? request.output_format
  return {
    protocol: 'anthropic',
    model: request.model,
    stream: request.stream === true,
    system: system.filter(Boolean).join('\n\n'),
    messages: mergeTurns(messages),
    tools: (request.tools ?? []).map((tool) => ({
      name: tool.name,
      kind: 'function',
      schema: tool.input_schema,
    })),
    structuredOutput: format?.type === 'json_schema' ? { schema: format.schema } : undefined,
    cachePrefixes: cachePrefixes(request),
  }
}

/** Anthropic Messages (`POST /v1/messages`), as Claude Code and the Anthropic SDK speak it. */
export const anthropicMessages: WireProtocol = {
  name: 'anthropic',
  parse,
  json: anthropicJson,
  stream: anthropicStream,
}
