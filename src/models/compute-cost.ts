import type { Usage } from '../core/entities.ts'
import type { ModelPricing } from './model-info.ts'

/**
 * The cost in USD of one call's usage; null when the price is unknown. `inputTokens` counts every
 * input token, cached ones included, as every provider's usage reports them once normalized.
 */
export const computeCost = (usage: Usage, pricing: ModelPricing | null | undefined): number | null => {
  if (!pricing) return null
  const cacheRead = Math.min(usage.cachedTokens, usage.inputTokens)
  const cacheWrite = Math.min(usage.cacheWriteTokens, usage.inputTokens - cacheRead)
  const uncached = usage.inputTokens - cacheRead - cacheWrite
  const dollars =
    uncached * pricing.input +
    cacheRead * (pricing.cachedInput ?? pricing.input) +
    cacheWrite * (pricing.cacheWrite ?? pricing.input) +
    usage.outputTokens * pricing.output
  return dollars / 1_000_000
}
