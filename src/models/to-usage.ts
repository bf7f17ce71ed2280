import type { LanguageModelUsage } from 'ai'
import type { Usage } from '../core/entities.ts'

/** The AI SDK's usage of one call in Cadre's terms; a figure the provider did not report counts 0. */
export const toUsage = (usage: LanguageModelUsage): Usage => ({
  inputTokens: usage.inputTokens ?? 0,
  outputTokens: usage.outputTokens ?? 0,
  cachedTokens: usage.inputTokenDetails?.cacheReadTokens ?? 0,
  cacheWriteTokens: usage.inputTokenDetails?.cacheWriteTokens ?? 0,
  reasoningTokens: usage.outputTokenDetails?.reasoningTokens ?? 0,
})
