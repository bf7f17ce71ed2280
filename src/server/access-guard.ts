import { createHash, createHmac, timingSafeEqual } from 'node:crypto'

export const sessionCookieName = 'cadre_session'

export interface AccessGuard {
  /** Whether a Host header names this server (DNS-rebinding protection). */
  hostAllowed(host: string | undefined): boolean
  /** Whether an Origin header, when present, is this server's own (cross-site protection). */
  originAllowed(origin: string | undefined): boolean
  /** Whether the token is the access token (constant time). */
  tokenValid(token: string | undefined): boolean
  /** Whether a session cookie value was issued by this server for the current token. */
  sessionValid(cookie: string | undefined): boolean
  /** The session cookie value a browser receives in exchange for the token. */
  readonly sessionValue: string
}

const digest = (value: string) => createHash('sha256').update(value).digest()

const sameSecret = (expected: Buffer, given: string | undefined) =>
  given !== undefined && timingSafeEqual(expected, digest(given))

const loopbackNames = ['127.0.0.1', 'localhost', '[::1]']

/**
 * The checks every request passes, HTTP and WebSocket alike. The session cookie is derived from
 * the token, so it survives restarts and dies when the token changes.
 */
export const createAccessGuard = (options: {
  token: string
  host: string
  port: number
  allowedHosts: string[]
}): AccessGuard => {
  const names = new Set([...loopbackNames, options.host.toLowerCase()])
  const hosts = new Set<string>()
  for (const name of names) {
    const bracketed = name.includes(':') && !name.startsWith('[') ? `[${name}]` : name
    hosts.add(`${bracketed}:${options.port}`)
    if (options.port === 80) hosts.add(bracketed)
  }
  for (const extra of options.allowedHosts)
    hosts.add(extra.includes(':') ? extra : `${extra}:${options.port}`)

  const sessionValue = createHmac('sha256', options.token).update('cadre-session-v1').digest('base64url')
  const tokenDigest = digest(options.token)
  const sessionDigest = digest(sessionValue)

  const hostAllowed = (host: string | undefined) => host !== undefined && hosts.has(host.toLowerCase())
  return {
    hostAllowed,
    originAllowed(origin) {
      if (origin === undefined) return true
      try {
        const url = new URL(origin)
        return (url.protocol === 'http:' || url.protocol === 'https:') && hostAllowed(url.host)
      } catch {
        return false
      }
    },
    tokenValid: (token) => sameSecret(tokenDigest, token),
    sessionValid: (cookie) => sameSecret(sessionDigest, cookie),
    sessionValue,
  }
}
