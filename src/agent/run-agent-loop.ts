import { jsonSchema, type ModelMessage, type ToolSet } from 'ai'
import { z } from 'zod'
import { addUsage, type Usage, zeroUsage } from '../core/entities.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import type { AgentMode, PolicyRule, PolicySettings, RunBudget } from '../core/settings.ts'
import type { ResolvedModel } from '../models/model-client.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import { compactConversation } from './compact-conversation.ts'
import { createDeltaCoalescer } from './delta-coalescer.ts'
import { evaluatePolicy } from './evaluate-policy.ts'
import { backoffMs, defaultRetryPolicy, pause, type RetryPolicy } from './retry-policy.ts'
import { budgetExceeded, createLoopDetector } from './run-limits.ts'
import { type CallDecision, runToolCalls, type ToolCallsStop } from './run-tool-calls.ts'
import { type ModelStep, streamModelStep } from './stream-model-step.ts'
import type { Tool } from './tools/define-tool.ts'
import { describeModelError, isTransientModelError } from './transient-model-error.ts'

export interface AgentLoopDeps {
  model: ResolvedModel
  tools: readonly Tool[]
  sandbox: Sandbox
  threadId: string
  system: string
  signal: AbortSignal
  budget: RunBudget
  /** After each step's tool calls; `wrote` when one of them could change files (a checkpoint is due). */
  onStepEnd?: (step: number, wrote: boolean) => Promise<void>
  /** A budget shared with other runs (the project's day): why it is spent, checked after each step. */
  sharedBudget?: () => Promise<string | undefined>
  retry?: RetryPolicy
  /** Added to the environment of every process the tools start (marks them as this run's). */
  processEnv?: Readonly<Record<string, string>>
  /** Messages a person sent since the last call, delivered at the next step boundary. */
  followUps?: () => Promise<ModelMessage[]>
  /** Stores events durably (and publishes them once stored); resolves when they are. */
  record(events: readonly EventInput[]): Promise<void>
  /** Publishes a live-only event. */
  live(event: EventInput<LiveEventType>): void
  /** Streamed text (model output, command output) is redacted with it before it is published. */
  redactor?: Redactor
  /** The project's permission policy, the global rules and the task's mode; without it every call may run. */
  policy?: { settings: PolicySettings; globalRules?: readonly PolicyRule[]; mode: AgentMode }
}

/** Where a run resumes: calls of the last reply that never started, and decisions people took. */
export interface ResumePoint {
  pending: readonly ModelStep['calls'][number][]
  decisions: ReadonlyMap<string, 'allow' | 'deny'>
}

export interface AgentLoopResult {
  /**
   * budget: a limit of the run was reached; loop: the same call kept repeating; ask: a call waits
   * for a person's approval. Each says why.
   */
  outcome: 'finished' | 'budget' | 'loop' | 'ask' | 'cancelled'
  reason?: string
  /** The call waiting for approval, with outcome ask. */
  approval?: ModelStep['calls'][number]
  steps: number
  usage: Usage
  /** null when a step's price was unknown. */
  costUsd: number | null
  /** The text of the model's last reply (in plan mode, the plan). */
  finalText: string
  messages: ModelMessage[]
}

/** Assumed for a model the catalog does not know. */
const defaultContextWindow = 128_000

// The model sees each tool's JSON schema; its input is checked by the tool itself, so a mistake
// comes back to the model as a readable error instead of failing the step.
const toAiTools = (tools: readonly Tool[]): ToolSet =>
  Object.fromEntries(
    tools.map((tool) => [
      tool.name,
      {
        description: tool.description,
        inputSchema: jsonSchema((tool.jsonSchema ?? z.toJSONSchema(tool.input, { io: 'input' })) as never),
      },
    ]),
  )

/**
 * The built-in agent's loop: one streamed model call, then the tool calls it made, until the model
 * answers without tools, a budget is spent, the same call repeats without end, or the signal
 * aborts. Deltas are live-only (coalesced); each reply, each tool call's start and end, and each
 * step's usage are recorded. A transient model failure is retried with backoff (`step.retrying`).
 */
export const runAgentLoop = async (
  deps: AgentLoopDeps,
  history: ModelMessage[],
  resume: ResumePoint = { pending: [], decisions: new Map() },
): Promise<AgentLoopResult> => {
  const { model, threadId, budget } = deps
  // Wall time is a budget like the others: when it runs out, the step and its command stop.
  const wallClock =
    budget.maxMinutes === undefined ? undefined : AbortSignal.timeout(budget.maxMinutes * 60_000)
  const signal = wallClock ? AbortSignal.any([deps.signal, wallClock]) : deps.signal
  const retry = deps.retry ?? defaultRetryPolicy
  // What the model may be sent: its window less room for its answer, with a margin for estimates.
  const window = model.info?.contextWindow ?? defaultContextWindow
  const contextLimit = Math.floor((window - Math.min(model.info?.maxOutputTokens ?? 8192, window / 4)) * 0.8)
  const tools = new Map(deps.tools.map((tool) => [tool.name, tool]))
  const aiTools = toAiTools(deps.tools)
  const loops = createLoopDetector()
  const messages = [...history]
  const deltas = createDeltaCoalescer(deps.live, { redactor: deps.redactor })
  let usage = zeroUsage
  let costUsd: number | null = 0
  let finalText = ''
  const end = (outcome: AgentLoopResult['outcome'], steps: number, reason?: string): AgentLoopResult => ({
    outcome,
    ...(reason && { reason }),
    steps,
    usage,
    costUsd,
    finalText,
    messages,
  })
  const interrupted = (steps: number) =>
    wallClock?.aborted && !deps.signal.aborted
      ? end('budget', steps, `the run took ${budget.maxMinutes} minutes, its budget`)
      : end('cancelled', steps)

  // A person's decision wins; then the policy; a call repeated without end stops the run.
  const decide = (call: ModelStep['calls'][number]): CallDecision => {
    const loop = loops.check(call.tool, call.input)
    if (loop) return { stop: 'loop', reason: loop }
    const decided = resume.decisions.get(call.callId)
    if (decided)
      return decided === 'allow'
        ? { run: true }
        : {
            answer:
              'A person denied this tool call. Do not try it again another way; continue without it or ask.',
          }
    const tool = tools.get(call.tool)
    if (!tool || !deps.policy) return { run: true }
    const { settings, mode, globalRules } = deps.policy
    const verdict = evaluatePolicy(settings, mode, tool, call.input, globalRules)
    if (verdict.action === 'allow') return { run: true }
    return verdict.action === 'deny'
      ? { answer: `Not allowed: ${verdict.reason}.` }
      : { stop: 'ask', reason: verdict.reason }
  }
  const callTools = (calls: readonly ModelStep['calls'][number][]) =>
    runToolCalls(
      {
        tools,
        sandbox: deps.sandbox,
        threadId,
        signal,
        deltas,
        record: deps.record,
        env: deps.processEnv,
        decide,
      },
      calls,
    )
  const stoppedBy = (steps: number, stopped: ToolCallsStop) =>
    stopped.stop === 'ask'
      ? { ...end('ask', steps, stopped.reason), approval: stopped.call }
      : end('loop', steps, stopped.reason)

  if (resume.pending.length > 0) {
    const { results, stopped } = await callTools(resume.pending)
    // The calls an earlier run left (an approved one) change files too: checkpointed like a step's.
    const wrote = resume.pending.some((call) => !tools.get(call.tool)?.readOnly)
    if (results.length > 0) await deps.onStepEnd?.(0, wrote)
    if (results.length > 0) messages.push({ role: 'tool', content: results })
    if (stopped) return stoppedBy(0, stopped)
  }

  for (let step = 1; ; step++) {
    if (step > 1) messages.push(...((await deps.followUps?.()) ?? []))
    let reply: ModelStep | undefined
    for (let attempt = 1; !reply; attempt++) {
      if (signal.aborted) return interrupted(step - 1)
      try {
        reply = await streamModelStep({
          model,
          system: deps.system,
          messages: compactConversation(messages, contextLimit, deps.system),
          tools: aiTools,
          signal,
          threadId,
          blockPrefix: `${threadId}:${step}:${attempt}`,
          onDelta: deltas.push,
          silence: retry,
        })
      } catch (error) {
        deltas.flush()
        if (signal.aborted) return interrupted(step - 1)
        if (!isTransientModelError(error) || attempt >= retry.maxAttempts) throw error
        const delayMs = backoffMs(retry, attempt, error)
        const reason = describeModelError(error)
        await deps.record([{ type: 'step.retrying', data: { threadId, step, attempt, delayMs, reason } }])
        await pause(delayMs, signal)
      }
    }
    deltas.flush()
    if (reply.aborted) return interrupted(step - 1)
    const stepCost = model.cost(reply.usage)
    usage = addUsage(usage, reply.usage)
    costUsd = costUsd === null || stepCost === null ? null : costUsd + stepCost
    messages.push(...reply.messages)
    const { text, reasoning, calls, finishReason } = reply
    finalText = text
    await deps.record([
      {
        type: 'message.assistant',
        data: { threadId, text, ...(reasoning && { reasoning }), toolCalls: calls },
      },
      {
        type: 'step.finished',
        data: { threadId, step, model: model.id, usage: reply.usage, costUsd: stepCost, finishReason },
      },
    ])
    if (calls.length === 0) {
      // A message that came in while the model was answering is answered before the run ends.
      const late = (await deps.followUps?.()) ?? []
      if (late.length === 0) return end('finished', step)
      messages.push(...late)
      continue
    }

    const { results, stopped } = await callTools(calls)
    const wrote = calls.some((call) => !tools.get(call.tool)?.readOnly)
    if (results.length > 0) await deps.onStepEnd?.(step, wrote)
    if (stopped) return stoppedBy(step, stopped)
    messages.push({ role: 'tool', content: results })
    if (signal.aborted) return interrupted(step)
    // Checked once the step's calls have run, so the work paid for is kept and recorded.
    const overBudget =
      budgetExceeded(budget, { steps: step, usage, costUsd }) ?? (await deps.sharedBudget?.())
    if (overBudget) return end('budget', step, overBudget)
  }
}
