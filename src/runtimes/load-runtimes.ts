import type { AgentRuntime } from './agent-runtime.ts'
import { createCodexRuntime } from './codex/codex-runtime.ts'
import { findAgents } from './find-agents.ts'
import { createGeminiRuntime } from './gemini/gemini-runtime.ts'
import { createOpencodeRuntime } from './opencode/opencode-runtime.ts'

/** The external agents whose adapter exists, by name, from the command each one's installation provides. */
const adapters: Record<string, (command: string) => AgentRuntime> = {
  codex: createCodexRuntime,
  gemini: createGeminiRuntime,
  opencode: createOpencodeRuntime,
}

/** The external agents this machine can run: installed (in Cadre's agents folder or on the PATH) and adapted. */
export const loadRuntimes = async (home: string): Promise<Map<string, AgentRuntime>> => {
  const runtimes = new Map<string, AgentRuntime>()
  for (const agent of await findAgents(home)) {
    const adapt = adapters[agent.name]
    if (adapt && agent.installed && agent.path) runtimes.set(agent.name, adapt(agent.path))
  }
  return runtimes
}
