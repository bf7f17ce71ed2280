import { knownAgents } from './agent-catalog.ts'
import type { AgentRuntime } from './agent-runtime.ts'
import { createClaudeCodeRuntime } from './claude-code/claude-code-runtime.ts'
import { createCodexRuntime } from './codex/codex-runtime.ts'
import { locateAgent } from './find-agents.ts'
import { createGeminiRuntime } from './gemini/gemini-runtime.ts'
import { createOpencodeRuntime } from './opencode/opencode-runtime.ts'

/**
 * The external agents whose adapter exists, by name, from where each one is installed: the command
 * of a CLI, the package folder of a library (Claude Code's SDK).
 */
const adapters: Record<string, (installed: string) => AgentRuntime> = {
  'claude-code': createClaudeCodeRuntime,
  codex: createCodexRuntime,
  gemini: createGeminiRuntime,
  opencode: createOpencodeRuntime,
}

/**
 * The external agents this machine can run: adapted, and installed (in Cadre's agents folder or on
 * the PATH). Found from the files alone, so a server starts without running any agent's program.
 */
export const loadRuntimes = (home: string): Map<string, AgentRuntime> => {
  const runtimes = new Map<string, AgentRuntime>()
  for (const agent of knownAgents) {
    const adapt = adapters[agent.name]
    const path = adapt && locateAgent(agent, home)
    if (adapt && path) runtimes.set(agent.name, adapt(path))
  }
  return runtimes
}
