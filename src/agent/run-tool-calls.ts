import { hostname } from 'node:os'
import type { ToolContent } from 'ai'
import type { EventInput } from '../core/events/registry.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import type { createDeltaCoalescer } from './delta-coalescer.ts'
import type { ModelStep } from './stream-model-step.ts'
import type { Tool, ToolResult } from './tools/define-tool.ts'

export interface ToolCallDeps {
  tools: ReadonlyMap<string, Tool>
  sandbox: Sandbox
  threadId: string
  signal: AbortSignal
  deltas: ReturnType<typeof createDeltaCoalescer>
  record(events: readonly EventInput[]): Promise<void>
  /** Added to the environment of the processes tools start. */
  env?: Readonly<Record<string, string>>
  /** Asked before each call; a reason stops the run there, before the call runs. */
  refuse(call: ModelStep['calls'][number]): string | undefined
}

/**
 * Runs a reply's tool calls in order, each recorded as `tool.started` before it runs and
 * `tool.finished` after; its live output goes out as `tool.output`. Returns the results for the
 * model, or the reason to stop when `refuse` gave one.
 */
export const runToolCalls = async (
  deps: ToolCallDeps,
  calls: ModelStep['calls'],
): Promise<{ results: ToolContent; stop?: string }> => {
  const { threadId, deltas } = deps
  const results: ToolContent = []
  for (const call of calls) {
    const stop = deps.refuse(call)
    if (stop) return { results, stop }
    await deps.record([{ type: 'tool.started', data: { threadId, callId: call.callId, tool: call.tool } }])
    const started = performance.now()
    const tool = deps.tools.get(call.tool)
    // Recorded as soon as known, so a server that dies mid-command leaves the group's id behind.
    const processes: Promise<void>[] = []
    const outcome: ToolResult = tool
      ? await tool.execute(call.input, {
          sandbox: deps.sandbox,
          signal: deps.signal,
          env: deps.env,
          onOutput: (text) =>
            deltas.push({ type: 'tool.output', data: { threadId, callId: call.callId, text } }),
          onProcessStart: (processGroup) =>
            void processes.push(
              deps.record([
                {
                  type: 'tool.process',
                  data: { threadId, callId: call.callId, processGroup, host: hostname() },
                },
              ]),
            ),
        })
      : {
          output: `there is no tool named ${call.tool}; the tools are ${[...deps.tools.keys()].join(', ')}`,
          isError: true,
        }
    await Promise.all(processes)
    deltas.flush()
    await deps.record([
      {
        type: 'tool.finished',
        data: {
          threadId,
          callId: call.callId,
          tool: call.tool,
          output: outcome.output,
          isError: outcome.isError,
          durationMs: Math.round(performance.now() - started),
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
