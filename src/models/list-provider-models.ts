import { z } from 'zod'
import type { ProviderConfig } from './provider-config.ts'

const AnthropicOrOpenAIList = z.object({ data: z.array(z.object({ id: z.string() })) })
const GeminiList = z.object({
  models: z.array(z.object({ name: z.string(), supportedGenerationMethods: z.array(z.string()).optional() })),
})

/** The request that lists a provider's models: its cheapest authenticated call. */
export const modelListRequest = (
  config: ProviderConfig,
): { url: string; headers: Record<string, string> } => {
  const target = new URL(config.baseUrl ?? '')
  target.pathname = `${target.pathname.replace(/\/+$/, '')}/models`
  const url = target.toString()
  const key = config.apiKey
  switch (config.kind) {
    case 'anthropic':
      return { url, headers: { 'anthropic-version': '2023-06-01', ...(key && { 'x-api-key': key }) } }
    case 'google':
      return { url, headers: key ? { 'x-goog-api-key': key } : {} }
    default:
      return { url, headers: key ? { authorization: `Bearer ${key}` } : {} }
  }
}

/** The model ids in a provider's list answer; throws when the body is not a model list. */
export const parseModelList = (config: ProviderConfig, body: unknown): string[] => {
  if (config.kind === 'google') {
    return GeminiList.parse(body)
      .models.filter((model) => model.supportedGenerationMethods?.includes('generateContent') ?? true)
      .map((model) => model.name.replace(/^models\//, ''))
  }
  return AnthropicOrOpenAIList.parse(body).data.map((model) => model.id)
}
