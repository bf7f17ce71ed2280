import type { z } from 'zod'

/** The closed set of error codes Cadre reports, each with the HTTP status it maps to. */
export const errorStatus = {
  bad_request: 400,
  validation_failed: 400,
  unauthorized: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  invalid_transition: 409,
  merge_conflict: 409,
  payload_too_large: 413,
  unsupported_media_type: 415,
  upgrade_required: 426,
  unavailable: 503,
  internal: 500,
} as const

export type ErrorCode = keyof typeof errorStatus

export interface ErrorOptions {
  details?: unknown
  cause?: unknown
}

/** The one error type of Cadre: a code from a closed set, a message for people, optional details. */
export class CadreError extends Error {
  readonly code: ErrorCode
  readonly details: unknown

  constructor(code: ErrorCode, message: string, options: ErrorOptions = {}) {
    super(message, { cause: options.cause })
    this.name = 'CadreError'
    this.code = code
    this.details = options.details
  }

  get status(): (typeof errorStatus)[ErrorCode] {
    return errorStatus[this.code]
  }
}

export const notFound = (kind: string, id: string): CadreError =>
  new CadreError('not_found', `${kind} ${JSON.stringify(id)} does not exist`, { details: { kind, id } })

/** A zod failure as a CadreError whose message names each field at fault. */
export const validationError = (error: z.ZodError, where: string): CadreError => {
  const issues = error.issues.map((issue) => ({
    path: [where, ...issue.path.map(String)].filter(Boolean).join('.'),
    message: issue.message,
  }))
  const message = issues
    .map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
    .join('; ')
  return new CadreError('validation_failed', message, { details: { issues } })
}
