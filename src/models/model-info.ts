import { z } from 'zod'

/** USD per million tokens. */
export const ModelPricing = z.object({
  input: z.number().nonnegative(),
  output: z.number().nonnegative(),
  cachedInput: z.number().nonnegative().optional().describe('reading cached input; input price when absent'),
  cacheWrite: z.number().nonnegative().optional().describe('writing the cache; input price when absent'),
})
export type ModelPricing = z.infer<typeof ModelPricing>

export const ModelInfo = z.object({
  id: z.string().describe('provider:model, as tasks and settings name it'),
  provider: z.string(),
  model: z.string().describe("the provider's own model id"),
  name: z.string(),
  contextWindow: z.number().int().positive().nullable(),
  maxOutputTokens: z.number().int().positive().nullable(),
  pricing: ModelPricing.nullable().describe('null: unknown, cost is not computed'),
  images: z.boolean().nullable(),
  tools: z.boolean().nullable(),
  source: z
    .enum(['catalog', 'provider', 'catalog+provider'])
    .describe("catalog: Cadre's catalog only; provider: listed by the provider only; both: in each"),
})
export type ModelInfo = z.infer<typeof ModelInfo>
