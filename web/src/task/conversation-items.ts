import type { ActionKind } from '../../../src/core/action-kind.ts'
import type { Usage } from '../../../src/core/entities.ts'
import type { CadreEvent, StoredEvent } from '../../../src/core/events/registry.ts'

/** One thing the task view shows; `seqs` are the stored events it stands for (none while live only). */
export type ConversationItem = { key: string; seqs: number[] } & (
  | { kind: 'user'; text: string }
  | { kind: 'assistant'; text: string; reasoning?: string; streaming: boolean }
  | {
      kind: 'tool'
      callId: string
      tool: string
      toolKind?: ActionKind
      paths?: string[]
      command?: string
      /** interrupted: its run ended (a crash, a cancel) before it did; it never finished. */
      state: 'running' | 'succeeded' | 'failed' | 'interrupted'
      output: string
      exitCode?: number | null
      durationMs?: number
    }
  | {
      kind: 'approval'
      approvalId: string
      tool: string
      input: unknown
      reason: string
      plan?: string
      decision?: 'allow' | 'deny'
    }
  | { kind: 'step'; step: number; model: string; usage: Usage; costUsd: number | null }
  | { kind: 'status'; from: string; to: string; reason?: string | null }
  | { kind: 'note'; text: string; tone: 'info' | 'warning' | 'error' | 'quiet' }
)

type Draft = Map<string, ConversationItem>

const planOf = (input: unknown) => {
  const plan = (input as { plan?: unknown } | null)?.plan
  return typeof plan === 'string' ? plan : undefined
}

/**
 * Calls still running when a later step ends or the task changes status never finished: their run
 * was cut (a server killed, a cancel). Shown so, not as running forever.
 */
const interruptRunning = (items: Draft) => {
  for (const [key, item] of items) {
    if (item.kind === 'tool' && item.state === 'running') items.set(key, { ...item, state: 'interrupted' })
  }
}

/** What a stored event adds to the view, or how it completes an item already there. */
const applyStored = (items: Draft, event: StoredEvent) => {
  const seqs = [event.seq]
  const key = `e${event.seq}`
  switch (event.type) {
    case 'message.user':
      items.set(key, { key, seqs, kind: 'user', text: event.data.text })
      return
    case 'message.assistant': {
      // The stored message replaces the text streamed so far (its live block goes).
      for (const [liveKey, item] of items)
        if (item.kind === 'assistant' && item.streaming) items.delete(liveKey)
      const { text, reasoning } = event.data
      if (!text && !reasoning) {
        // A turn that only called tools: the tool cards say it all.
        items.set(key, { key, seqs, kind: 'assistant', text: '', streaming: false })
        return
      }
      items.set(key, {
        key,
        seqs,
        kind: 'assistant',
        text,
        ...(reasoning && { reasoning }),
        streaming: false,
      })
      return
    }
    case 'tool.started': {
      const callKey = `call:${event.data.callId}`
      const live = items.get(callKey)
      items.set(callKey, {
        key: callKey,
        seqs,
        kind: 'tool',
        callId: event.data.callId,
        tool: event.data.tool,
        ...(event.data.kind && { toolKind: event.data.kind }),
        ...(event.data.paths && { paths: event.data.paths }),
        ...(event.data.command && { command: event.data.command }),
        state: 'running',
        output: live?.kind === 'tool' ? live.output : '',
      })
      return
    }
    case 'tool.finished': {
      const callKey = `call:${event.data.callId}`
      const started = items.get(callKey)
      items.set(callKey, {
        key: callKey,
        seqs: [...(started?.seqs ?? []), event.seq],
        kind: 'tool',
        callId: event.data.callId,
        tool: event.data.tool,
        ...(started?.kind === 'tool' && started.command && { command: started.command }),
        ...(event.data.kind && { toolKind: event.data.kind }),
        ...(event.data.paths && { paths: event.data.paths }),
        state: event.data.isError ? 'failed' : 'succeeded',
        output: event.data.output,
        ...(event.data.exitCode !== undefined && { exitCode: event.data.exitCode }),
        durationMs: event.data.durationMs,
      })
      return
    }
    case 'approval.requested':
      items.set(`approval:${event.data.approvalId}`, {
        key: `approval:${event.data.approvalId}`,
        seqs,
        kind: 'approval',
        approvalId: event.data.approvalId,
        tool: event.data.tool,
        input: event.data.input,
        reason: event.data.reason,
        ...(event.data.kind === 'plan' && { plan: planOf(event.data.input) ?? '' }),
      })
      return
    case 'approval.decided': {
      const approvalKey = `approval:${event.data.approvalId}`
      const request = items.get(approvalKey)
      if (request?.kind === 'approval') {
        items.set(approvalKey, {
          ...request,
          seqs: [...request.seqs, event.seq],
          decision: event.data.decision,
        })
      } else {
        items.set(key, { key, seqs, kind: 'note', tone: 'info', text: `Approval ${event.data.decision}` })
      }
      return
    }
    case 'step.finished':
      interruptRunning(items)
      items.set(key, {
        key,
        seqs,
        kind: 'step',
        step: event.data.step,
        model: event.data.model,
        usage: event.data.usage,
        costUsd: event.data.costUsd ?? null,
      })
      return
    case 'task.status_changed':
      interruptRunning(items)
      items.set(key, {
        key,
        seqs,
        kind: 'status',
        from: event.data.from,
        to: event.data.to,
        ...(event.data.reason !== undefined && { reason: event.data.reason }),
      })
      return
    default:
      items.set(key, { key, seqs, ...noteFor(event) })
  }
}

/** Everything else the log holds, as a one-line note. */
const noteFor = (
  event: StoredEvent,
): { kind: 'note'; text: string; tone: 'info' | 'warning' | 'error' | 'quiet' } => {
  switch (event.type) {
    // Bookkeeping a reader does not need to see (kept in the view, hidden, so nothing is lost).
    case 'thread.created':
    case 'tool.process':
    case 'agent.other':
      return { kind: 'note', tone: 'quiet', text: event.type }
    case 'task.created':
      return { kind: 'note', tone: 'info', text: `Task created for ${event.data.agent}` }
    case 'workspace.ready':
      return {
        kind: 'note',
        tone: event.data.isolation === 'none' ? 'warning' : 'info',
        text: `Workspace ready on ${event.data.branch}${
          event.data.isolation === 'none'
            ? ' (not isolated)'
            : event.data.kind === 'kubernetes'
              ? ', in its own Kubernetes pod'
              : event.data.isolation === 'container'
                ? ', in its own container'
                : ''
        }`,
      }
    case 'preview.started':
      return { kind: 'note', tone: 'info', text: `Preview running at ${event.data.url}` }
    case 'preview.stopped':
      return { kind: 'note', tone: 'quiet', text: `Preview stopped: ${event.data.reason}` }
    case 'preview.error':
      return {
        kind: 'note',
        tone: 'warning',
        text: `Preview ${event.data.kind === 'console' ? 'console error' : 'error'}: ${event.data.message}${event.data.count > 1 ? ` (×${event.data.count})` : ''}`,
      }
    case 'checkpoint.created':
      return { kind: 'note', tone: 'info', text: `Checkpoint ${event.data.checkpoint}` }
    case 'step.retrying':
      return { kind: 'note', tone: 'warning', text: `Retrying the model: ${event.data.reason}` }
    default:
      return { kind: 'note', tone: 'info', text: event.type.replace(/[._]/g, ' ') }
  }
}

/** What a live-only event shows until the stored one that completes it arrives. */
const applyLive = (items: Draft, event: Exclude<CadreEvent, StoredEvent>) => {
  switch (event.type) {
    case 'assistant.delta':
    case 'reasoning.delta': {
      const key = `live:${event.data.blockId}`
      const held = items.get(key)
      const before = held?.kind === 'assistant' ? held : { text: '', reasoning: '' }
      const field = event.type === 'assistant.delta' ? 'text' : 'reasoning'
      const previous = (field === 'text' ? before.text : before.reasoning) ?? ''
      const next = event.data.snapshot ? event.data.text : previous + event.data.text
      items.set(key, {
        key,
        seqs: [],
        kind: 'assistant',
        text: field === 'text' ? next : before.text,
        ...((field === 'reasoning' ? next : before.reasoning) && {
          reasoning: field === 'reasoning' ? next : before.reasoning,
        }),
        streaming: true,
      })
      return
    }
    case 'tool.output': {
      const callKey = `call:${event.data.callId}`
      const item = items.get(callKey)
      if (item?.kind !== 'tool' || item.state !== 'running') return
      items.set(callKey, {
        ...item,
        output: event.data.snapshot ? event.data.text : item.output + event.data.text,
      })
      return
    }
    default:
      return
  }
}

/**
 * The task view's items from its events in order (stored ones by seq, live ones as they came): a
 * tool call's start and end make one card, an approval and its decision one, streamed text one
 * reply until the stored reply replaces it. Every stored event is in exactly one item.
 */
export const conversationItems = (events: readonly CadreEvent[]): ConversationItem[] => {
  const items: Draft = new Map()
  for (const event of events) {
    if ('seq' in event) applyStored(items, event)
    else applyLive(items, event)
  }
  return [...items.values()]
}
