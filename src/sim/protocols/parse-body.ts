import type { z } from 'zod'
import { SimInputError } from '../sim-request.ts'

/** The zod issues of a body as one line: `messages.0.role: Invalid option …; model: …`. */
export const describeIssues = (error: z.ZodError): string =>
  error.issues
    .map((issue) => {
      const path = issue.path.map(String).join('.')
      return path ? `${path}: ${issue.message}` : issue.message
    })
    .join('; ')

/** Parses a request body with a protocol's schema, or throws a SimInputError naming each bad field. */
export const parseBody = <T extends z.ZodType>(schema: T, body: unknown): z.output<T> => {
  const parsed = schema.safeParse(body)
  if (!parsed.success) throw new SimInputError(describeIssues(parsed.error))
  return parsed.data
}
