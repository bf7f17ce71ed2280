import type { ModelInfo, ModelPricing } from './model-info.ts'

interface CatalogEntry {
  name: string
  contextWindow: number
  maxOutputTokens: number
  pricing: ModelPricing
  images: boolean
  tools: boolean
}

// Published list prices, USD per million tokens (November 2026). A model missing here still works:
// it is passed through to its provider and its cost shows as unknown.
const entries: Record<string, CatalogEntry> = {
  'anthropic:claude-opus-4-5': {
    name: 'Claude Opus 4.5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { input: 5, output: 25, cachedInput: 0.5, cacheWrite: 6.25 },
    images: true,
    tools: true,
  },
  'anthropic:claude-sonnet-4-5': {
    name: 'Claude Sonnet 4.5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { input: 3, output: 15, cachedInput: 0.3, cacheWrite: 3.75 },
    images: true,
    tools: true,
  },
  'anthropic:claude-haiku-4-5': {
    name: 'Claude Haiku 4.5',
    contextWindow: 200_000,
    maxOutputTokens: 64_000,
    pricing: { input: 1, output: 5, cachedInput: 0.1, cacheWrite: 1.25 },
    images: true,
    tools: true,
  },
  'openai:gpt-5.5': {
    name: 'GPT-5.5',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { input: 1.25, output: 10, cachedInput: 0.125 },
    images: true,
    tools: true,
  },
  'openai:gpt-5.1': {
    name: 'GPT-5.1',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { input: 1.25, output: 10, cachedInput: 0.125 },
    images: true,
    tools: true,
  },
  'openai:gpt-5-mini': {
    name: 'GPT-5 mini',
    contextWindow: 400_000,
    maxOutputTokens: 128_000,
    pricing: { input: 0.25, output: 2, cachedInput: 0.025 },
    images: true,
    tools: true,
  },
  'openai:gpt-4.1': {
    name: 'GPT-4.1',
    contextWindow: 1_047_576,
    maxOutputTokens: 32_768,
    pricing: { input: 2, output: 8, cachedInput: 0.5 },
    images: true,
    tools: true,
  },
  'google:gemini-2.5-pro': {
    name: 'Gemini 2.5 Pro',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { input: 1.25, output: 10, cachedInput: 0.31 },
    images: true,
    tools: true,
  },
  'google:gemini-2.5-flash': {
    name: 'Gemini 2.5 Flash',
    contextWindow: 1_048_576,
    maxOutputTokens: 65_536,
    pricing: { input: 0.3, output: 2.5, cachedInput: 0.075 },
    images: true,
    tools: true,
  },
  'ollama:qwen3-coder': {
    name: 'Qwen3 Coder (local)',
    contextWindow: 262_144,
    maxOutputTokens: 65_536,
    pricing: { input: 0, output: 0 },
    images: false,
    tools: true,
  },
}

/** Cadre's model catalog: context sizes, output limits, prices and abilities of the models it knows. */
export const catalog: readonly ModelInfo[] = Object.entries(entries).map(([id, entry]) => {
  const [provider = '', model = ''] = id.split(/:(.*)/s)
  return { id, provider, model, ...entry, source: 'catalog' }
})

export const catalogEntry = (id: string): ModelInfo | undefined => catalog.find((model) => model.id === id)
