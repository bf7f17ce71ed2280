import { hc } from 'hono/client'
import { CadreError, type ErrorCode, errorStatus } from '../core/errors.ts'
import { readToken } from '../server/access-token.ts'
import type { CadreApp } from '../server/create-app.ts'
import { readServerInfo } from '../server/server-file.ts'

export interface ClientOptions {
  url?: string
  token?: string
  home: string
}

export interface Connection {
  url: string
  token: string | undefined
}

/** Where the server is and the token to use: flags, then environment, then what CADRE_HOME holds. */
export const resolveConnection = (
  options: ClientOptions,
  env: NodeJS.ProcessEnv = process.env,
): Connection => ({
  url: (options.url || env.CADRE_URL || readServerInfo(options.home)?.url || 'http://127.0.0.1:7878').replace(
    /\/$/,
    '',
  ),
  token: options.token || env.CADRE_TOKEN || readToken(options.home),
})

/** The error code the server sent, when it is one Cadre knows; else one fitting the HTTP status. */
export const errorCodeOf = (code: unknown, status: number): ErrorCode =>
  typeof code === 'string' && Object.hasOwn(errorStatus, code)
    ? (code as ErrorCode)
    : status === 404
      ? 'not_found'
      : status >= 500
        ? 'internal'
        : 'bad_request'

/** Reads a response as JSON, turning the API's error shape into a CadreError with its message. */
export const readJson = async <T>(response: Promise<Response> | Response, url: string): Promise<T> => {
  let res: Response
  try {
    res = await response
  } catch (error) {
    throw new CadreError(
      'unavailable',
      `no Cadre server answers at ${url}; start one with "cadre serve" (npm start)`,
      {
        cause: error,
      },
    )
  }
  const body = (await res.json().catch(() => undefined)) as
    | { error?: { code?: unknown; message?: string } }
    | undefined
  if (res.ok) return body as T
  const message = body?.error?.message ?? `${res.status} ${res.statusText}`
  throw new CadreError(errorCodeOf(body?.error?.code, res.status), message)
}

/** The typed API client: routes, inputs and outputs come from the server's own route definitions. */
export const createClient = ({ url, token }: Connection) =>
  hc<CadreApp>(url, { headers: token ? { authorization: `Bearer ${token}` } : {} })

export type Client = ReturnType<typeof createClient>
