import type { MiddlewareHandler } from 'hono'
import { getCookie, setCookie } from 'hono/cookie'
import { buildToolsPattern } from '../builds/build-task-tools.ts'
import { oauthCallbackPath } from '../connectors/connector-oauth.ts'
import { CadreError } from '../core/errors.ts'
import { type AccessGuard, sessionCookieName } from './access-guard.ts'
import { isUiPath } from './web-ui.ts'

// The OAuth callback is opened by a person's browser coming from another site, without Cadre's
// (SameSite=Strict) cookie: the state it carries, which Cadre made, is what admits it.
const publicPaths = new Set(['/api/health', '/api/ready', '/api/session', oauthCallbackPath])

/**
 * Host and Origin checks on every request; then the token, from `Authorization: Bearer` or the
 * session cookie. A GET with `?token=` is the browser's sign-in: the token is traded for the
 * cookie and the address bar loses it through a redirect.
 */
export const guardRequests =
  (guard: AccessGuard): MiddlewareHandler =>
  async (c, next) => {
    const host = c.req.header('host')
    if (!guard.hostAllowed(host)) {
      throw new CadreError(
        'forbidden',
        `this server does not answer to Host "${host ?? ''}"; add it to CADRE_ALLOWED_HOSTS if it is really this server`,
      )
    }
    if (!guard.originAllowed(c.req.header('origin'))) {
      throw new CadreError('forbidden', `cross-site request from ${c.req.header('origin')} refused`)
    }
    const linkToken = c.req.query('token')
    if (linkToken !== undefined && c.req.method === 'GET') {
      // A browser following a wrong link lands on the sign-in page, saying so; the token goes.
      if (!guard.tokenValid(linkToken) && isUiPath(c.req.path)) return c.redirect('/?signin=refused', 302)
      if (!guard.tokenValid(linkToken)) {
        throw new CadreError(
          'unauthorized',
          'the token in this link is not valid; open the link `cadre serve` printed, or use the token in $CADRE_HOME/token',
        )
      }
      setCookie(c, sessionCookieName, guard.sessionValue, { httpOnly: true, sameSite: 'Strict', path: '/' })
      const url = new URL(c.req.url)
      url.searchParams.delete('token')
      return c.redirect(`${url.pathname}${url.search}`, 302)
    }
    // The UI's page and assets hold nothing secret; the API behind them asks for the session. A
    // build task's tools check their own token.
    if (publicPaths.has(c.req.path) || isUiPath(c.req.path) || buildToolsPattern.test(c.req.path))
      return next()
    const authorization = c.req.header('authorization')
    const bearer = authorization?.match(/^Bearer (.+)$/i)?.[1]
    if (guard.tokenValid(bearer) || guard.sessionValid(getCookie(c, sessionCookieName))) return next()
    throw new CadreError(
      'unauthorized',
      authorization
        ? 'the access token is not valid'
        : 'this request needs the access token: send "Authorization: Bearer <token>" (the token is in $CADRE_HOME/token) or open the link `cadre serve` printed',
    )
  }
