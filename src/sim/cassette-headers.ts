import type { IncomingHttpHeaders } from 'node:http'

// Allow-lists, not deny-lists: a header nobody thought of is left out rather than leaked.
const safeRequestHeaders = new Set([
  'content-type',
  'accept',
  'anthropic-version',
  'anthropic-beta',
  'openai-beta',
  'x-cadre-scenario',
])
const safeResponseHeaders = new Set([
  'content-type',
  'retry-after',
  'retry-after-ms',
  'request-id',
  'x-request-id',
  'x-should-retry',
])
const safeResponsePrefixes = ['x-ratelimit-', 'anthropic-ratelimit-']

/** Headers that carry credentials: never written, and their values are redacted wherever they appear. */
const secretHeader =
  /^(authorization|proxy-authorization|cookie|x-api-key|x-goog-api-key|api-key|openai-organization|openai-project|x-[\w-]*(key|token|secret))$/

const flat = (value: string | string[] | undefined) => (Array.isArray(value) ? value.join(', ') : value)

const pick = (headers: IncomingHttpHeaders, keep: (name: string) => boolean) =>
  Object.fromEntries(
    Object.entries(headers).flatMap(([name, value]) => {
      const text = flat(value)
      return keep(name) && text !== undefined ? [[name, text]] : []
    }),
  )

export const safeRequestHeadersOf = (headers: IncomingHttpHeaders): Record<string, string> =>
  pick(headers, (name) => safeRequestHeaders.has(name))

export const safeResponseHeadersOf = (headers: IncomingHttpHeaders): Record<string, string> =>
  pick(
    headers,
    (name) => safeResponseHeaders.has(name) || safeResponsePrefixes.some((prefix) => name.startsWith(prefix)),
  )

/** Every credential a request carries in its headers (a bearer token also without its scheme). */
export const secretHeaderValues = (headers: IncomingHttpHeaders): string[] =>
  Object.entries(headers).flatMap(([name, value]) => {
    const text = secretHeader.test(name) ? flat(value) : undefined
    if (!text) return []
    const scheme = /^(?:bearer|basic|token)\s+(.+)$/i.exec(text)
    return scheme ? [text, scheme[1]!] : [text]
  })
