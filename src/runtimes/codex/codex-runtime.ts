import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AgentAction } from '../agent-action.ts'
import { deniedCommandPrefixes } from '../agent-policy.ts'
import { type AgentRuntime, defineRuntime, installationOf, type RuntimeRun } from '../agent-runtime.ts'
import { runAgentCommand } from '../run-agent-command.ts'
import { translateCodexEvent } from './translate-codex-event.ts'

// Cadre runs Codex inside its own sandbox, so Codex's sandbox and approvals are off; its state
// (config, sessions) lives in the task's state folder, never in the user's ~/.codex.
const flags = ['--json', '--skip-git-repo-check', '--dangerously-bypass-approvals-and-sandbox']
const keyVariable = 'CADRE_CODEX_API_KEY'

// A TOML string, array of strings or inline table of strings: JSON's quoting is TOML's basic string.
const toml = (value: string) => JSON.stringify(value)
const tomlArray = (values: readonly string[] = []) => `[${values.map(toml).join(', ')}]`
const tomlTable = (entries: Readonly<Record<string, string>> = {}) =>
  `{ ${Object.entries(entries)
    .map(([key, value]) => `${toml(key)} = ${toml(value)}`)
    .join(', ')} }`

/** The MCP servers Cadre gives Codex, as `[mcp_servers.<name>]` tables. */
const mcpTables = (servers: RuntimeRun['mcpServers'] = []) =>
  servers.flatMap((server) => [
    `[mcp_servers.${toml(server.name)}]`,
    ...(server.transport === 'stdio'
      ? [
          `command = ${toml(server.command)}`,
          `args = ${tomlArray(server.args)}`,
          `env = ${tomlTable(server.env)}`,
        ]
      : [`url = ${toml(server.url)}`, `http_headers = ${tomlTable(server.headers)}`]),
  ])

/** Codex's configuration for one task: the task's model through a provider of its own, its MCP servers, nothing phoning home. */
const writeConfig = (home: string, run: RuntimeRun) => {
  mkdirSync(home, { recursive: true })
  writeFileSync(
    join(home, 'config.toml'),
    [
      `model = ${toml(run.model.model)}`,
      'model_provider = "cadre"',
      'approval_policy = "never"',
      'sandbox_mode = "danger-full-access"',
      'check_for_update_on_startup = false',
      '[analytics]',
      'enabled = false',
      '[features]',
      'plugins = false',
      'remote_plugin = false',
      'apps = false',
      '[model_providers.cadre]',
      'name = "cadre"',
      `base_url = ${toml(run.model.baseUrl)}`,
      `env_key = ${toml(keyVariable)}`,
      'wire_api = "responses"',
      // Codex retries what fails for a moment (a 429, a 5xx, a dropped stream) itself, as Cadre's
      // own agent does: without it one rate limit ends the run. Codex's own defaults, said here.
      'request_max_retries = 4',
      'stream_max_retries = 5',
      ...mcpTables(run.mcpServers),
      '',
    ].join('\n'),
  )
}

/**
 * Cadre's policy as Codex's own rules (`rules/cadre.rules`): commands starting with a refused
 * prefix are forbidden, whatever its approval settings. Codex cannot be told to refuse every
 * command, nor rules for paths: a policy that refuses commands by default is refused, saying why.
 */
const writeRules = (home: string, run: RuntimeRun): string | undefined => {
  const prefixes = run.policy ? deniedCommandPrefixes(run.policy) : []
  if (prefixes.includes('')) {
    return "the project's policy refuses commands by default, which Codex cannot be configured to do: allow commands by default and deny the ones to refuse, or choose an agent that asks Cadre (builtin, claude-code)"
  }
  mkdirSync(join(home, 'rules'), { recursive: true })
  const rule = (prefix: string) =>
    `prefix_rule(pattern = [${prefix.split(/\s+/).map(toml).join(', ')}], decision = "forbidden")`
  writeFileSync(join(home, 'rules', 'cadre.rules'), prefixes.map(rule).join('\n'))
  return undefined
}

/** One `codex exec` turn in the workspace, its JSON lines translated as they come. */
async function* turn(command: string, run: RuntimeRun, args: string[]): AsyncGenerator<AgentAction> {
  const home = join(run.stateDir, 'codex')
  writeConfig(home, run)
  const refused = writeRules(home, run)
  if (refused) {
    yield { type: 'error', message: refused }
    return
  }
  const env = {
    CODEX_HOME: home,
    HOME: join(run.stateDir, 'home'),
    [keyVariable]: run.model.apiKey || 'none',
  }
  yield* runAgentCommand(run, 'codex', [command, ...args], env, (message) =>
    translateCodexEvent(message, run.workspace.root),
  )
}

/** Codex (`codex exec --json`), its sessions continued with `codex exec resume`. */
export const createCodexRuntime = (command: string): AgentRuntime =>
  defineRuntime({
    name: 'codex',
    exposed: [installationOf(command)],
    start: (run, prompt) => turn(command, run, ['exec', ...flags, prompt]),
    followUp: (run, message) =>
      run.sessionId
        ? turn(command, run, ['exec', 'resume', ...flags, run.sessionId, message])
        : turn(command, run, ['exec', ...flags, message]),
  })
