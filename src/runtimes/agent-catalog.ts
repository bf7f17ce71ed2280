import { z } from 'zod'

/** What an agent can do beyond running in a workspace; the API and UI show it per runtime. */
export const RuntimeCapabilities = z.object({
  planMode: z.boolean().describe('a read-only mode that ends with a plan for approval'),
  approvals: z
    .boolean()
    .describe(
      "asks Cadre before each tool call (Cadre's approvals apply); otherwise the policy is written into its configuration",
    ),
  images: z.boolean(),
  resume: z.boolean().describe('continues its own session in a follow-up'),
  restart: z
    .boolean()
    .describe(
      'picks its session up again when Cadre restarts in the middle of a turn (else the run fails, saying so)',
    ),
  mcp: z.boolean().describe('takes the MCP servers Cadre passes it'),
})
export type RuntimeCapabilities = z.infer<typeof RuntimeCapabilities>

/** Capabilities an adapter does not declare: none. */
export const noCapabilities: RuntimeCapabilities = {
  planMode: false,
  approvals: false,
  images: false,
  resume: false,
  restart: false,
  mcp: false,
}

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
}

/** Every agent Cadre knows, the built-in one first. */
export const knownAgents: readonly KnownAgent[] = [
  {
    name: 'builtin',
    title: "Cadre's built-in agent",
    capabilities: { ...noCapabilities, planMode: true, approvals: true, resume: true, restart: true },
    needs: 'a model from any configured provider',
  },
  {
    name: 'claude-code',
    title: 'Claude Code',
    package: { name: '@anthropic-ai/claude-agent-sdk', version: '0.3.330' },
    capabilities: {
      ...noCapabilities,
      planMode: true,
      approvals: true,
      resume: true,
      restart: true,
      mcp: true,
    },
    needs: 'an Anthropic provider (a key, or a base URL), and the project network on',
  },
  {
    name: 'codex',
    title: 'Codex',
    package: { name: '@openai/codex', version: '0.169.0' },
    command: 'codex',
    capabilities: { ...noCapabilities, resume: true, restart: true, mcp: true },
    needs: 'an OpenAI Responses API provider (openai), and the project network on',
  },
  {
    name: 'gemini',
    title: 'Gemini CLI',
    package: { name: '@google/gemini-cli', version: '0.61.0' },
    command: 'gemini',
    capabilities: { ...noCapabilities, resume: true, mcp: true },
    needs: 'a Google provider (a key), and the project network on',
  },
  {
    name: 'opencode',
    title: 'OpenCode',
    package: { name: 'opencode-ai', version: '1.18.33' },
    command: 'opencode',
    capabilities: { ...noCapabilities, resume: true, mcp: true },
    needs: 'any OpenAI-compatible provider, and the project network on',
  },
]

export const knownAgent = (name: string): KnownAgent | undefined =>
  knownAgents.find((agent) => agent.name === name)
