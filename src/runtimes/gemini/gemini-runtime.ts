import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { AgentAction } from '../agent-action.ts'
import { deniedCommandPrefixes } from '../agent-policy.ts'
import {
  type AgentRuntime,
  defineRuntime,
  hostOf,
  installationOf,
  type RuntimeRun,
} from '../agent-runtime.ts'
import { runAgentCommand } from '../run-agent-command.ts'
import { createGeminiTranslator } from './translate-gemini-event.ts'

/** The MCP servers in Gemini CLI's `mcpServers` setting (trusted: Cadre decided to give them). */
const mcpSettings = (servers: RuntimeRun['mcpServers'] = []) =>
  Object.fromEntries(
    servers.map((server) => [
      server.name,
      server.transport === 'stdio'
        ? { command: server.command, args: server.args ?? [], env: server.env ?? {}, trust: true }
        : { httpUrl: server.url, headers: server.headers ?? {}, trust: true },
    ]),
  )

/**
 * Cadre's policy as rules of Gemini CLI's policy engine (its user tier, above what yolo mode
 * allows): its shell refused for the command prefixes Cadre refuses (all of it when Cadre refuses
 * commands by default), its file writers when Cadre refuses every edit. Rules for some paths only
 * cannot be said to it.
 */
const writePolicy = (home: string, policy: RuntimeRun['policy']) => {
  const dir = join(home, '.gemini', 'policies')
  mkdirSync(dir, { recursive: true })
  const deny = (toolName: string, commandPrefix?: string) =>
    [
      '[[rule]]',
      `toolName = ${JSON.stringify(toolName)}`,
      ...(commandPrefix ? [`commandPrefix = ${JSON.stringify(commandPrefix)}`] : []),
      'decision = "deny"',
      'priority = 999',
      '',
    ].join('\n')
  const rules = policy
    ? [
        ...deniedCommandPrefixes(policy).map((prefix) => deny('run_shell_command', prefix || undefined)),
        ...((policy.edits.find((rule) => rule.pattern === '*')?.action ?? policy.editDefault) === 'deny'
          ? [deny('write_file'), deny('replace')]
          : []),
      ]
    : []
  writeFileSync(join(dir, 'cadre.toml'), rules.join('\n'))
}

/**
 * Gemini CLI's settings for one task: API-key auth, no folder-trust prompt, nothing phoning home,
 * the MCP servers Cadre gives it.
 */
const writeSettings = (home: string, run: RuntimeRun) => {
  mkdirSync(join(home, '.gemini'), { recursive: true })
  writeFileSync(
    join(home, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' }, folderTrust: { enabled: false } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { disableAutoUpdate: true, disableUpdateNag: true },
      mcpServers: mcpSettings(run.mcpServers),
    }),
  )
}

/** One `gemini -p` turn in the workspace; a follow-up resumes the task's latest session. */
const turn = (
  command: string,
  run: RuntimeRun,
  prompt: string,
  resume: boolean,
): AsyncGenerator<AgentAction> => {
  const home = join(run.stateDir, 'gemini')
  writeSettings(home, run)
  writePolicy(home, run.policy)
  const args = [
    '-p',
    prompt,
    '--output-format',
    'stream-json',
    '--approval-mode',
    'yolo',
    '-m',
    run.model.model,
  ]
  const env = {
    HOME: home,
    GEMINI_CLI_HOME: home,
    GEMINI_API_KEY: run.model.apiKey || 'none',
    GOOGLE_GEMINI_BASE_URL: hostOf(run.model.baseUrl),
    GEMINI_SANDBOX: 'false',
    GEMINI_TELEMETRY_ENABLED: 'false',
  }
  return runAgentCommand(
    run,
    'gemini',
    [command, ...(resume ? ['--resume', 'latest'] : []), ...args],
    env,
    createGeminiTranslator(run.workspace.root),
    { joinText: true },
  )
}

/** Gemini CLI (`gemini -p … --output-format stream-json`); its sessions are kept per task, so `--resume latest` is the task's own. */
export const createGeminiRuntime = (command: string): AgentRuntime =>
  defineRuntime({
    name: 'gemini',
    exposed: [installationOf(command)],
    start: (run, prompt) => turn(command, run, prompt, false),
    followUp: (run, message) => turn(command, run, message, run.sessionId !== undefined),
  })
