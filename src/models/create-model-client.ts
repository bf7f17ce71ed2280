import { CadreError } from '../core/errors.ts'
import { catalog, catalogEntry } from './catalog.ts'
import { computeCost } from './compute-cost.ts'
import { createLanguageModel } from './create-language-model.ts'
import { fetchProviderModels, type ModelListResult } from './fetch-provider-models.ts'
import type { ModelClient } from './model-client.ts'
import { parseModelId } from './model-id.ts'
import type { ModelInfo } from './model-info.ts'
import { type ProviderConfig, providerProblem } from './provider-config.ts'
import type { ProviderRegistry } from './provider-registry.ts'

const listCacheMs = 5 * 60_000
const reachableCacheMs = 60_000
// Failures that mean no call to this provider can succeed now, as opposed to a quirk of its list route.
const fatalProblems = new Set(['unreachable', 'unauthorized', 'no_key', 'no_base_url'])

/** A provider is asked for its own list only when the user configured it (no probing of default ports). */
const isConfigured = (config: ProviderConfig) =>
  providerProblem(config) === null && (config.apiKey !== undefined || config.baseUrlSource !== 'default')

const providerModel = (provider: string, model: string): ModelInfo => ({
  id: `${provider}:${model}`,
  provider,
  model,
  name: model,
  contextWindow: null,
  maxOutputTokens: null,
  pricing: null,
  images: null,
  tools: null,
  source: 'provider',
})

export const createModelClient = ({ providers }: { providers: ProviderRegistry }): ModelClient => {
  const answers = new Map<string, { at: number; result: Promise<ModelListResult> }>()
  // Keyed by everything that changes the answer, so a new key or URL is asked afresh. Only
  // successes are kept: a server started a moment after a failed attempt is seen at once.
  const cachedList = (config: ProviderConfig, maxAgeMs: number) => {
    const key = JSON.stringify([config.name, config.kind, config.baseUrl, config.apiKey])
    const cached = answers.get(key)
    if (cached && Date.now() - cached.at < maxAgeMs) return cached.result
    const result = fetchProviderModels(config, { timeoutMs: 3000 })
    const entry = { at: Date.now(), result }
    answers.set(key, entry)
    void result.then((answer) => {
      if (!answer.ok && answers.get(key) === entry) answers.delete(key)
    })
    return result
  }

  const usableProvider = async (id: string) => {
    const { provider, model } = parseModelId(id)
    const config = await providers.get(provider).catch((error: unknown) => {
      if (error instanceof CadreError && error.code === 'not_found') {
        throw new CadreError(
          'bad_request',
          `model ${id}: Cadre knows no provider "${provider}"; add it with PUT /api/providers/${provider} {"baseUrl": "…"}`,
        )
      }
      throw error
    })
    const problem = providerProblem(config)
    if (problem) throw new CadreError('bad_request', `model ${id} cannot be used: ${problem}`)
    return { config, provider, model }
  }

  return {
    async endpoint(id) {
      const { config, provider, model } = await usableProvider(id)
      if (!config.baseUrl)
        throw new CadreError('bad_request', `model ${id}: provider ${provider} has no base URL; set one`)
      return {
        id: `${provider}:${model}`,
        model,
        kind: config.kind,
        baseUrl: config.baseUrl,
        apiKey: config.apiKey ?? '',
      }
    },

    async resolve(id) {
      const { config, provider, model } = await usableProvider(id)
      const fullId = `${provider}:${model}`
      const info = catalogEntry(fullId)
      return {
        id: fullId,
        provider,
        model,
        kind: config.kind,
        languageModel: await createLanguageModel(config, model),
        info,
        cost: (usage) => computeCost(usage, info?.pricing),
      }
    },

    async ensureUsable(id) {
      const { config } = await usableProvider(id)
      const answer = await cachedList(config, reachableCacheMs)
      if (!answer.ok && fatalProblems.has(answer.problem)) {
        throw new CadreError('bad_request', `model ${id} cannot be used: ${answer.message}`)
      }
    },

    async list() {
      const configured = (await providers.list()).filter(isConfigured)
      const answers = await Promise.all(configured.map((config) => cachedList(config, listCacheMs)))
      const models = new Map(catalog.map((entry) => [entry.id, entry]))
      configured.forEach((config, index) => {
        const answer = answers[index]
        if (!answer?.ok) return
        for (const model of answer.ids) {
          const known = models.get(`${config.name}:${model}`)
          const entry = known
            ? { ...known, source: 'catalog+provider' as const }
            : providerModel(config.name, model)
          models.set(entry.id, entry)
        }
      })
      return {
        models: [...models.values()].sort((a, b) => a.id.localeCompare(b.id)),
        providers: configured.map((config, index) => {
          const answer = answers[index]
          return {
            name: config.name,
            ok: answer?.ok === true,
            message: answer?.ok === false ? answer.message : null,
          }
        }),
      }
    },

    async check(name) {
      const config = await providers.get(name)
      const answer = await fetchProviderModels(config)
      return answer.ok
        ? {
            ok: true,
            problem: null,
            message: `${name} answered in ${answer.latencyMs} ms${config.apiKey ? ' and accepted the key' : ''}; it lists ${answer.ids.length} models`,
            latencyMs: answer.latencyMs,
            modelCount: answer.ids.length,
          }
        : { ok: false, problem: answer.problem, message: answer.message, latencyMs: null, modelCount: null }
    },
  }
}
