import { noCapabilities, type RuntimeCapabilities } from './agent-runtime.ts'

/** An agent Cadre knows: how it is installed and found, and what it can do. */
export interface KnownAgent {
  name: string
  title: string
  /** The npm package and the version Cadre is tested with (`cadre agents install` installs it). */
  package?: { name: string; version: string }
  /** The command it is run by; absent for an agent driven as a library (Claude Code's SDK). */
  command?: string
  capabilities: RuntimeCapabilities
  /** What it needs to run a task. */
  needs: string
  /** Whether this Cadre can run tasks with it yet, and why not. */
  runnable: boolean
  notYet?: string
}

const adapterComing = 'Cadre cannot run it yet: its adapter is being built'

/** Every agent Cadre knows, the built-in one first. */
export const knownAgents: readonly KnownAgent[] = [
  {
    name: 'builtin',
    title: "Cadre's built-in agent",
    capabilities: { ...noCapabilities, planMode: true, approvals: true, resume: true },
    needs: 'a model from any configured provider',
    runnable: true,
  },
  {
    name: 'claude-code',
    title: 'Claude Code',
    package: { name: '@anthropic-ai/claude-agent-sdk', version: '0.3.330' },
    capabilities: { planMode: true, approvals: true, images: true, resume: true, mcp: true },
    needs: 'an Anthropic provider (a key, or a base URL)',
    runnable: false,
    notYet: adapterComing,
  },
  {
    name: 'codex',
    title: 'Codex',
    package: { name: '@openai/codex', version: '0.169.0' },
    command: 'codex',
    capabilities: { ...noCapabilities, resume: true },
    needs: 'an OpenAI Responses API provider (openai), and the project network on',
    runnable: true,
  },
  {
    name: 'gemini',
    title: 'Gemini CLI',
    package: { name: '@google/gemini-cli', version: '0.61.0' },
    command: 'gemini',
    capabilities: { ...noCapabilities, resume: true },
    needs: 'a Google provider (a key), and the project network on',
    runnable: true,
  },
  {
    name: 'opencode',
    title: 'OpenCode',
    package: { name: 'opencode-ai', version: '1.18.33' },
    command: 'opencode',
    capabilities: { ...noCapabilities, resume: true },
    needs: 'any OpenAI-compatible provider, and the project network on',
    runnable: true,
  },
]

export const knownAgent = (name: string): KnownAgent | undefined =>
  knownAgents.find((agent) => agent.name === name)
