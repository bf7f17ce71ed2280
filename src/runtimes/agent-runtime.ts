import { basename, dirname } from 'node:path'
import type { ActionKind } from '../core/action-kind.ts'
import type { AgentMode } from '../core/settings.ts'
import type { Workspace } from '../sandbox/sandbox.ts'
import type { AgentAction } from './agent-action.ts'
import { knownAgent, noCapabilities, type RuntimeCapabilities } from './agent-catalog.ts'
import type { AgentPolicy } from './agent-policy.ts'

/** The model an agent is given, from Cadre's provider settings. */
export interface RuntimeModel {
  /** The model as the provider names it. */
  model: string
  baseUrl: string
  apiKey: string
}

/**
 * A tool call an agent with approvals asks about before making it, in Cadre's policy terms: the
 * built-in tool it amounts to (`bash`, `write_file`, `edit_file`, `read_file`, …, or the agent's
 * own name) and its subject (`{command}` or `{path}`, relative to the workspace).
 */
export interface ToolCallRequest {
  callId: string
  tool: string
  kind: ActionKind
  input: unknown
  readOnly: boolean
}

/** Cadre's answer: go ahead, refuse (the agent is told why), or wait for a person (the run pauses). */
export type ToolDecision =
  | { behavior: 'allow' }
  | { behavior: 'deny'; message: string }
  | { behavior: 'ask'; reason: string }

/**
 * An MCP server an agent is given: a command it starts (inside the workspace's sandbox, so the
 * command must be visible there), or a Streamable HTTP endpoint.
 */
export type McpServerSpec =
  | {
      name: string
      transport: 'stdio'
      command: string
      args?: readonly string[]
      env?: Readonly<Record<string, string>>
    }
  | { name: string; transport: 'http'; url: string; headers?: Readonly<Record<string, string>> }

/** One run of a runtime on a task. */
export interface RuntimeRun {
  taskId: string
  runId: string
  workspace: Workspace
  model: RuntimeModel
  /** Per-task state directory under $CADRE_HOME (the agent's home, config and sessions). */
  stateDir: string
  /** The agent's session to continue (a follow-up, or a resume after a crash). */
  sessionId?: string
  /** MCP servers whose tools the agent offers its model beside its own (agents with `mcp`). */
  mcpServers?: readonly McpServerSpec[]
  /** The task's mode: plan (read, then propose a plan), default, or auto. */
  mode: AgentMode
  /** Cadre's policy for an agent that does not ask (no `approvals`), to write into its own configuration. */
  policy?: AgentPolicy
  /** Cadre's policy, for an agent that asks before each tool call (`approvals`). */
  approve?(call: ToolCallRequest): Promise<ToolDecision>
  signal: AbortSignal
  /** Added to the agent's environment (Cadre's run marker, found after a crash). */
  env?: Readonly<Record<string, string>>
}

/**
 * An agent Cadre can run on a task. Each turn is an async stream of normalized actions; aborting
 * the run's signal ends the agent and every process it started.
 */
export interface AgentRuntime {
  readonly name: string
  readonly capabilities: RuntimeCapabilities
  /** Where its program lives: its sandbox must see these folders, read-only. */
  readonly exposed?: readonly string[]
  /** The first turn, from the task's prompt. */
  start(run: RuntimeRun, prompt: string): AsyncIterable<AgentAction>
  /** A later turn in the same session (`run.sessionId`). */
  followUp(run: RuntimeRun, message: string): AsyncIterable<AgentAction>
}

/** A runtime from the parts an adapter writes, with the capabilities the catalog gives its agent. */
export const defineRuntime = (runtime: Omit<AgentRuntime, 'capabilities'>): AgentRuntime => ({
  ...runtime,
  capabilities: knownAgent(runtime.name)?.capabilities ?? noCapabilities,
})

/** A provider's base URL without its API version (`…/v1`, `…/v1beta`), as agents that add it themselves want it. */
export const hostOf = (baseUrl: string): string => baseUrl.replace(/\/v1(beta)?\/?$/, '')

/**
 * The folder an installed command's program lives in: for an npm-installed one
 * (`…/node_modules/.bin/name`), the whole `node_modules` (its package and the native binary it runs).
 */
export const installationOf = (command: string): string => {
  const bin = dirname(command)
  return basename(bin) === '.bin' ? dirname(bin) : bin
}
