import { CadreError, notFound } from '../core/errors.ts'
import { maskSecret } from '../secrets/mask-secret.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store, StoredProvider } from '../store/store.ts'
import {
  type ProviderChange,
  type ProviderConfig,
  ProviderName,
  type ProviderView,
  providerProblem,
} from './provider-config.ts'
import { builtinProvider, builtinProviders, normalizeBaseUrl, type ProviderKind } from './provider-kinds.ts'

/** Model providers: the built-in ones and those added in Cadre, with keys sealed at rest. */
export interface ProviderRegistry {
  /** Every provider Cadre knows or has stored, by name. */
  list(): Promise<ProviderConfig[]>
  /** The provider's effective configuration; `not_found` when Cadre neither knows nor stores it. */
  get(name: string): Promise<ProviderConfig>
  /** Changes what Cadre stores for a provider (a new name adds one); keys are sealed before storing. */
  change(name: string, change: ProviderChange): Promise<ProviderConfig>
  /** Forgets what Cadre stores for it; a built-in provider falls back to the environment. */
  remove(name: string): Promise<boolean>
  /** Opens every stored key once, so the redactor knows them and a wrong master key fails at start. */
  unsealAll(): Promise<void>
}

export interface ProviderRegistryDeps {
  store: Store
  box: SecretBox
  redactor: Redactor
  env: NodeJS.ProcessEnv
}

export const createProviderRegistry = ({
  store,
  box,
  redactor,
  env,
}: ProviderRegistryDeps): ProviderRegistry => {
  const unseal = (stored: StoredProvider) => {
    if (!stored.sealedApiKey) return undefined
    const key = box.open(stored.sealedApiKey, `API key of provider ${stored.name}`)
    redactor.add(key)
    return key
  }

  const fromEnvironment = (variables: readonly string[]) => {
    for (const variable of variables) {
      const value = env[variable]?.trim()
      if (value) return value
    }
    return undefined
  }

  const resolve = (name: string, stored: StoredProvider | undefined): ProviderConfig => {
    const builtin = builtinProvider(name)
    const kind = (builtin?.kind ?? stored?.kind ?? 'openai-compatible') as ProviderKind
    const storedKey = stored && unseal(stored)
    const environmentKey = builtin && fromEnvironment(builtin.keyVariables)
    const environmentUrl = builtin && fromEnvironment(builtin.baseUrlVariables)
    const [baseUrl, baseUrlSource] = stored?.baseUrl
      ? [stored.baseUrl, 'settings' as const]
      : environmentUrl
        ? [environmentUrl, 'environment' as const]
        : builtin?.defaultBaseUrl
          ? [builtin.defaultBaseUrl, 'default' as const]
          : [undefined, null]
    return {
      name,
      kind,
      builtin: builtin !== undefined,
      baseUrl: baseUrl && normalizeBaseUrl(kind, name, baseUrl),
      baseUrlSource,
      apiKey: storedKey ?? environmentKey,
      apiKeySource: storedKey ? 'settings' : environmentKey ? 'environment' : null,
      keyVariables: builtin?.keyVariables ?? [],
      requiresKey: builtin?.requiresKey ?? false,
    }
  }

  const get = async (name: string) => {
    const stored = await store.providers.get(name)
    if (!stored && !builtinProvider(name)) throw notFound('provider', name)
    return resolve(name, stored)
  }

  return {
    async list() {
      const stored = new Map((await store.providers.list()).map((provider) => [provider.name, provider]))
      const names = new Set([...builtinProviders.map((provider) => provider.name), ...stored.keys()])
      return [...names].sort().map((name) => resolve(name, stored.get(name)))
    },

    get,

    async change(name, change) {
      const parsedName = ProviderName.safeParse(name)
      if (!parsedName.success)
        throw new CadreError('validation_failed', `name: ${parsedName.error.issues[0]?.message}`)
      const builtin = builtinProvider(name)
      if (builtin && change.kind && change.kind !== builtin.kind) {
        throw new CadreError(
          'validation_failed',
          `kind: ${name} is a built-in ${builtin.kind} provider; add a provider under another name for another kind`,
        )
      }
      await store.transaction(async (session) => {
        const stored = await session.providers.get(name)
        const baseUrl = change.baseUrl === undefined ? (stored?.baseUrl ?? null) : change.baseUrl
        if (!builtin && !baseUrl) {
          throw new CadreError(
            'validation_failed',
            `baseUrl: the provider ${name} is not built in, so it needs a baseUrl`,
          )
        }
        if (change.apiKey) redactor.add(change.apiKey)
        await session.providers.put({
          name,
          kind: builtin?.kind ?? change.kind ?? stored?.kind ?? 'openai-compatible',
          baseUrl,
          sealedApiKey:
            change.apiKey === undefined
              ? (stored?.sealedApiKey ?? null)
              : change.apiKey === null
                ? null
                : box.seal(change.apiKey),
        })
      })
      return get(name)
    },

    async remove(name) {
      if (!builtinProvider(name) && !(await store.providers.get(name))) throw notFound('provider', name)
      return store.providers.delete(name)
    },

    async unsealAll() {
      for (const stored of await store.providers.list()) unseal(stored)
    },
  }
}

/** The provider as the API shows it: never the key itself. */
export const viewProvider = (config: ProviderConfig): ProviderView => {
  const problem = providerProblem(config)
  return {
    name: config.name,
    kind: config.kind,
    builtin: config.builtin,
    baseUrl: config.baseUrl ?? null,
    baseUrlSource: config.baseUrlSource,
    apiKey: config.apiKey ? maskSecret(config.apiKey) : null,
    apiKeySource: config.apiKeySource,
    requiresKey: config.requiresKey,
    ready: problem === null,
    problem,
  }
}
