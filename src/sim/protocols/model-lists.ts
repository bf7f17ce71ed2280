import type { SimProtocol } from '../sim-request.ts'

/** Model names each family of clients expects to find; every loaded scenario's name is listed too. */
const knownModels = {
  anthropic: ['claude-sonnet-5', 'claude-opus-5', 'claude-haiku-4-5'],
  openai: ['gpt-5.5', 'gpt-5.4', 'gpt-5.4-mini'],
  gemini: ['gemini-2.5-pro', 'gemini-2.5-flash', 'gemini-3.8-flash'],
}

// A fixed date keeps listings identical between runs (and so between recordings).
const createdAt = '2025-01-01T00:00:00Z'

export type ModelListing = 'anthropic' | 'openai' | 'gemini'

export const listingOf = (protocol: SimProtocol): ModelListing =>
  protocol === 'anthropic' ? 'anthropic' : protocol === 'gemini' ? 'gemini' : 'openai'

/** One model in the listing's own shape; the simulator answers to any model name, so any id exists. */
export const modelEntry = (listing: ModelListing, id: string): unknown => {
  if (listing === 'anthropic') return { type: 'model', id, display_name: id, created_at: createdAt }
  if (listing === 'openai')
    return { id, object: 'model', created: Date.parse(createdAt) / 1000, owned_by: 'cadre-sim' }
  return {
    name: `models/${id}`,
    baseModelId: id,
    version: '001',
    displayName: id,
    description: 'Simulated by the Cadre model simulator',
    inputTokenLimit: 1_048_576,
    outputTokenLimit: 65_536,
    supportedGenerationMethods: ['generateContent', 'streamGenerateContent', 'countTokens'],
    thinking: true,
  }
}

/** The model list in the listing's own shape (`GET /v1/models`, `GET /v1beta/models`). */
export const modelList = (listing: ModelListing, scenarioNames: readonly string[]): unknown => {
  const ids = [...new Set([...knownModels[listing], ...scenarioNames])]
  const data = ids.map((id) => modelEntry(listing, id))
  if (listing === 'anthropic')
    return { data, has_more: false, first_id: ids[0] ?? null, last_id: ids.at(-1) ?? null }
  if (listing === 'openai') return { object: 'list', data }
  return { models: data }
}
