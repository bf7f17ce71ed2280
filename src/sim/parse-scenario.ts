import { CadreError } from '../core/errors.ts'
import { Scenario } from './scenario.ts'

/**
 * Checks a scenario (as read from YAML or JSON, or written in code) and fills its defaults.
 * Throws a `bad_request` CadreError whose one-line message names `source` and each bad field,
 * e.g. `write.yaml: rules.0.when.toolResult: Invalid option: expected one of "none"|"any"|"last"`.
 */
export const parseScenario = (value: unknown, source: string): Scenario => {
  const parsed = Scenario.safeParse(value)
  if (parsed.success) return parsed.data
  const issues = parsed.error.issues.map((issue) => ({
    path: issue.path.map(String).join('.'),
    message: issue.message,
  }))
  const described = issues.map((issue) => (issue.path ? `${issue.path}: ${issue.message}` : issue.message))
  return fail(`${source}: ${described.join('; ')}`, { source, issues })
}

const fail = (message: string, details: unknown): never => {
  throw new CadreError('bad_request', message, { details })
}
