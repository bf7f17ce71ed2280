import { createHash, randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { probeMcpServer } from '../fixtures/mcp-probe-tool.ts'

const readBody = async (request: IncomingMessage) => {
  let body = ''
  for await (const chunk of request) body += chunk
  return body
}

/**
 * The probe MCP server behind OAuth 2.1, as a hosted MCP server is: protected resource metadata,
 * an authorization server with dynamic client registration, PKCE (S256) and refresh tokens, and
 * an /authorize that allows at once (the person who clicks "allow"). Its tokens expire after
 * `expiresIn` seconds; a request without the current access token is answered 401.
 */
export const startOAuthProbeServer = async ({ expiresIn = 3600 } = {}) => {
  let base = ''
  const registered = new Map<string, string[]>()
  const codes = new Map<string, { challenge: string; clientId: string }>()
  const grants: string[] = []
  let access = ''
  let refresh = ''
  const issue = () => {
    access = `probe-access-${randomBytes(12).toString('hex')}`
    refresh = `probe-refresh-${randomBytes(12).toString('hex')}`
    return { access_token: access, token_type: 'Bearer', expires_in: expiresIn, refresh_token: refresh }
  }
  const server = createServer(async (request, response) => {
    const url = new URL(request.url ?? '/', base)
    const json = (status: number, body: unknown) =>
      response.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body))
    if (url.pathname.startsWith('/.well-known/oauth-protected-resource')) {
      return json(200, { resource: `${base}/mcp`, authorization_servers: [base] })
    }
    if (url.pathname === '/.well-known/oauth-authorization-server') {
      return json(200, {
        issuer: base,
        authorization_endpoint: `${base}/authorize`,
        token_endpoint: `${base}/token`,
        registration_endpoint: `${base}/register`,
        response_types_supported: ['code'],
        grant_types_supported: ['authorization_code', 'refresh_token'],
        code_challenge_methods_supported: ['S256'],
        token_endpoint_auth_methods_supported: ['none'],
      })
    }
    if (url.pathname === '/register' && request.method === 'POST') {
      const metadata = JSON.parse(await readBody(request)) as { redirect_uris: string[] }
      const clientId = `client-${registered.size + 1}`
      registered.set(clientId, metadata.redirect_uris)
      return json(201, {
        ...metadata,
        client_id: clientId,
        client_id_issued_at: Math.floor(Date.now() / 1000),
      })
    }
    if (url.pathname === '/authorize') {
      const query = url.searchParams
      const clientId = query.get('client_id') ?? ''
      const redirect = query.get('redirect_uri') ?? ''
      if (!registered.get(clientId)?.includes(redirect) || query.get('code_challenge_method') !== 'S256') {
        return json(400, { error: 'invalid_request' })
      }
      const code = randomBytes(12).toString('hex')
      codes.set(code, { challenge: query.get('code_challenge') ?? '', clientId })
      const back = new URL(redirect)
      back.searchParams.set('code', code)
      back.searchParams.set('state', query.get('state') ?? '')
      response.writeHead(302, { location: back.href }).end()
      return
    }
    if (url.pathname === '/token' && request.method === 'POST') {
      const form = new URLSearchParams(await readBody(request))
      const grant = form.get('grant_type') ?? ''
      grants.push(grant)
      if (grant === 'authorization_code') {
        const pending = codes.get(form.get('code') ?? '')
        const verifier = form.get('code_verifier') ?? ''
        const challenge = createHash('sha256').update(verifier).digest('base64url')
        if (!pending || pending.challenge !== challenge) return json(400, { error: 'invalid_grant' })
        codes.delete(form.get('code') ?? '')
        return json(200, issue())
      }
      if (grant === 'refresh_token' && refresh && form.get('refresh_token') === refresh)
        return json(200, issue())
      return json(400, { error: 'invalid_grant' })
    }
    if (url.pathname === '/mcp') {
      if (!access || request.headers.authorization !== `Bearer ${access}`) {
        response
          .writeHead(401, {
            'www-authenticate': `Bearer resource_metadata="${base}/.well-known/oauth-protected-resource/mcp"`,
          })
          .end()
        return
      }
      const transport = new StreamableHTTPServerTransport({
        sessionIdGenerator: undefined,
        enableJsonResponse: true,
      })
      await probeMcpServer().connect(transport)
      await transport.handleRequest(request, response)
      return
    }
    json(404, { error: 'not_found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url: `${base}/mcp`,
    /** The grant types asked for at the token endpoint, in order. */
    grants,
    /** The access token now good (to show it never leaks). */
    get accessToken() {
      return access
    },
    [Symbol.asyncDispose]: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
