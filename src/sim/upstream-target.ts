import { requestUrl } from './request-url.ts'
import { SimInputError } from './sim-request.ts'

// Origin-form (RFC 9112 §3.2.1): one `/`, then the path. `//host/…` and `/\host/…` are network-path
// references that URL resolution would send to another host, with the client's key.
const originForm = /^\/(?![/\\])/

/**
 * Where the recorder sends a request: the upstream's origin and path, then the request's own path
 * and query, joined as text so that nothing the client sends can choose the host. A request target
 * that is not a plain path is refused.
 */
export const upstreamTarget = (upstream: URL, target: string | undefined): URL => {
  if (target === undefined || !originForm.test(target)) {
    const shown = JSON.stringify((target ?? '').slice(0, 200))
    throw new SimInputError(`the request target must be a path starting with a single "/", got ${shown}`)
  }
  // Parsed against a placeholder host only to normalize it (percent-encoding, dot segments).
  const { pathname, search } = requestUrl(target)
  const url = new URL(`${upstream.origin}${upstream.pathname.replace(/\/+$/, '')}${pathname}${search}`)
  if (url.origin !== upstream.origin)
    throw new SimInputError(`the request target ${target} leaves the upstream`)
  url.username = upstream.username
  url.password = upstream.password
  return url
}
