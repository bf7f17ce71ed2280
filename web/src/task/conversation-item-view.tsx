import { useState } from 'react'
import { formatCost, formatDuration, formatTokens } from '../layout/format.ts'
import { statusLabel } from '../layout/status-badge.tsx'
import type { ConversationItem } from './conversation-items.ts'
import { FileDiff } from './file-diff.tsx'

type Item<K extends ConversationItem['kind']> = Extract<ConversationItem, { kind: K }>

const kindLabels: Record<string, string> = {
  command: 'Command',
  file_edit: 'Edit',
  file_read: 'Read',
  search: 'Search',
  web: 'Web',
  mcp: 'MCP',
  other: 'Tool',
}

/** A tool call as a compact card by what it does; its output (for an edit, the file's diff) unfolds. */
const ToolCard = ({ item, taskId }: { item: Item<'tool'>; taskId: string }) => {
  const [open, setOpen] = useState(item.state === 'failed')
  const subject = item.command ?? item.paths?.join(', ') ?? item.tool
  const tone =
    item.state === 'failed' ? 'border-bad/50' : item.state === 'running' ? 'border-accent/50' : 'border-line'
  return (
    <div className={`rounded-md border bg-panel text-sm ${tone}`} data-tool-state={item.state}>
      <button
        type="button"
        onClick={() => setOpen(!open)}
        className="flex w-full items-center gap-2 px-3 py-1.5 text-left"
        aria-expanded={open}
      >
        <span className="rounded bg-sunken px-1.5 py-0.5 text-xs text-muted">
          {kindLabels[item.toolKind ?? 'other']}
        </span>
        <span className="min-w-0 flex-1 truncate font-mono text-xs">{subject}</span>
        {item.state === 'running' && <span className="text-xs text-accent">running…</span>}
        {item.state === 'interrupted' && <span className="text-xs text-warn">interrupted</span>}
        {item.exitCode !== undefined && item.exitCode !== null && (
          <span className={`text-xs ${item.exitCode === 0 ? 'text-good' : 'text-bad'}`}>
            exit {item.exitCode}
          </span>
        )}
        {item.state === 'failed' && item.exitCode === undefined && (
          <span className="text-xs text-bad">failed</span>
        )}
        {item.durationMs !== undefined && (
          <span className="text-xs text-muted">{formatDuration(item.durationMs)}</span>
        )}
      </button>
      {open && item.toolKind === 'file_edit' && item.paths?.[0] && item.state !== 'failed' && (
        <FileDiff taskId={taskId} path={item.paths[0]} />
      )}
      {open && item.output && item.toolKind !== 'file_edit' && (
        <pre className="max-h-80 overflow-auto border-t border-line bg-sunken px-3 py-2 font-mono text-xs whitespace-pre-wrap">
          {item.output}
        </pre>
      )}
    </div>
  )
}

const ApprovalCard = ({
  item,
  onDecide,
}: {
  item: Item<'approval'>
  onDecide: (approvalId: string, decision: 'allow' | 'deny') => void
}) => (
  <div
    className="space-y-2 rounded-md border border-warn/50 bg-warn/5 p-3 text-sm"
    data-approval={item.approvalId}
  >
    <div className="font-medium">
      {item.plan !== undefined ? 'The plan waits for your approval' : `${item.tool} waits for your approval`}
    </div>
    {item.plan !== undefined ? (
      <pre className="whitespace-pre-wrap font-sans">{item.plan}</pre>
    ) : (
      <pre className="overflow-auto rounded bg-sunken p-2 font-mono text-xs">
        {JSON.stringify(item.input, null, 2)}
      </pre>
    )}
    <div className="text-xs text-muted">{item.reason}</div>
    {item.decision ? (
      <div className={item.decision === 'allow' ? 'text-good' : 'text-bad'}>
        {item.decision === 'allow' ? 'Allowed' : 'Denied'}
      </div>
    ) : (
      <div className="flex gap-2">
        <button
          type="button"
          onClick={() => onDecide(item.approvalId, 'allow')}
          className="rounded-md bg-good px-3 py-1 text-sm font-medium text-white"
        >
          Allow
        </button>
        <button
          type="button"
          onClick={() => onDecide(item.approvalId, 'deny')}
          className="rounded-md border border-line px-3 py-1 text-sm"
        >
          Deny
        </button>
      </div>
    )}
  </div>
)

/** One item of the conversation, as the task view shows it. */
export const ConversationItemView = ({
  item,
  taskId,
  onDecide,
}: {
  item: ConversationItem
  taskId: string
  onDecide: (approvalId: string, decision: 'allow' | 'deny') => void
}) => {
  const marks = { 'data-seqs': item.seqs.join(' '), 'data-kind': item.kind }
  switch (item.kind) {
    case 'user':
      return (
        <div
          {...marks}
          className="ml-auto max-w-[80%] rounded-lg bg-accent/10 px-3 py-2 text-sm whitespace-pre-wrap"
        >
          {item.text}
        </div>
      )
    case 'assistant':
      if (!item.text && !item.reasoning) return <div {...marks} hidden />
      return (
        <div {...marks} className="space-y-1 text-sm">
          {item.reasoning && (
            <details className="text-muted">
              <summary className="cursor-pointer text-xs">Reasoning</summary>
              <p className="whitespace-pre-wrap text-xs">{item.reasoning}</p>
            </details>
          )}
          {item.text && (
            <p className="whitespace-pre-wrap">
              {item.text}
              {item.streaming && <span className="animate-pulse">▍</span>}
            </p>
          )}
        </div>
      )
    case 'tool':
      return (
        <div {...marks}>
          <ToolCard item={item} taskId={taskId} />
        </div>
      )
    case 'approval':
      return (
        <div {...marks}>
          <ApprovalCard item={item} onDecide={onDecide} />
        </div>
      )
    case 'step':
      return (
        <div {...marks} className="text-right text-xs text-muted">
          step {item.step} · {formatTokens(item.usage.inputTokens)} in ·{' '}
          {formatTokens(item.usage.outputTokens)} out
          {item.costUsd !== null && ` · ${formatCost(item.costUsd)}`}
        </div>
      )
    case 'status':
      return (
        <div {...marks} className="text-center text-xs text-muted">
          {statusLabel(item.from as never)} →{' '}
          <span className="font-medium">{statusLabel(item.to as never)}</span>
          {item.reason && ` · ${item.reason}`}
        </div>
      )
    case 'note':
      if (item.tone === 'quiet') return <div {...marks} hidden />
      return (
        <div
          {...marks}
          className={`text-center text-xs ${item.tone === 'warning' ? 'text-warn' : item.tone === 'error' ? 'text-bad' : 'text-muted'}`}
        >
          {item.text}
        </div>
      )
  }
}
