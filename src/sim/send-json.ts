import type { ServerResponse } from 'node:http'
import type { ErrorResponse } from './protocols/error-response.ts'

/** Sends a complete JSON response, unless the client has gone already. */
export const sendJson = (
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void => {
  if (response.headersSent || response.destroyed) return
  const text = JSON.stringify(body)
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  })
  response.end(text)
}

export const sendError = (response: ServerResponse, error: ErrorResponse): void =>
  sendJson(response, error.status, error.body, error.headers)
