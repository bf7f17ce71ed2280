import type { LanguageModel } from 'ai'
import type { Usage } from '../core/entities.ts'
import type { ModelInfo } from './model-info.ts'
import type { ProviderCheck } from './provider-config.ts'
import type { ProviderKind } from './provider-kinds.ts'

/** A model ready to be called, with what Cadre knows of it. */
export interface ResolvedModel {
  /** `provider:model` */
  id: string
  provider: string
  model: string
  /** The protocol the provider speaks (which decides, for one, how its prompt cache is used). */
  kind: ProviderKind
  languageModel: LanguageModel
  /** The catalog's entry; undefined for a model the catalog does not know (its cost is then unknown). */
  info: ModelInfo | undefined
  /** USD for one call's usage; null when the price is unknown. */
  cost(usage: Usage): number | null
}

export interface ModelListing {
  models: ModelInfo[]
  /** One entry per provider whose own list was asked for, with why it failed. */
  providers: { name: string; ok: boolean; message: string | null }[]
}

/** Where an external agent reaches a model itself: its provider's protocol, address and key. */
export interface ModelEndpoint {
  /** `provider:model` */
  id: string
  model: string
  kind: ProviderKind
  baseUrl: string
  /** Empty for a local server that takes none. */
  apiKey: string
}

/** The built-in agent's access to models, on the AI SDK's providers. */
export interface ModelClient {
  /** The model's provider endpoint, for an agent that calls the model itself; fails, saying what to set, when it cannot be used. */
  endpoint(id: string): Promise<ModelEndpoint>
  /** The model behind `provider:model`; fails at once, saying what to set, when it cannot be used. */
  resolve(id: string): Promise<ResolvedModel>
  /** Like `resolve`, and also reaches the provider once (answer cached briefly) to prove it answers. */
  ensureUsable(id: string): Promise<void>
  /** The catalog merged with the lists of the providers that are configured. */
  list(): Promise<ModelListing>
  /** One cheap real call to the provider: is the endpoint there and does it take the key? */
  check(provider: string): Promise<ProviderCheck>
}
