import { randomBytes, timingSafeEqual } from 'node:crypto'
import { auth, type OAuthClientProvider } from '@modelcontextprotocol/sdk/client/auth.js'
import type { OAuthClientInformationMixed, OAuthTokens } from '@modelcontextprotocol/sdk/shared/auth.js'
import { CadreError } from '../core/errors.ts'
import type { Redactor } from '../secrets/redactor.ts'
import type { SecretBox } from '../secrets/secret-box.ts'
import type { Store, StoredConnector } from '../store/store.ts'

/** Where the authorization server sends a person back to, on Cadre's own origin. */
export const oauthCallbackPath = '/api/connectors/oauth/callback'

/** What Cadre keeps of a connector's OAuth, sealed: its registration, its tokens, an authorization under way. */
interface OAuthState {
  clientInformation?: OAuthClientInformationMixed
  tokens?: OAuthTokens
  /** When the tokens were received (ms), to know when they expire. */
  receivedAt?: number
  codeVerifier?: string
  /** The authorization under way: `<connector id>.<random>`, sent back by the authorization server. */
  state?: string
  redirectUrl?: string
}

export interface OAuthDeps {
  store: Store
  box: SecretBox
  /** Learns every token as it comes. */
  redactor?: Redactor
}

const opened = (box: SecretBox, connector: StoredConnector): OAuthState =>
  connector.sealedOauth
    ? (JSON.parse(box.open(connector.sealedOauth, `connector ${connector.name}'s OAuth`)) as OAuthState)
    : {}

/** The secrets in a connector's OAuth state, for the redactor. */
export const oauthSecrets = (deps: Pick<OAuthDeps, 'box'>, connector: StoredConnector): string[] => {
  if (!connector.sealedOauth) return []
  const { tokens } = opened(deps.box, connector)
  return [tokens?.access_token, tokens?.refresh_token].filter((token): token is string => Boolean(token))
}

/**
 * The MCP SDK's OAuth client provider for a connector: its state read from and written back to
 * the store, sealed; every token learned is told to the redactor first. A person is sent to
 * authorize by the URL `redirectToAuthorization` hands to `onAuthorizationUrl`.
 */
const provider = (
  deps: OAuthDeps,
  connector: StoredConnector,
  redirectUrl: string,
  onAuthorizationUrl: (url: URL) => void = () => {},
): OAuthClientProvider => {
  let state = opened(deps.box, connector)
  const save = async (change: Partial<OAuthState>) => {
    state = { ...state, ...change }
    await deps.store.connectors.update(connector.id, { sealedOauth: deps.box.seal(JSON.stringify(state)) })
  }
  return {
    get redirectUrl() {
      return redirectUrl
    },
    get clientMetadata() {
      return {
        client_name: 'Cadre',
        redirect_uris: [redirectUrl],
        grant_types: ['authorization_code', 'refresh_token'],
        response_types: ['code'],
        token_endpoint_auth_method: 'none',
      }
    },
    async state() {
      const value = `${connector.id}.${randomBytes(24).toString('base64url')}`
      await save({ state: value, redirectUrl })
      return value
    },
    clientInformation: () => state.clientInformation,
    saveClientInformation: (clientInformation) => save({ clientInformation }),
    tokens: () => state.tokens,
    async saveTokens(tokens) {
      for (const secret of [tokens.access_token, tokens.refresh_token]) if (secret) deps.redactor?.add(secret)
      await save({ tokens, receivedAt: Date.now(), state: undefined, codeVerifier: undefined })
    },
    redirectToAuthorization: (url) => onAuthorizationUrl(url),
    saveCodeVerifier: (codeVerifier) => save({ codeVerifier }),
    codeVerifier() {
      if (!state.codeVerifier)
        throw new CadreError('conflict', 'no authorization of this connector is under way')
      return state.codeVerifier
    },
    async invalidateCredentials(scope) {
      if (scope === 'all' || scope === 'client')
        await save({ clientInformation: undefined, tokens: undefined })
      else if (scope === 'tokens') await save({ tokens: undefined })
      else if (scope === 'verifier') await save({ codeVerifier: undefined })
    },
  }
}

const serverUrl = (connector: StoredConnector) => {
  if (connector.transport !== 'http' || !connector.url || connector.sealedOauth === null) {
    throw new CadreError('bad_request', `connector ${connector.name} does not sign in with OAuth`)
  }
  return connector.url
}

/**
 * Starts (or renews) a connector's authorization: its tokens are still good, or were refreshed
 * (`authorized`), or a person must open `authorizationUrl` to allow Cadre, coming back to
 * `callbackUrl`. The authorization server is found, and Cadre registered with it, on the way.
 */
export const authorizeConnector = async (
  deps: OAuthDeps,
  connector: StoredConnector,
  callbackUrl: string,
): Promise<{ authorized: true } | { authorized: false; authorizationUrl: string }> => {
  let authorizationUrl: URL | undefined
  const result = await auth(
    provider(deps, connector, callbackUrl, (url) => {
      authorizationUrl = url
    }),
    { serverUrl: serverUrl(connector) },
  ).catch((error: Error) => {
    throw new CadreError('unavailable', `cannot authorize with ${connector.url}: ${error.message}`)
  })
  if (result === 'AUTHORIZED') return { authorized: true }
  return { authorized: false, authorizationUrl: authorizationUrl!.href }
}

/**
 * A person came back from the authorization server: the code is traded for tokens, if the state
 * is the one Cadre sent (so that nobody else's code is taken for the connector's). Answers the
 * connector authorized.
 */
export const finishAuthorization = async (
  deps: OAuthDeps,
  query: { code?: string; state?: string; error?: string; error_description?: string },
): Promise<StoredConnector> => {
  if (query.error) {
    throw new CadreError(
      'bad_request',
      `the authorization server refused: ${query.error_description ?? query.error}`,
    )
  }
  const connectorId = query.state?.split('.')[0]
  const connector = connectorId ? await deps.store.connectors.get(connectorId) : undefined
  const expected = connector && opened(deps.box, connector).state
  const same =
    expected !== undefined &&
    query.state !== undefined &&
    expected.length === query.state.length &&
    timingSafeEqual(Buffer.from(expected), Buffer.from(query.state))
  if (!connector || !same || !query.code) {
    throw new CadreError(
      'bad_request',
      'this authorization is not one Cadre started, or it was finished already',
    )
  }
  const { redirectUrl } = opened(deps.box, connector)
  await auth(provider(deps, connector, redirectUrl ?? ''), {
    serverUrl: serverUrl(connector),
    authorizationCode: query.code,
  }).catch((error: Error) => {
    throw new CadreError('bad_request', `the authorization server did not give tokens: ${error.message}`)
  })
  return (await deps.store.connectors.get(connector.id))!
}

/** Tokens this long from expiring are refreshed before they are handed out. */
const marginMs = 60_000

/**
 * The connector's access token, refreshed first when it expires soon; undefined when it has none
 * (never authorized, or the refresh was refused: a person must authorize again).
 */
export const connectorAccessToken = async (
  deps: OAuthDeps,
  connector: StoredConnector,
): Promise<string | undefined> => {
  const state = opened(deps.box, connector)
  if (!state.tokens) return undefined
  const expiresAt =
    state.tokens.expires_in !== undefined && state.receivedAt !== undefined
      ? state.receivedAt + state.tokens.expires_in * 1000
      : Number.POSITIVE_INFINITY
  if (expiresAt - marginMs > Date.now()) return state.tokens.access_token
  if (!state.tokens.refresh_token) return undefined
  const result = await auth(provider(deps, connector, state.redirectUrl ?? ''), {
    serverUrl: serverUrl(connector),
  }).catch(() => undefined)
  if (result !== 'AUTHORIZED') return undefined
  const refreshed = await deps.store.connectors.get(connector.id)
  return refreshed && opened(deps.box, refreshed).tokens?.access_token
}

/** Whether the connector holds tokens (good, or refreshable). */
export const connectorAuthorized = (deps: Pick<OAuthDeps, 'box'>, connector: StoredConnector) =>
  oauthSecrets(deps, connector).length > 0
