import type { MiddlewareHandler } from 'hono'
import type { Redactor } from '../secrets/redactor.ts'

/**
 * The last line of defence: no JSON answer leaves with a secret Cadre knows or a token-shaped
 * string in it, whatever path it took to get there. `[redacted]` keeps the JSON valid.
 */
export const redactResponses =
  (redactor: Redactor): MiddlewareHandler =>
  async (c, next) => {
    await next()
    if (!c.res.headers.get('content-type')?.startsWith('application/json') || !c.res.body) return
    const { status, statusText } = c.res
    const headers = new Headers(c.res.headers)
    const redacted = redactor.redact(await c.res.text())
    headers.delete('content-length')
    // Cleared first: assigning over a response merges the old one's headers (its length) into the new.
    c.res = undefined
    c.res = new Response(redacted, { status, statusText, headers })
  }
