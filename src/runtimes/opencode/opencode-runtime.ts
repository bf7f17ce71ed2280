import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AgentAction } from '../agent-action.ts'
import { lastMatchWins } from '../agent-policy.ts'
import { type AgentRuntime, defineRuntime, installationOf, type RuntimeRun } from '../agent-runtime.ts'
import { runAgentCommand } from '../run-agent-command.ts'
import { createOpencodeTranslator } from './translate-opencode-event.ts'

/**
 * OpenCode's configuration for one task: the task's model through an OpenAI-compatible provider of
 * its own (the key read from the environment, never written down), tools allowed (Cadre isolates
 * it, so only Cadre's policy limits its tools), the MCP servers Cadre gives it, nothing shared or
 * updated.
 */
const writeConfig = (dir: string, run: RuntimeRun) => {
  mkdirSync(dir, { recursive: true })
  const file = join(dir, 'opencode.json')
  writeFileSync(
    file,
    JSON.stringify({
      autoupdate: false,
      share: 'disabled',
      model: `cadre/${run.model.model}`,
      provider: {
        cadre: {
          npm: '@ai-sdk/openai-compatible',
          name: 'cadre',
          options: { baseURL: run.model.baseUrl, apiKey: '{env:CADRE_OPENCODE_API_KEY}' },
          models: { [run.model.model]: { name: run.model.model, tool_call: true } },
        },
      },
      // Cadre's policy, in OpenCode's terms (it cannot ask Cadre); no web fetches (Cadre has none).
      permission: {
        edit: run.policy ? lastMatchWins(run.policy.edits, run.policy.editDefault) : 'allow',
        bash: run.policy ? lastMatchWins(run.policy.commands, run.policy.commandDefault) : 'allow',
        webfetch: 'deny',
      },
      mcp: Object.fromEntries(
        (run.mcpServers ?? []).map((server) => [
          server.name,
          server.transport === 'stdio'
            ? {
                type: 'local',
                command: [server.command, ...(server.args ?? [])],
                environment: server.env ?? {},
                enabled: true,
              }
            : { type: 'remote', url: server.url, headers: server.headers ?? {}, enabled: true },
        ]),
      ),
    }),
  )
  return file
}

/** One `opencode run` turn in the workspace; a follow-up continues the task's session. */
const turn = (command: string, run: RuntimeRun, message: string): AsyncGenerator<AgentAction> => {
  const state = join(run.stateDir, 'opencode')
  const config = writeConfig(state, run)
  const env = {
    HOME: state,
    OPENCODE_CONFIG: config,
    CADRE_OPENCODE_API_KEY: run.model.apiKey || 'none',
    OPENCODE_DISABLE_MODELS_FETCH: '1',
    OPENCODE_DISABLE_AUTOUPDATE: '1',
    OPENCODE_DISABLE_LSP_DOWNLOAD: '1',
    OPENCODE_DISABLE_DEFAULT_PLUGINS: '1',
    OPENCODE_DISABLE_SHARE: '1',
    XDG_DATA_HOME: join(state, 'data'),
    XDG_CONFIG_HOME: join(state, 'config'),
    XDG_CACHE_HOME: join(state, 'cache'),
    XDG_STATE_HOME: join(state, 'state'),
  }
  const session = run.sessionId ? ['--session', run.sessionId] : []
  return runAgentCommand(
    run,
    'opencode',
    [command, 'run', '--format', 'json', '--title', `task ${run.taskId}`, ...session, message],
    env,
    createOpencodeTranslator(
      run.workspace.root,
      (run.mcpServers ?? []).map((server) => server.name),
    ),
  )
}

/** OpenCode (`opencode run --format json`), its sessions continued with `--session`. */
export const createOpencodeRuntime = (command: string): AgentRuntime =>
  defineRuntime({
    name: 'opencode',
    exposed: [installationOf(command)],
    start: (run, prompt) => turn(command, run, prompt),
    followUp: (run, message) => turn(command, run, message),
  })
