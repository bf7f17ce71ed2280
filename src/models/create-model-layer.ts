import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store } from '../store/store.ts'
import { createModelClient } from './create-model-client.ts'
import type { ModelClient } from './model-client.ts'
import { createProviderRegistry, type ProviderRegistry } from './provider-registry.ts'

/** Providers (keys sealed by the box, known to the redactor) and the model client over them. */
export const createModelLayer = (deps: {
  store: Store
  box: SecretBox
  redactor: Redactor
  env: NodeJS.ProcessEnv
}): { providers: ProviderRegistry; models: ModelClient } => {
  const providers = createProviderRegistry(deps)
  return { providers, models: createModelClient({ providers }) }
}
