import { z } from 'zod'
import { ScenarioErrorKind } from './sim-reply.ts'
import { SimProtocol } from './sim-request.ts'
import { compilePattern } from './text-pattern.ts'

/** A case-insensitive substring, or a regular expression written `/source/flags`. */
const TextPattern = z
  .string()
  .min(1)
  .superRefine((pattern, ctx) => {
    try {
      compilePattern(pattern)
    } catch (error) {
      ctx.addIssue({ code: 'custom', message: `not a valid /regex/: ${(error as Error).message}` })
    }
  })

const Count = z.int().min(0)

/** Every condition given must hold; an absent `when` always holds. */
export const ScenarioWhen = z.strictObject({
  toolResult: z
    .enum(['none', 'any', 'last'])
    .optional()
    .describe('none: no tool result in the request; any: at least one; last: the last message carries one'),
  lastToolResult: z
    .strictObject({ contains: TextPattern.optional(), isError: z.boolean().optional() })
    .optional(),
  lastUserMessage: z.strictObject({ contains: TextPattern }).optional(),
  toolOffered: TextPattern.optional(),
  noTools: z.boolean().optional(),
  structuredOutput: z.boolean().optional(),
  turn: z
    .union([Count, z.strictObject({ min: Count.optional(), max: Count.optional() })])
    .optional()
    .describe('assistant turns already in the request'),
  protocol: z.union([SimProtocol, z.array(SimProtocol).min(1)]).optional(),
  model: TextPattern.optional(),
  stream: z.boolean().optional(),
})
export type ScenarioWhen = z.infer<typeof ScenarioWhen>

const replyKinds = ['reasoning', 'text', 'json', 'toolCall', 'error', 'cut'] as const

/** One piece of a reply: exactly one of reasoning, text, json, toolCall, error or cut. */
export const ScenarioReplyItem = z
  .strictObject({
    reasoning: z.string().optional(),
    text: z.string().optional(),
    json: z.unknown().optional(),
    toolCall: z
      .strictObject({
        tool: z.string().min(1),
        // Anthropic's tool_use input and Gemini's functionCall args must be objects, so an array
        // is refused here rather than sent as something every client would reject.
        input: z
          .union([z.record(z.string(), z.unknown()), z.string()], {
            error: (issue) =>
              Array.isArray(issue.input)
                ? 'an array is not tool arguments: give an object of named arguments (or a string for a custom tool)'
                : 'expected an object of arguments, or a string for a custom tool',
          })
          .default({}),
      })
      .optional(),
    error: ScenarioErrorKind.optional(),
    retryAfterSeconds: z.number().min(0).optional(),
    message: z.string().optional(),
    cut: z.literal(true).optional(),
  })
  .superRefine((item, ctx) => {
    const kinds = replyKinds.filter((kind) => item[kind] !== undefined)
    if (kinds.length !== 1) {
      ctx.addIssue({
        code: 'custom',
        message: `needs exactly one of ${replyKinds.join(', ')}${kinds.length ? ` (got ${kinds.join(' and ')})` : ''}`,
      })
    }
    for (const key of ['retryAfterSeconds', 'message'] as const) {
      if (item[key] !== undefined && item.error === undefined) {
        ctx.addIssue({ code: 'custom', path: [key], message: 'only goes with `error`' })
      }
    }
  })
export type ScenarioReplyItem = z.output<typeof ScenarioReplyItem>

/** Exact usage to report; `inputTokens` counts cached tokens too, `outputTokens` reasoning too. */
export const ScenarioUsage = z
  .strictObject({
    inputTokens: Count.optional(),
    outputTokens: Count.optional(),
    cachedInputTokens: Count.optional(),
    cacheWriteTokens: Count.optional(),
    reasoningTokens: Count.optional(),
  })
  .superRefine((usage, ctx) => {
    const cached = (usage.cachedInputTokens ?? 0) + (usage.cacheWriteTokens ?? 0)
    if (usage.inputTokens !== undefined && cached > usage.inputTokens) {
      ctx.addIssue({
        code: 'custom',
        path: ['inputTokens'],
        message: 'must include cachedInputTokens and cacheWriteTokens',
      })
    }
    if (usage.outputTokens !== undefined && (usage.reasoningTokens ?? 0) > usage.outputTokens) {
      ctx.addIssue({ code: 'custom', path: ['outputTokens'], message: 'must include reasoningTokens' })
    }
  })

export const ScenarioPace = z.strictObject({
  latencyMs: z.number().min(0).default(0),
  tokensPerSecond: z.number().min(0).default(0).describe('0 sends as fast as possible'),
})

export const ScenarioRule = z
  .strictObject({
    when: ScenarioWhen.optional(),
    reply: z.array(ScenarioReplyItem).min(1),
    usage: ScenarioUsage.optional(),
    finish: z.enum(['max_tokens']).optional().describe('end as if cut off by the output token limit'),
  })
  .superRefine((rule, ctx) => {
    const errorAt = rule.reply.findIndex((item) => item.error !== undefined)
    if (errorAt >= 0 && rule.reply.length > 1) {
      ctx.addIssue({ code: 'custom', path: ['reply', errorAt], message: 'an error must be the only item' })
    }
    const cutAt = rule.reply.findIndex((item) => item.cut !== undefined)
    if (cutAt >= 0 && cutAt !== rule.reply.length - 1) {
      ctx.addIssue({ code: 'custom', path: ['reply', cutAt], message: 'a cut must be the last item' })
    }
  })
export type ScenarioRule = z.output<typeof ScenarioRule>

export const Scenario = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][\w.:@/-]*$/, 'letters, digits and . _ - : @ / only, starting with a letter or digit')
    .describe('also selectable as the request model name'),
  description: z.string().optional(),
  pace: ScenarioPace.optional(),
  rules: z.array(ScenarioRule).default([]),
})
/** A scenario as written; `parseScenario` checks one and fills its defaults. */
export type ScenarioInput = z.input<typeof Scenario>
export type Scenario = z.output<typeof Scenario>
