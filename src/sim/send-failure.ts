import type { ServerResponse } from 'node:http'
import { errorResponse } from './protocols/error-response.ts'
import { sendError } from './send-json.ts'
import { SimInputError, SimPayloadTooLargeError, type SimProtocol } from './sim-request.ts'

/**
 * Answers a request that failed, in the error shape of the protocol its client speaks: the
 * request's own fault is a 400 (413 for a body over the limit), anything else a 500 whose message
 * starts with `failed`. A reply already under way can only be dropped.
 */
export const sendFailure = (
  response: ServerResponse,
  protocol: SimProtocol,
  error: unknown,
  failed: string,
): void => {
  if (response.headersSent) {
    response.destroy()
  } else if (error instanceof SimPayloadTooLargeError) {
    // The rest of an oversized body is never read: end the connection instead of draining it.
    const { status, headers, body } = errorResponse(protocol, 'payload_too_large', error.message)
    sendError(response, { status, body, headers: { ...headers, connection: 'close' } })
  } else if (error instanceof SimInputError) {
    sendError(response, errorResponse(protocol, 'bad_request', error.message))
  } else {
    const message = `${failed}: ${(error as Error)?.message ?? String(error)}`
    sendError(response, errorResponse(protocol, 'internal', message))
  }
}
