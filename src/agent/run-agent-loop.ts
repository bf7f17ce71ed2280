import { jsonSchema, type ModelMessage, streamText, type ToolContent, type ToolSet } from 'ai'
import { z } from 'zod'
import { type Usage, zeroUsage } from '../core/entities.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import type { ResolvedModel } from '../models/model-client.ts'
import { toUsage } from '../models/to-usage.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import { createDeltaCoalescer } from './delta-coalescer.ts'
import type { Tool, ToolResult } from './tools/define-tool.ts'

export interface AgentLoopDeps {
  model: ResolvedModel
  tools: readonly Tool[]
  sandbox: Sandbox
  threadId: string
  system: string
  signal: AbortSignal
  maxSteps: number
  /** Stores events durably (and publishes them once stored); resolves when they are. */
  record(events: readonly EventInput[]): Promise<void>
  /** Publishes a live-only event. */
  live(event: EventInput<LiveEventType>): void
}

export interface AgentLoopResult {
  outcome: 'finished' | 'max_steps' | 'cancelled'
  steps: number
  usage: Usage
  /** null when a step's price was unknown. */
  costUsd: number | null
  messages: ModelMessage[]
}

const addUsage = (a: Usage, b: Usage): Usage => ({
  inputTokens: a.inputTokens + b.inputTokens,
  outputTokens: a.outputTokens + b.outputTokens,
  cachedTokens: a.cachedTokens + b.cachedTokens,
  cacheWriteTokens: a.cacheWriteTokens + b.cacheWriteTokens,
  reasoningTokens: a.reasoningTokens + b.reasoningTokens,
})

// The model sees each tool's JSON schema; its input is checked by the tool itself, so a mistake
// comes back to the model as a readable error instead of failing the step.
const toAiTools = (tools: readonly Tool[]): ToolSet =>
  Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      {
        description: tool.description,
        inputSchema: jsonSchema(z.toJSONSchema(tool.input, { io: 'input' }) as never),
      },
    ]),
  )

/**
 * The built-in agent's loop: one streamed model call, then the tool calls it made, until the model
 * answers without tools, the step limit is reached, or the signal aborts. Deltas are live-only
 * (coalesced); each reply, each tool call's start and end, and each step's usage are recorded.
 */
export const runAgentLoop = async (
  deps: AgentLoopDeps,
  history: ModelMessage[],
): Promise<AgentLoopResult> => {
  const { model, threadId, signal } = deps
  const tools = new Map(deps.tools.map((tool) => [tool.name, tool]))
  const aiTools = toAiTools(deps.tools)
  const messages = [...history]
  const deltas = createDeltaCoalescer(deps.live)
  let usage = zeroUsage
  let costUsd: number | null = 0

  for (let step = 1; step <= deps.maxSteps; step++) {
    if (signal.aborted) return { outcome: 'cancelled', steps: step - 1, usage, costUsd, messages }
    const result = streamText({
      model: model.languageModel,
      system: deps.system,
      messages,
      tools: aiTools,
      maxRetries: 0,
      abortSignal: signal,
    })
    let text = ''
    let reasoning = ''
    const calls: { callId: string; tool: string; input: unknown }[] = []
    const callNames = new Map<string, string>()
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') {
        text += part.text
        deltas.push({
          type: 'assistant.delta',
          data: { threadId, blockId: `${threadId}:${step}:text`, text: part.text },
        })
      } else if (part.type === 'reasoning-delta') {
        reasoning += part.text
        deltas.push({
          type: 'reasoning.delta',
          data: { threadId, blockId: `${threadId}:${step}:reasoning`, text: part.text },
        })
      } else if (part.type === 'tool-input-start') {
        callNames.set(part.id, part.toolName)
      } else if (part.type === 'tool-input-delta') {
        const tool = callNames.get(part.id) ?? ''
        deltas.push({ type: 'tool.input_delta', data: { threadId, callId: part.id, tool, text: part.delta } })
      } else if (part.type === 'tool-call') {
        calls.push({ callId: part.toolCallId, tool: part.toolName, input: part.input })
      } else if (part.type === 'error') {
        deltas.flush()
        throw part.error
      } else if (part.type === 'abort') {
        deltas.flush()
        return { outcome: 'cancelled', steps: step - 1, usage, costUsd, messages }
      }
    }
    deltas.flush()
    const stepUsage = toUsage(await result.usage)
    const stepCost = model.cost(stepUsage)
    usage = addUsage(usage, stepUsage)
    costUsd = costUsd === null || stepCost === null ? null : costUsd + stepCost
    messages.push(...(await result.response).messages)
    await deps.record([
      {
        type: 'message.assistant',
        data: { threadId, text, ...(reasoning && { reasoning }), toolCalls: calls },
      },
      {
        type: 'step.finished',
        data: {
          threadId,
          step,
          model: model.id,
          usage: stepUsage,
          costUsd: stepCost,
          finishReason: await result.finishReason,
        },
      },
    ])
    if (calls.length === 0) return { outcome: 'finished', steps: step, usage, costUsd, messages }

    const results: ToolContent = []
    for (const call of calls) {
      await deps.record([{ type: 'tool.started', data: { threadId, callId: call.callId, tool: call.tool } }])
      const started = performance.now()
      const tool = tools.get(call.tool)
      const outcome: ToolResult = tool
        ? await tool.execute(call.input, {
            sandbox: deps.sandbox,
            signal,
            onOutput: (output) =>
              deltas.push({ type: 'tool.output', data: { threadId, callId: call.callId, text: output } }),
          })
        : {
            output: `there is no tool named ${call.tool}; the tools are ${[...tools.keys()].join(', ')}`,
            isError: true,
          }
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
    messages.push({ role: 'tool', content: results })
  }
  return { outcome: 'max_steps', steps: deps.maxSteps, usage, costUsd, messages }
}
