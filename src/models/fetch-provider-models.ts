import { modelListRequest, parseModelList } from './list-provider-models.ts'
import { type ProviderCheck, type ProviderConfig, providerProblem } from './provider-config.ts'

export type ModelListResult =
  | { ok: true; ids: string[]; latencyMs: number }
  | { ok: false; problem: NonNullable<ProviderCheck['problem']>; message: string }

const networkReason = (error: unknown): string => {
  const cause = (error as { cause?: { code?: string; message?: string } }).cause
  if ((error as Error).name === 'TimeoutError') return 'no answer in time'
  if (cause?.code === 'ECONNREFUSED') return 'connection refused (is the server running?)'
  if (cause?.code === 'ENOTFOUND') return 'host not found'
  return cause?.message ?? (error as Error).message
}

// Providers put the reason in different places; take the first readable one.
const errorText = (body: string): string => {
  try {
    const parsed = JSON.parse(body) as { error?: { message?: string } | string; message?: string }
    const message =
      typeof parsed.error === 'string' ? parsed.error : (parsed.error?.message ?? parsed.message)
    if (message) return message
  } catch {}
  return body.slice(0, 200)
}

/**
 * Lists the provider's models with one real call, classifying every way it can fail so the message
 * says exactly what went wrong: no key, unreachable, key refused, wrong URL, unexpected answer.
 */
export const fetchProviderModels = async (
  config: ProviderConfig,
  { timeoutMs = 5000 }: { timeoutMs?: number } = {},
): Promise<ModelListResult> => {
  const problem = providerProblem(config)
  if (problem) return { ok: false, problem: config.baseUrl ? 'no_key' : 'no_base_url', message: problem }
  const { url, headers } = modelListRequest(config)
  const started = performance.now()
  let response: Response
  try {
    response = await fetch(url, { headers, signal: AbortSignal.timeout(timeoutMs) })
  } catch (error) {
    return { ok: false, problem: 'unreachable', message: `cannot reach ${url}: ${networkReason(error)}` }
  }
  const latencyMs = Math.round(performance.now() - started)
  const body = await response.text().catch(() => '')
  if (response.status === 401) {
    return {
      ok: false,
      problem: 'unauthorized',
      message: `${url} refused the API key (401: ${errorText(body)})`,
    }
  }
  // Restricted keys may call models without being allowed to list them: not proof of a bad key.
  if (response.status === 403) {
    return {
      ok: false,
      problem: 'forbidden',
      message: `${url} refused to list models (403: ${errorText(body)}): the key is wrong or lacks that permission`,
    }
  }
  if (response.status === 404) {
    return {
      ok: false,
      problem: 'not_found',
      message: `${url} answered 404: the base URL ${config.baseUrl} is probably wrong for a ${config.kind} provider`,
    }
  }
  if (!response.ok) {
    return {
      ok: false,
      problem: 'http_error',
      message: `${url} answered ${response.status}: ${errorText(body)}`,
    }
  }
  try {
    return { ok: true, ids: parseModelList(config, JSON.parse(body)), latencyMs }
  } catch {
    return {
      ok: false,
      problem: 'bad_response',
      message: `${url} answered, but not with a ${config.kind} model list: is the base URL right?`,
    }
  }
}
