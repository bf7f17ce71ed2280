import { jsonSchema, type ModelMessage, type ToolContent, type ToolSet } from 'ai'
import { z } from 'zod'
import { type Usage, zeroUsage } from '../core/entities.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import type { ResolvedModel } from '../models/model-client.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import { createDeltaCoalescer } from './delta-coalescer.ts'
import { type ModelStep, streamModelStep } from './stream-model-step.ts'
import type { Tool, ToolResult } from './tools/define-tool.ts'
import { describeModelError, isTransientModelError, retryAfterMs } from './transient-model-error.ts'

export interface RetryPolicy {
  /** Attempts per model call, the first included. */
  maxAttempts: number
  baseDelayMs: number
  maxDelayMs: number
}

export const defaultRetryPolicy: RetryPolicy = { maxAttempts: 8, baseDelayMs: 1000, maxDelayMs: 60_000 }

export interface AgentLoopDeps {
  model: ResolvedModel
  tools: readonly Tool[]
  sandbox: Sandbox
  threadId: string
  system: string
  signal: AbortSignal
  maxSteps: number
  retry?: RetryPolicy
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

/** A provider asking for longer than this is not believed (the run would look hung). */
const maxRetryAfterMs = 10 * 60_000

/** Exponential backoff with jitter, capped; never sooner than the provider asked. */
const backoffMs = (policy: RetryPolicy, attempt: number, error: unknown) => {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1))
  const jittered = ceiling / 2 + Math.random() * (ceiling / 2)
  return Math.round(Math.max(jittered, Math.min(retryAfterMs(error) ?? 0, maxRetryAfterMs)))
}

const pause = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms)
    function done() {
      clearTimeout(timer)
      signal.removeEventListener('abort', done)
      resolve()
    }
    signal.addEventListener('abort', done, { once: true })
  })

/**
 * The built-in agent's loop: one streamed model call, then the tool calls it made, until the model
 * answers without tools, the step limit is reached, or the signal aborts. Deltas are live-only
 * (coalesced); each reply, each tool call's start and end, and each step's usage are recorded.
 * A transient model failure is retried with backoff, recorded as `step.retrying`, not a failure.
 */
export const runAgentLoop = async (
  deps: AgentLoopDeps,
  history: ModelMessage[],
): Promise<AgentLoopResult> => {
  const { model, threadId, signal } = deps
  const retry = deps.retry ?? defaultRetryPolicy
  const tools = new Map(deps.tools.map((tool) => [tool.name, tool]))
  const aiTools = toAiTools(deps.tools)
  const messages = [...history]
  const deltas = createDeltaCoalescer(deps.live)
  let usage = zeroUsage
  let costUsd: number | null = 0
  const cancelled = (steps: number): AgentLoopResult => ({
    outcome: 'cancelled',
    steps,
    usage,
    costUsd,
    messages,
  })

  for (let step = 1; step <= deps.maxSteps; step++) {
    let reply: ModelStep | undefined
    for (let attempt = 1; !reply; attempt++) {
      if (signal.aborted) return cancelled(step - 1)
      try {
        reply = await streamModelStep({
          model: model.languageModel,
          system: deps.system,
          messages,
          tools: aiTools,
          signal,
          threadId,
          blockPrefix: `${threadId}:${step}:${attempt}`,
          onDelta: deltas.push,
        })
      } catch (error) {
        deltas.flush()
        if (signal.aborted) return cancelled(step - 1)
        if (!isTransientModelError(error) || attempt >= retry.maxAttempts) throw error
        const delayMs = backoffMs(retry, attempt, error)
        await deps.record([
          {
            type: 'step.retrying',
            data: { threadId, step, attempt, delayMs, reason: describeModelError(error) },
          },
        ])
        await pause(delayMs, signal)
      }
    }
    deltas.flush()
    if (reply.aborted) return cancelled(step - 1)
    const stepCost = model.cost(reply.usage)
    usage = addUsage(usage, reply.usage)
    costUsd = costUsd === null || stepCost === null ? null : costUsd + stepCost
    messages.push(...reply.messages)
    await deps.record([
      {
        type: 'message.assistant',
        data: {
          threadId,
          text: reply.text,
          ...(reply.reasoning && { reasoning: reply.reasoning }),
          toolCalls: reply.calls,
        },
      },
      {
        type: 'step.finished',
        data: {
          threadId,
          step,
          model: model.id,
          usage: reply.usage,
          costUsd: stepCost,
          finishReason: reply.finishReason,
        },
      },
    ])
    if (reply.calls.length === 0) return { outcome: 'finished', steps: step, usage, costUsd, messages }

    const results: ToolContent = []
    for (const call of reply.calls) {
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
