import { basename, dirname } from 'node:path'
import type { Workspace } from '../sandbox/sandbox.ts'
import type { AgentAction } from './agent-action.ts'

/** What an agent can do beyond running in a workspace; the API and UI show it per runtime. */
export interface RuntimeCapabilities {
  /** A read-only mode that ends with a plan. */
  planMode: boolean
  /** Asks Cadre before a tool call (so Cadre's approvals apply); otherwise the policy is written into its configuration. */
  approvals: boolean
  images: boolean
  /** Can continue its own session after a follow-up or a restart. */
  resume: boolean
  /** Takes the MCP servers Cadre passes it. */
  mcp: boolean
}

/** Capabilities an adapter does not declare: none. */
export const noCapabilities: RuntimeCapabilities = {
  planMode: false,
  approvals: false,
  images: false,
  resume: false,
  mcp: false,
}

/** The model an agent is given, from Cadre's provider settings. */
export interface RuntimeModel {
  /** The model as the provider names it. */
  model: string
  baseUrl: string
  apiKey: string
}

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

/** A runtime from the parts an adapter writes; capabilities it does not name are off. */
export const defineRuntime = (
  runtime: Omit<AgentRuntime, 'capabilities'> & { capabilities?: Partial<RuntimeCapabilities> },
): AgentRuntime => ({ ...runtime, capabilities: { ...noCapabilities, ...runtime.capabilities } })

/**
 * The folder an installed command's program lives in: for an npm-installed one
 * (`…/node_modules/.bin/name`), the whole `node_modules` (its package and the native binary it runs).
 */
export const installationOf = (command: string): string => {
  const bin = dirname(command)
  return basename(bin) === '.bin' ? dirname(bin) : bin
}
