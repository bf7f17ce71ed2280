import { useNavigate, useParams } from '@tanstack/react-router'
import { useEffect, useMemo, useRef, useState } from 'react'
import { useTask, useTaskAction } from '../api/queries.ts'
import { formatCost, formatDuration, formatTokens } from '../layout/format.ts'
import { StatusBadge } from '../layout/status-badge.tsx'
import { ChangesTab } from './changes-tab.tsx'
import { CompareView } from './compare-view.tsx'
import { conversationItems } from './conversation-items.ts'
import { ConversationList } from './conversation-list.tsx'
import { LogsTab } from './logs-tab.tsx'
import { PreviewPanel } from './preview-panel.tsx'
import { TodoPanel } from './todo-panel.tsx'
import { useTaskEvents } from './use-task-events.ts'

const tabs = ['conversation', 'changes', 'logs'] as const
type Tab = (typeof tabs)[number]

/** `c`, `d` and `l` switch to the conversation, the diff and the logs; Escape goes back to the board. */
const useTaskShortcuts = (setTab: (tab: Tab) => void) => {
  const navigate = useNavigate()
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      const target = event.target as HTMLElement | null
      if (target?.closest('input, textarea, select, [contenteditable]') || event.metaKey || event.ctrlKey)
        return
      const tab = ({ c: 'conversation', d: 'changes', l: 'logs' } as const)[event.key as 'c' | 'd' | 'l']
      if (tab) setTab(tab)
      if (event.key === 'Escape') void navigate({ to: '/', search: {} })
    }
    addEventListener('keydown', onKey)
    return () => removeEventListener('keydown', onKey)
  }, [setTab, navigate])
}

const FollowUp = ({ taskId, running }: { taskId: string; running: boolean }) => {
  const [text, setText] = useState('')
  const send = useTaskAction<string>(
    taskId,
    () => '/messages',
    (message) => ({ text: message }),
  )
  const submit = () => {
    if (!text.trim()) return
    send.mutate(text.trim(), { onSuccess: () => setText('') })
  }
  return (
    <form
      className="flex gap-2 border-t border-line bg-panel p-3"
      onSubmit={(event) => {
        event.preventDefault()
        submit()
      }}
    >
      <textarea
        name="message"
        rows={2}
        value={text}
        onChange={(event) => setText(event.target.value)}
        onKeyDown={(event) => {
          if (event.key === 'Enter' && (event.metaKey || event.ctrlKey)) submit()
        }}
        placeholder={running ? 'Queued for the next step…' : 'Follow up (Ctrl+Enter)'}
        className="min-w-0 flex-1 resize-none rounded-md border border-line bg-canvas p-2 text-sm outline-none focus:border-accent"
      />
      <button
        type="submit"
        disabled={!text.trim()}
        className="rounded-md bg-accent px-3 text-sm font-medium text-white disabled:opacity-50"
      >
        Send
      </button>
      {send.error && (
        <p role="alert" className="text-sm text-bad">
          {send.error.message}
        </p>
      )}
    </form>
  )
}

/** One task: its conversation streaming live, its changes, and what can be done with it. */
export const TaskPage = () => {
  const { taskId } = useParams({ from: '/tasks/$taskId' })
  const task = useTask(taskId)
  const { events, loading, error } = useTaskEvents(taskId)
  const items = useMemo(() => conversationItems(events), [events])
  const [tab, setTab] = useState<Tab>('conversation')
  const [previewOpen, setPreviewOpen] = useState(false)
  const cancel = useTaskAction<void>(taskId, () => '/cancel')
  const start = useTaskAction<void>(taskId, () => '/start')
  const resume = useTaskAction<string>(
    taskId,
    () => '/messages',
    (text) => ({ text }),
  )
  const decide = useTaskAction<{ approvalId: string; decision: 'allow' | 'deny' }>(
    taskId,
    ({ approvalId }) => `/approvals/${approvalId}`,
    ({ decision }) => ({ decision }),
  )
  const scroller = useRef<HTMLDivElement>(null)
  // Follows the conversation as it grows, unless the reader scrolled up.
  const following = useRef(true)
  useTaskShortcuts(setTab)

  if (task.error) return <p className="p-6 text-bad">{task.error.message}</p>
  if (!task.data) return <p className="p-6 text-muted">Loading…</p>
  const detail = task.data
  if (detail.agent === 'compare') {
    return (
      <main>
        <header className="flex items-center gap-3 border-b border-line px-4 py-3">
          <h1 className="text-lg font-semibold">{detail.title}</h1>
          <StatusBadge status={detail.status} />
          <span className="text-xs text-muted">comparison of {detail.children?.length ?? 0} agents</span>
        </header>
        <CompareView taskId={detail.id} updatedAt={detail.updatedAt} />
      </main>
    )
  }
  const active = ['queued', 'running'].includes(detail.status)
  const started = detail.runs[0]?.startedAt
  const ended = detail.runs.at(-1)?.endedAt
  return (
    <main className="flex h-[calc(100vh-3rem)] flex-col">
      <header className="space-y-1 border-b border-line px-4 py-3">
        <div className="flex flex-wrap items-center gap-3">
          <h1 className="text-lg font-semibold">{detail.title}</h1>
          <StatusBadge status={detail.status} />
          {active && (
            <button
              type="button"
              onClick={() => cancel.mutate()}
              className="ml-auto rounded-md border border-bad/50 px-3 py-1 text-sm text-bad"
            >
              Stop
            </button>
          )}
          {detail.status === 'backlog' && (
            <button
              type="button"
              onClick={() => start.mutate()}
              className="ml-auto rounded-md bg-accent px-3 py-1 text-sm text-white"
            >
              Start
            </button>
          )}
          {['failed', 'cancelled'].includes(detail.status) && (
            <button
              type="button"
              onClick={() => resume.mutate('Continue where you left off.')}
              className="ml-auto rounded-md border border-line px-3 py-1 text-sm"
              title="Queue it again, asking the agent to go on"
            >
              Resume
            </button>
          )}
        </div>
        <div className="flex flex-wrap gap-3 text-xs text-muted">
          <span>{detail.agent}</span>
          {detail.model && <span className="font-mono">{detail.model}</span>}
          <span>{detail.mode}</span>
          <span data-testid="usage">
            {formatTokens(detail.usage.inputTokens)} in · {formatTokens(detail.usage.outputTokens)} out ·{' '}
            {formatCost(detail.costUsd)}
          </span>
          {started && (
            <span>{formatDuration((ended ? Date.parse(ended) : Date.now()) - Date.parse(started))}</span>
          )}
          {detail.statusReason && (
            <span className={detail.status === 'failed' ? 'text-bad' : ''}>{detail.statusReason}</span>
          )}
        </div>
        <nav className="flex gap-4 pt-1 text-sm">
          {tabs.map((name) => (
            <button
              key={name}
              type="button"
              onClick={() => setTab(name)}
              className={`capitalize ${tab === name ? 'font-medium text-accent' : 'text-muted'}`}
            >
              {name}
            </button>
          ))}
          <button
            type="button"
            aria-pressed={previewOpen}
            onClick={() => {
              setPreviewOpen((open) => !open)
              setTab('conversation')
            }}
            className={`ml-auto ${previewOpen ? 'font-medium text-accent' : 'text-muted'}`}
          >
            Preview
          </button>
        </nav>
      </header>
      {tab === 'changes' && (
        <div className="flex-1 overflow-y-auto">
          <ChangesTab task={detail} />
        </div>
      )}
      {tab === 'logs' && (
        <div className="flex-1 overflow-y-auto">
          <LogsTab events={events} />
        </div>
      )}
      {tab === 'conversation' && (
        <div className="flex min-h-0 flex-1">
          <div className="flex min-w-0 flex-1 flex-col">
            <TodoPanel events={events} />
            <div
              ref={scroller}
              className="flex-1 overflow-y-auto px-4 py-4"
              data-testid="conversation"
              onScroll={(event) => {
                const box = event.currentTarget
                following.current = box.scrollHeight - box.scrollTop - box.clientHeight < 80
              }}
            >
              {error && <p className="text-sm text-bad">{error.message}</p>}
              <ConversationList
                items={items}
                taskId={taskId}
                scroller={scroller}
                following={following}
                onDecide={(approvalId, decision) => decide.mutate({ approvalId, decision })}
              />
              {loading && <p className="text-sm text-muted">Loading history…</p>}
              {decide.error && (
                <p role="alert" className="text-sm text-bad">
                  {decide.error.message}
                </p>
              )}
            </div>
            <FollowUp taskId={taskId} running={active} />
          </div>
          {previewOpen && <PreviewPanel taskId={taskId} events={events} />}
        </div>
      )}
    </main>
  )
}
