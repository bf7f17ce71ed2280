import type { LanguageModel } from 'ai'
import type { ProviderConfig } from './provider-config.ts'

// Each provider package loads only when a model of its kind is first used.
/** The AI SDK model for `model` on a ready provider (see `providerProblem`). */
export const createLanguageModel = async (config: ProviderConfig, model: string): Promise<LanguageModel> => {
  const settings = { apiKey: config.apiKey ?? 'none', baseURL: config.baseUrl }
  switch (config.kind) {
    case 'anthropic': {
      const { createAnthropic } = await import('@ai-sdk/anthropic')
      return createAnthropic(settings)(model)
    }
    case 'openai': {
      const { createOpenAI } = await import('@ai-sdk/openai')
      return createOpenAI(settings).responses(model)
    }
    case 'openai-chat': {
      const { createOpenAI } = await import('@ai-sdk/openai')
      return createOpenAI(settings).chat(model)
    }
    case 'google': {
      const { createGoogleGenerativeAI } = await import('@ai-sdk/google')
      return createGoogleGenerativeAI(settings)(model)
    }
    case 'openai-compatible': {
      const { createOpenAICompatible } = await import('@ai-sdk/openai-compatible')
      return createOpenAICompatible({
        name: config.name,
        baseURL: config.baseUrl ?? '',
        apiKey: config.apiKey,
        includeUsage: true,
      })(model)
    }
  }
}
