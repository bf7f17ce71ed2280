import { CadreError } from '../core/errors.ts'
import { catalog } from './catalog.ts'

export interface ModelId {
  provider: string
  model: string
}

/**
 * Splits `provider:model` at the first colon (Ollama tags keep theirs: `ollama:qwen3:30b`). A bare
 * model id is accepted when the catalog knows exactly one provider for it.
 */
export const parseModelId = (id: string): ModelId => {
  const colon = id.indexOf(':')
  if (colon > 0 && colon < id.length - 1) return { provider: id.slice(0, colon), model: id.slice(colon + 1) }
  const known = catalog.filter((entry) => entry.model === id)
  if (known.length === 1 && known[0]) return { provider: known[0].provider, model: id }
  throw new CadreError(
    'validation_failed',
    `model "${id}" is not written as provider:model (e.g. anthropic:claude-sonnet-4-5, openai:gpt-5.5, ollama:qwen3-coder)`,
  )
}
