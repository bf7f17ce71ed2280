import { z } from 'zod'
import type { SimMessage, SimPart, SimRequest } from '../sim-request.ts'
import { geminiJson, geminiStream } from './gemini-reply.ts'
import { mergeTurns } from './merge-turns.ts'
import { parseBody } from './parse-body.ts'
import { toolOutputText } from './tool-output-text.ts'
import type { RouteHints, WireProtocol } from './wire-protocol.ts'

const Part = z.looseObject({
  text: z.string().optional(),
  thought: z.boolean().optional(),
  functionCall: z
    .looseObject({ name: z.string(), args: z.unknown().optional(), id: z.string().optional() })
    .optional(),
  functionResponse: z
    .looseObject({ name: z.string(), response: z.unknown().optional(), id: z.string().optional() })
    .optional(),
})
const Content = z.looseObject({ role: z.string().optional(), parts: z.array(Part).default([]) })

/** A generateContent request; only what the simulator reads is checked, the rest passes. */
const GenerateBody = z.looseObject({
  contents: z.array(Content),
  systemInstruction: z.union([z.string(), Content]).optional(),
  tools: z
    .array(
      z.looseObject({
        functionDeclarations: z
          .array(
            z.looseObject({
              name: z.string(),
              parameters: z.unknown().optional(),
              parametersJsonSchema: z.unknown().optional(),
            }),
          )
          .optional(),
      }),
    )
    .optional(),
  generationConfig: z
    .looseObject({
      responseMimeType: z.string().optional(),
      responseSchema: z.unknown().optional(),
      responseJsonSchema: z.unknown().optional(),
    })
    .optional(),
})

const resultOf = (response: unknown) => {
  const value = response as Record<string, unknown> | undefined
  // Gemini CLI answers `{output: …}`, or `{error: …}` when the tool failed.
  if (typeof value?.output === 'string') return { output: value.output, isError: false }
  if (typeof value?.error === 'string') return { output: value.error, isError: true }
  return { output: toolOutputText(response), isError: false }
}

const toPart = (part: z.infer<typeof Part>): SimPart[] => {
  if (part.functionCall) {
    const { name, args, id } = part.functionCall
    return [{ type: 'tool_call', call: { id: id ?? name, name, input: args ?? {} } }]
  }
  if (part.functionResponse) {
    const { name, response, id } = part.functionResponse
    return [{ type: 'tool_result', result: { id: id ?? name, name, ...resultOf(response) } }]
  }
  if (part.text !== undefined) return [{ type: part.thought ? 'reasoning' : 'text', text: part.text }]
  return []
}

const parse = (body: unknown, hints: RouteHints): SimRequest => {
  // countTokens may wrap the whole request as `generateContentRequest`.
  const wrapped = (body as { generateContentRequest?: unknown } | null)?.generateContentRequest
  const request = parseBody(GenerateBody, wrapped ?? body)
  const instruction = request.systemInstruction
  const system =
    typeof instruction === 'string'
      ? instruction
      : (instruction?.parts ?? []).map((part) => part.text ?? '').join('\n')
  const messages: SimMessage[] = request.contents.map((content) => ({
    role: content.role === 'model' ? 'assistant' : 'user',
    parts: content.parts.flatMap(toPart),
  }))
  const config = request.generationConfig
  const schema = config?.responseJsonSchema ?? config?.responseSchema
  return {
    protocol: 'gemini',
    model: hints.model ?? '',
    stream: hints.stream === true,
    system,
    messages: mergeTurns(messages),
    tools: (request.tools ?? []).flatMap((tool) =>
      (tool.functionDeclarations ?? []).map((declaration) => ({
        name: declaration.name,
        kind: 'function' as const,
        schema: declaration.parametersJsonSchema ?? declaration.parameters,
      })),
    ),
    structuredOutput:
      config?.responseMimeType === 'application/json' || schema !== undefined ? { schema } : undefined,
  }
}

/** Gemini (`POST /v1beta/models/{model}:generateContent` and `:streamGenerateContent`), as Gemini CLI speaks it. */
export const gemini: WireProtocol = { name: 'gemini', parse, json: geminiJson, stream: geminiStream }
