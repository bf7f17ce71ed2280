import type { IncomingHttpHeaders } from 'node:http'
import { listingOf, type ModelListing } from './protocols/model-lists.ts'
import type { RouteHints } from './protocols/wire-protocol.ts'
import type { SimProtocol } from './sim-request.ts'

export type SimRoute =
  | { kind: 'generate'; protocol: SimProtocol; hints: RouteHints; sse: boolean }
  | { kind: 'count-tokens'; protocol: 'anthropic' | 'gemini'; hints: RouteHints }
  | { kind: 'list-models'; listing: ModelListing }
  | { kind: 'get-model'; listing: ModelListing; id: string }
  | { kind: 'not-found'; protocol: SimProtocol }

// A malformed escape is kept as written: the route simply will not match a real model.
const decode = (text: string) => {
  try {
    return decodeURIComponent(text)
  } catch {
    return text
  }
}

const geminiAction = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(\w+)$/
const geminiModels = /^\/v1(?:beta|alpha)\/models(?:\/([^/:]+))?$/

/**
 * Which protocol's error shape a request expects, from what its client sends: Gemini clients use
 * `/v1beta` paths and `x-goog-api-key` (or `?key=`), Anthropic ones `anthropic-version` and
 * `x-api-key`; everything else is taken for an OpenAI client.
 */
export const protocolOf = (url: URL, headers: IncomingHttpHeaders): SimProtocol => {
  if (
    /^\/v1(?:beta|alpha)\//.test(url.pathname) ||
    headers['x-goog-api-key'] ||
    url.searchParams.has('key')
  ) {
    return 'gemini'
  }
  if (headers['anthropic-version'] || headers['x-api-key'] || /\/messages(\/|$)/.test(url.pathname))
    return 'anthropic'
  return url.pathname.includes('/responses') ? 'openai-responses' : 'openai-chat'
}

/**
 * Maps a request to what it asks for. OpenAI and Anthropic routes answer with and without the
 * `/v1` prefix, since clients are configured both ways.
 */
export const routeRequest = (method: string, url: URL, headers: IncomingHttpHeaders): SimRoute => {
  const path = url.pathname.replace(/\/+$/, '') || '/'
  const action = geminiAction.exec(path)
  if (action && method === 'POST') {
    const model = decode(action[1]!)
    if (action[2] === 'generateContent')
      return { kind: 'generate', protocol: 'gemini', hints: { model, stream: false }, sse: false }
    if (action[2] === 'streamGenerateContent') {
      return {
        kind: 'generate',
        protocol: 'gemini',
        hints: { model, stream: true },
        sse: url.searchParams.get('alt') === 'sse',
      }
    }
    if (action[2] === 'countTokens') return { kind: 'count-tokens', protocol: 'gemini', hints: { model } }
  }
  const models = geminiModels.exec(path)
  if (models && method === 'GET') {
    return models[1]
      ? { kind: 'get-model', listing: 'gemini', id: decode(models[1]) }
      : { kind: 'list-models', listing: 'gemini' }
  }
  const protocol = protocolOf(url, headers)
  const route = path.startsWith('/v1/') ? path.slice(3) : path
  if (method === 'POST') {
    if (route === '/messages') return { kind: 'generate', protocol: 'anthropic', hints: {}, sse: true }
    if (route === '/messages/count_tokens') return { kind: 'count-tokens', protocol: 'anthropic', hints: {} }
    if (route === '/responses')
      return { kind: 'generate', protocol: 'openai-responses', hints: {}, sse: true }
    if (route === '/chat/completions')
      return { kind: 'generate', protocol: 'openai-chat', hints: {}, sse: true }
  }
  if (method === 'GET' && route === '/models') return { kind: 'list-models', listing: listingOf(protocol) }
  const model = /^\/models\/(.+)$/.exec(route)
  if (method === 'GET' && model)
    return { kind: 'get-model', listing: listingOf(protocol), id: decode(model[1]!) }
  return { kind: 'not-found', protocol }
}
