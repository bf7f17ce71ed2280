import { z } from 'zod'

/** The wire protocols Cadre's model layer speaks, each through its AI SDK provider. */
export const ProviderKind = z
  .enum(['anthropic', 'openai', 'openai-chat', 'google', 'openai-compatible'])
  .describe(
    'anthropic: Messages API; openai: Responses API; openai-chat: OpenAI Chat Completions; google: ' +
      'Gemini API; openai-compatible: any Chat Completions server (Ollama, vLLM, LM Studio, OpenRouter …)',
  )
export type ProviderKind = z.infer<typeof ProviderKind>

/** A provider Cadre knows without configuration, and the conventional variables that configure it. */
export interface BuiltinProvider {
  name: string
  kind: ProviderKind
  /** Environment variables holding the key, the first set one wins. */
  keyVariables: string[]
  baseUrlVariables: string[]
  defaultBaseUrl?: string
  /** Local servers take no key. */
  requiresKey: boolean
}

export const builtinProviders: readonly BuiltinProvider[] = [
  {
    name: 'anthropic',
    kind: 'anthropic',
    keyVariables: ['ANTHROPIC_API_KEY'],
    baseUrlVariables: ['ANTHROPIC_BASE_URL'],
    defaultBaseUrl: 'https://api.anthropic.com/v1',
    requiresKey: true,
  },
  {
    name: 'openai',
    kind: 'openai',
    keyVariables: ['OPENAI_API_KEY'],
    baseUrlVariables: ['OPENAI_BASE_URL'],
    defaultBaseUrl: 'https://api.openai.com/v1',
    requiresKey: true,
  },
  {
    name: 'google',
    kind: 'google',
    keyVariables: ['GEMINI_API_KEY', 'GOOGLE_GENERATIVE_AI_API_KEY', 'GOOGLE_API_KEY'],
    baseUrlVariables: ['GOOGLE_GEMINI_BASE_URL'],
    defaultBaseUrl: 'https://generativelanguage.googleapis.com/v1beta',
    requiresKey: true,
  },
  {
    name: 'ollama',
    kind: 'openai-compatible',
    keyVariables: ['OLLAMA_API_KEY'],
    baseUrlVariables: ['OLLAMA_BASE_URL'],
    defaultBaseUrl: 'http://127.0.0.1:11434/v1',
    requiresKey: false,
  },
  {
    name: 'lmstudio',
    kind: 'openai-compatible',
    keyVariables: ['LMSTUDIO_API_KEY'],
    baseUrlVariables: ['LMSTUDIO_BASE_URL'],
    defaultBaseUrl: 'http://127.0.0.1:1234/v1',
    requiresKey: false,
  },
  {
    name: 'vllm',
    kind: 'openai-compatible',
    keyVariables: ['VLLM_API_KEY'],
    baseUrlVariables: ['VLLM_BASE_URL'],
    defaultBaseUrl: 'http://127.0.0.1:8000/v1',
    requiresKey: false,
  },
  {
    name: 'openrouter',
    kind: 'openai-compatible',
    keyVariables: ['OPENROUTER_API_KEY'],
    baseUrlVariables: ['OPENROUTER_BASE_URL'],
    defaultBaseUrl: 'https://openrouter.ai/api/v1',
    requiresKey: true,
  },
]

export const builtinProvider = (name: string): BuiltinProvider | undefined =>
  builtinProviders.find((provider) => provider.name === name)

/**
 * The base URL as the AI SDK provider wants it. Anthropic's and Gemini's conventional variables name
 * the host (`ANTHROPIC_BASE_URL=http://host:port`), the SDK wants the versioned path; Ollama users
 * often give the host too.
 */
export const normalizeBaseUrl = (kind: ProviderKind, name: string, url: string): string => {
  const parsed = URL.parse(url.trim())
  if (!parsed) return url.trim()
  const path = parsed.pathname.replace(/\/+$/, '')
  const suffix =
    (kind === 'anthropic' || name === 'ollama') && !/\/v1$/.test(path)
      ? '/v1'
      : kind === 'google' && !/\/v1(beta|alpha)?$/.test(path)
        ? '/v1beta'
        : ''
  return `${parsed.origin}${path}${suffix}${parsed.search}`
}
