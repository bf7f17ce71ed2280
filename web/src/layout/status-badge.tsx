import type { Task } from '../api/types.ts'

const tones: Record<Task['status'], string> = {
  backlog: 'bg-sunken text-muted',
  queued: 'bg-sunken text-ink',
  running: 'bg-accent/15 text-accent',
  needs_input: 'bg-warn/15 text-warn',
  review: 'bg-good/15 text-good',
  done: 'bg-good/10 text-good',
  failed: 'bg-bad/15 text-bad',
  cancelled: 'bg-sunken text-muted',
}

export const statusLabel = (status: Task['status']): string => status.replace('_', ' ')

/** A task's status as a small coloured label. */
export const StatusBadge = ({ status }: { status: Task['status'] }) => (
  <span
    data-status={status}
    className={`inline-flex items-center rounded-full px-2 py-0.5 text-xs font-medium ${tones[status]}`}
  >
    {status === 'running' && <span className="mr-1.5 size-1.5 animate-pulse rounded-full bg-current" />}
    {statusLabel(status)}
  </span>
)
