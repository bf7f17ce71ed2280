import { createServer } from 'node:http'
import { CadreError } from '../core/errors.ts'
import { createSimHandler } from './handle-sim-request.ts'
import { listenHttp } from './listen-http.ts'
import { parseScenario } from './parse-scenario.ts'
import type { ScenarioInput } from './scenario.ts'
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
  const server = createServer(createSimHandler(scenarios))
  return listenHttp(server, options)
}
