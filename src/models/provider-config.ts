import { z } from 'zod'
import { ProviderKind } from './provider-kinds.ts'

/** A provider as Cadre will call it: settings stored in Cadre first, then the environment, then defaults. */
export interface ProviderConfig {
  name: string
  kind: ProviderKind
  builtin: boolean
  baseUrl: string | undefined
  baseUrlSource: 'settings' | 'environment' | 'default' | null
  apiKey: string | undefined
  apiKeySource: 'settings' | 'environment' | null
  /** The variables that would configure it, for messages that say what to set. */
  keyVariables: string[]
  requiresKey: boolean
}

// A base URL is stored and shown in plain text, so it must not smuggle a key past the vault.
const hasNoCredentials = (url: string) => {
  const parsed = URL.parse(url)
  // zod runs this check even when the URL check failed; that failure is the one to report.
  if (!parsed) return true
  return (
    !parsed.username &&
    !parsed.password &&
    ![...parsed.searchParams.keys()].some((name) => /key|token|secret|password|auth|sig/i.test(name))
  )
}

export const ProviderName = z
  .string()
  .regex(/^[a-z][a-z0-9-]{0,39}$/, 'a provider name is lower-case letters, digits and dashes (at most 40)')

/** How a provider is shown: the key masked, where each setting comes from, and what is missing. */
export const ProviderView = z.object({
  name: z.string(),
  kind: ProviderKind,
  builtin: z.boolean().describe('known to Cadre without configuration'),
  baseUrl: z.string().nullable(),
  baseUrlSource: z.enum(['settings', 'environment', 'default']).nullable(),
  apiKey: z.string().nullable().describe('masked: the kind prefix and last four characters only'),
  apiKeySource: z.enum(['settings', 'environment']).nullable(),
  requiresKey: z.boolean(),
  ready: z.boolean().describe('has what it needs to be called (reachability is checked by /check)'),
  problem: z.string().nullable().describe('what to set when it is not ready'),
})
export type ProviderView = z.infer<typeof ProviderView>

export const ProviderChange = z
  .strictObject({
    kind: ProviderKind.optional().describe(
      'only for providers Cadre does not know; defaults to openai-compatible',
    ),
    baseUrl: z
      .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
      .max(2000)
      .refine(
        hasNoCredentials,
        'must not carry credentials (user:password@ or a key parameter): put the key in apiKey, where it is stored encrypted',
      )
      .nullable()
      .optional()
      .describe('null: back to the environment or the default'),
    apiKey: z
      .string()
      .trim()
      .min(1, 'must not be empty (null removes the stored key)')
      .max(8192)
      .regex(/^\S+$/, 'must not contain spaces or line breaks')
      .nullable()
      .optional()
      .describe('stored encrypted; null removes it'),
  })
  .describe('omitted fields keep their value; null clears one')
export type ProviderChange = z.infer<typeof ProviderChange>

export const ProviderCheck = z.object({
  ok: z.boolean(),
  problem: z
    .enum([
      'no_key',
      'no_base_url',
      'unreachable',
      'unauthorized',
      'forbidden',
      'not_found',
      'http_error',
      'bad_response',
    ])
    .nullable(),
  message: z.string().describe('what was tried and, when it failed, exactly what failed'),
  latencyMs: z.number().nullable(),
  modelCount: z.number().int().nullable().describe("models in the provider's own list"),
})
export type ProviderCheck = z.infer<typeof ProviderCheck>

/** What the provider lacks before it can be called, phrased as what to set; null when ready. */
export const providerProblem = (config: ProviderConfig): string | null => {
  const put = `PUT /api/providers/${config.name}`
  if (!config.baseUrl) return `no base URL: set one with ${put} {"baseUrl": "…"}`
  if (config.requiresKey && !config.apiKey) {
    const variables = config.keyVariables.length > 0 ? `set ${config.keyVariables.join(' or ')}, or ` : ''
    return `no API key for provider ${config.name}: ${variables}store one with ${put} {"apiKey": "…"}`
  }
  return null
}
