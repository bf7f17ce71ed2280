import { createServer } from 'node:http'
import { CadreError, validationError } from '../core/errors.ts'
import { createSimHandler } from './handle-sim-request.ts'
import { listenHttp } from './listen-http.ts'
import { parseScenario } from './parse-scenario.ts'
import type { ScenarioInput } from './scenario.ts'
import { SimFaults, type SimFaultsInput } from './sim-faults.ts'
import type { SimServer } from './sim-server.ts'

export interface SimulatorOptions {
  /**
   * Scenarios to serve, as loaded or written in code (each is checked here); the first is the
   * default. Without any, the built-in default answers.
   */
  scenarios?: readonly ScenarioInput[]
  /** Address to bind, 127.0.0.1 by default. */
  host?: string
  /** Port to bind; 0 (the default) picks a free one. */
  port?: number
  /** Closes the simulator when aborted. */
  signal?: AbortSignal
  /**
   * Fails a seeded share of model calls on purpose, e.g. `{ rate: 0.2, seed: 7 }`: a 429 with
   * retry-after, a 500, an overload, a stream cut mid-way, or headers held back a while.
   */
  faults?: SimFaultsInput
}

const parseFaults = (faults: SimFaultsInput) => {
  const parsed = SimFaults.safeParse(faults)
  if (!parsed.success) throw validationError(parsed.error, 'faults')
  return parsed.data
}

/**
 * Starts the model simulator: one HTTP server speaking the Anthropic Messages, OpenAI Responses,
 * OpenAI Chat Completions and Gemini protocols, answering each request from its scenarios.
 */
export const startSimulator = async (options: SimulatorOptions = {}): Promise<SimServer> => {
  const scenarios = (options.scenarios ?? []).map((scenario, index) =>
    parseScenario(scenario, `scenario ${scenario.name ?? index}`),
  )
  const names = scenarios.map((scenario) => scenario.name)
  const repeated = names.find((name, index) => names.indexOf(name) !== index)
  if (repeated) throw new CadreError('bad_request', `two scenarios are named "${repeated}"`)
  const faults = options.faults && parseFaults(options.faults)
  const server = createServer(createSimHandler(scenarios, faults))
  return listenHttp(server, options)
}
