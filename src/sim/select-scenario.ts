import type { Scenario } from './scenario.ts'
import { SimInputError } from './sim-request.ts'

/** The header that picks a scenario by name for one request. */
export const scenarioHeader = 'x-cadre-scenario'

/**
 * The scenario that answers a request: the one the `x-cadre-scenario` header names, else the one
 * named like the requested model, else the first loaded (undefined: the built-in default).
 */
export const selectScenario = (
  scenarios: readonly Scenario[],
  model: string,
  header: string | undefined,
): Scenario | undefined => {
  if (header) {
    const named = scenarios.find((scenario) => scenario.name === header)
    if (!named) {
      const loaded = scenarios.map((scenario) => scenario.name).join(', ') || 'none'
      throw new SimInputError(`no scenario named "${header}" (${scenarioHeader}); loaded: ${loaded}`)
    }
    return named
  }
  return scenarios.find((scenario) => scenario.name === model) ?? scenarios[0]
}
