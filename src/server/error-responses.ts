import type { Context } from 'hono'
import { HTTPException } from 'hono/http-exception'
import type { ContentfulStatusCode } from 'hono/utils/http-status'
import type { Logger } from 'pino'
import { z } from 'zod'
import { CadreError, validationError } from '../core/errors.ts'
import { storageFailure } from '../store/storage-failure.ts'

export const ErrorBody = z.object({
  error: z.object({
    code: z
      .string()
      .describe('one of a closed set: bad_request, validation_failed, unauthorized, forbidden, …'),
    message: z.string(),
    details: z.unknown().optional(),
  }),
})

export const errorJson = (c: Context, error: CadreError) =>
  c.json(
    {
      error: {
        code: error.code,
        message: error.message,
        ...(error.details !== undefined && { details: error.details }),
      },
    },
    error.status as ContentfulStatusCode,
  )

const httpMessages: Record<number, { code: CadreError['code']; message?: string }> = {
  401: { code: 'unauthorized' },
  403: { code: 'forbidden' },
  404: { code: 'not_found' },
  413: { code: 'payload_too_large', message: 'the request body is too large' },
  415: {
    code: 'unsupported_media_type',
    message: 'send the body as JSON, with Content-Type: application/json',
  },
}

/** Turns anything thrown by a route into the one error shape; a 500 never leaks internals. */
export const toErrorResponse = (error: unknown, c: Context, log: Logger) => {
  if (error instanceof CadreError) return errorJson(c, error)
  // Hono's own 4xx (malformed JSON, wrong content type …) are the client's; anything else is ours.
  if (error instanceof HTTPException && error.status < 500) {
    const known = httpMessages[error.status]
    const message = known?.message ?? (error.message || 'bad request')
    return errorJson(c, new CadreError(known?.code ?? 'bad_request', message))
  }
  // A disk that is full or read-only is the operator's to fix, and says so, to the client too.
  const storage = storageFailure(error)
  if (storage) {
    log.error({ err: error, method: c.req.method, path: c.req.path }, storage.message)
    return errorJson(c, storage)
  }
  const incident = crypto.randomUUID()
  log.error({ err: error, incident, method: c.req.method, path: c.req.path }, 'request failed')
  return errorJson(
    c,
    new CadreError('internal', `internal error; the server log has the details (incident ${incident})`),
  )
}

/** The validation hook of every route: a 400 naming each field at fault, e.g. "body.prompt: …". */
export const validationHook = (
  result: { success: true } | { success: false; error: z.ZodError; target: string },
  c: Context,
) => {
  if (result.success) return
  const where = result.target === 'json' ? 'body' : result.target
  return errorJson(c, validationError(result.error, where))
}
