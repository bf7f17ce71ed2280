import type { Instructions, ModelMessage } from 'ai'
import type { ProviderKind } from './provider-kinds.ts'

type ProviderOptions = NonNullable<ModelMessage['providerOptions']>

export interface CachedPrompt {
  system: Instructions
  messages: ModelMessage[]
  providerOptions?: ProviderOptions
}

const ephemeral = { anthropic: { cacheControl: { type: 'ephemeral' } } } satisfies ProviderOptions

/**
 * The prompt shaped so the provider serves the unchanged start of a conversation from its cache.
 * Anthropic caches only where asked: breakpoints on the system prompt (with the tools before it)
 * and on the last message, so each step reads everything the previous step sent. OpenAI caches by
 * itself; a cache key per conversation keeps its requests on the same cache. Gemini caches
 * implicitly; other compatible servers get the prompt unchanged.
 */
export const cachedPrompt = (
  kind: ProviderKind,
  prompt: { system: string; messages: ModelMessage[]; cacheKey: string },
): CachedPrompt => {
  const { system, messages, cacheKey } = prompt
  if (kind === 'anthropic') {
    const last = messages.at(-1)
    return {
      system: { role: 'system', content: system, providerOptions: ephemeral },
      messages: last
        ? [
            ...messages.slice(0, -1),
            { ...last, providerOptions: { ...last.providerOptions, ...ephemeral } } as ModelMessage,
          ]
        : messages,
    }
  }
  if (kind === 'openai' || kind === 'openai-chat') {
    return { system, messages, providerOptions: { openai: { promptCacheKey: cacheKey } } }
  }
  return { system, messages }
}
