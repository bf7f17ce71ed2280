import { randomId } from '../random-id.ts'
import type { ScenarioErrorKind } from '../sim-reply.ts'
import type { SimProtocol } from '../sim-request.ts'

/** Every failure the simulator answers with: a scenario's, or one of its own. */
export type SimErrorKind =
  | ScenarioErrorKind
  | 'bad_request'
  | 'payload_too_large'
  | 'not_found'
  | 'bad_gateway'
  | 'internal'

export interface ErrorResponse {
  status: number
  headers: Record<string, string>
  body: unknown
}

// Anthropic says "overloaded" with its own 529; the others with 503.
const anthropic: Record<SimErrorKind, [number, string]> = {
  rate_limit: [429, 'rate_limit_error'],
  server_error: [500, 'api_error'],
  overloaded: [529, 'overloaded_error'],
  bad_request: [400, 'invalid_request_error'],
  payload_too_large: [413, 'request_too_large'],
  not_found: [404, 'not_found_error'],
  bad_gateway: [502, 'api_error'],
  internal: [500, 'api_error'],
}

const openai: Record<SimErrorKind, [number, string, string | null]> = {
  rate_limit: [429, 'requests', 'rate_limit_exceeded'],
  server_error: [500, 'server_error', null],
  overloaded: [503, 'server_error', 'server_overloaded'],
  bad_request: [400, 'invalid_request_error', null],
  payload_too_large: [413, 'invalid_request_error', 'request_too_large'],
  not_found: [404, 'invalid_request_error', 'unknown_url'],
  bad_gateway: [502, 'server_error', null],
  internal: [500, 'server_error', null],
}

const gemini: Record<SimErrorKind, [number, string]> = {
  rate_limit: [429, 'RESOURCE_EXHAUSTED'],
  server_error: [500, 'INTERNAL'],
  overloaded: [503, 'UNAVAILABLE'],
  bad_request: [400, 'INVALID_ARGUMENT'],
  payload_too_large: [413, 'INVALID_ARGUMENT'],
  not_found: [404, 'NOT_FOUND'],
  bad_gateway: [502, 'UNAVAILABLE'],
  internal: [500, 'INTERNAL'],
}

/** An error as the given protocol reports it: status, body shape, and retry-after when there is a delay. */
export const errorResponse = (
  protocol: SimProtocol,
  kind: SimErrorKind,
  message: string,
  retryAfterSeconds?: number,
): ErrorResponse => {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(retryAfterSeconds))
    headers['retry-after-ms'] = String(Math.round(retryAfterSeconds * 1000))
  }
  if (protocol === 'anthropic') {
    const [status, type] = anthropic[kind]
    const requestId = randomId('req_011')
    headers['request-id'] = requestId
    return { status, headers, body: { type: 'error', error: { type, message }, request_id: requestId } }
  }
  if (protocol === 'gemini') {
    const [status, code] = gemini[kind]
    // Gemini tells when to retry in the body; Gemini CLI reads it from there.
    const details =
      retryAfterSeconds === undefined
        ? undefined
        : [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: `${retryAfterSeconds}s` }]
    return {
      status,
      headers,
      body: { error: { code: status, message, status: code, ...(details && { details }) } },
    }
  }
  const [status, type, code] = openai[kind]
  headers['x-request-id'] = randomId('req_')
  return { status, headers, body: { error: { message, type, param: null, code } } }
}
