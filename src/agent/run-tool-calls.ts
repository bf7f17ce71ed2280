import { hostname } from 'node:os'
import type { ToolContent } from 'ai'
import type { EventInput } from '../core/events/registry.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import type { DeltaCoalescer } from './delta-coalescer.ts'
import type { ModelStep } from './stream-model-step.ts'
import type { Tool, ToolResult } from './tools/define-tool.ts'

type Call = ModelStep['calls'][number]

/** Run the call; answer it without running it (denied); or stop the run before it. */
export type CallDecision = { run: true } | { answer: string } | { stop: 'loop' | 'ask'; reason: string }

export interface ToolCallsStop {
  stop: 'loop' | 'ask'
  reason: string
  call: Call
}

export interface ToolCallDeps {
  tools: ReadonlyMap<string, Tool>
  sandbox: Sandbox
  threadId: string
  signal: AbortSignal
  deltas: DeltaCoalescer
  record(events: readonly EventInput[]): Promise<void>
  /** Added to the environment of the processes tools start. */
  env?: Readonly<Record<string, string>>
  /** Asked before each call. */
  decide(call: Call): CallDecision
}

/** Runs one call's tool, recording each process group it starts as soon as it exists. */
const executeCall = async (deps: ToolCallDeps, call: Call): Promise<ToolResult> => {
  const tool = deps.tools.get(call.tool)
  if (!tool) {
    return {
      output: `there is no tool named ${call.tool}; the tools are ${[...deps.tools.keys()].join(', ')}`,
      isError: true,
    }
  }
  const { threadId, deltas } = deps
  // Recorded as soon as known, so a server that dies mid-command leaves the group's id behind.
  const processes: Promise<void>[] = []
  const result = await tool.execute(call.input, {
    sandbox: deps.sandbox,
    signal: deps.signal,
    env: deps.env,
    onOutput: (text) => deltas.push({ type: 'tool.output', data: { threadId, callId: call.callId, text } }),
    onProcessStart: (processGroup) => {
      const recorded = deps.record([
        { type: 'tool.process', data: { threadId, callId: call.callId, processGroup, host: hostname() } },
      ])
      // Awaited once the tool ends; until then a failure (the disk full) must not go unhandled,
      // which would end the whole server.
      recorded.catch(() => {})
      processes.push(recorded)
    },
  })
  await Promise.all(processes)
  return result
}

/**
 * What a call does, in the vocabulary shared by every agent: its tool's kind, the file it reads or
 * changes, the command it runs. An unknown tool is `other`.
 */
const describeCall = (tool: Tool | undefined, input: unknown) => {
  const fields = input as { path?: unknown; command?: unknown } | null
  const kind = tool?.kind ?? 'other'
  const touchesFile = kind === 'file_read' || kind === 'file_edit'
  return {
    kind,
    ...(touchesFile && typeof fields?.path === 'string' && { paths: [fields.path] }),
    ...(kind === 'command' && typeof fields?.command === 'string' && { command: fields.command }),
  }
}

/**
 * Runs a reply's tool calls in order, each recorded as `tool.started` before it runs and
 * `tool.finished` after (a denied call too, answered without running); live output goes out as
 * `tool.output`. Returns the results for the model, and why it stopped when a decision said stop.
 */
export const runToolCalls = async (
  deps: ToolCallDeps,
  calls: readonly Call[],
): Promise<{ results: ToolContent; stopped?: ToolCallsStop }> => {
  const { threadId } = deps
  const results: ToolContent = []
  for (const call of calls) {
    const decision = deps.decide(call)
    if ('stop' in decision) return { results, stopped: { ...decision, call } }
    const action = describeCall(deps.tools.get(call.tool), call.input)
    await deps.record([
      { type: 'tool.started', data: { threadId, callId: call.callId, tool: call.tool, ...action } },
    ])
    const started = performance.now()
    const outcome: ToolResult =
      'answer' in decision ? { output: decision.answer, isError: true } : await executeCall(deps, call)
    deps.deltas.flush()
    const durationMs = Math.round(performance.now() - started)
    await deps.record([
      {
        type: 'tool.finished',
        data: {
          threadId,
          callId: call.callId,
          tool: call.tool,
          output: outcome.output,
          isError: outcome.isError,
          durationMs,
          kind: action.kind,
          ...(action.paths && { paths: action.paths }),
          ...(outcome.exitCode !== undefined && { exitCode: outcome.exitCode }),
        },
      },
    ])
    results.push({
      type: 'tool-result',
      toolCallId: call.callId,
      toolName: call.tool,
      output: outcome.isError
        ? { type: 'error-text', value: outcome.output }
        : { type: 'text', value: outcome.output },
    })
  }
  return { results }
}
