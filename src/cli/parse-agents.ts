import { CadreError } from '../core/errors.ts'

export interface AgentChoice {
  agents: string[]
  /** The models given as agent=model, by agent. */
  models?: Record<string, string>
}

/**
 * `--agents builtin,codex=openai:gpt-5.5,gemini`: the agents of a comparison, each with the model it
 * runs when one is given after `=` (the others take --model, else the project's default).
 */
export const parseAgents = (value: string): AgentChoice => {
  const agents: string[] = []
  const models: Record<string, string> = {}
  for (const part of value.split(',').map((piece) => piece.trim())) {
    const [agent = '', ...model] = part.split('=')
    if (agent === '' || (model.length > 0 && model.join('=').trim() === '')) {
      throw new CadreError(
        'bad_request',
        `--agents is a comma-separated list of agents, each optionally agent=provider:model, e.g. builtin,codex=openai:gpt-5.5 (not "${value}")`,
      )
    }
    agents.push(agent)
    if (model.length > 0) models[agent] = model.join('=').trim()
  }
  return { agents, ...(Object.keys(models).length > 0 && { models }) }
}
