import { useQuery } from '@tanstack/react-query'
import { Link } from '@tanstack/react-router'
import { api } from '../api/http.ts'
import type { TaskComparison } from '../api/types.ts'
import { formatCost, formatDuration, formatTokens, plural } from '../layout/format.ts'
import { StatusBadge } from '../layout/status-badge.tsx'

/**
 * A comparison's agents side by side: status, time, tokens, cost, the size of their changes and
 * the project's check; each opens its own task to review and merge. Refreshed as its tasks change.
 */
export const CompareView = ({ taskId, updatedAt }: { taskId: string; updatedAt: string }) => {
  const compared = useQuery({
    queryKey: ['compare', taskId, updatedAt],
    queryFn: () => api<TaskComparison>(`/api/tasks/${taskId}/compare`),
    refetchInterval: (query) =>
      query.state.data?.children.some((child) => ['queued', 'running'].includes(child.status)) ? 2000 : false,
  })
  if (compared.error) return <p className="p-4 text-sm text-bad">{compared.error.message}</p>
  if (!compared.data) return <p className="p-4 text-sm text-muted">Loading…</p>
  return (
    <div className="grid gap-3 p-4 md:grid-cols-2 xl:grid-cols-3" data-testid="compare">
      {compared.data.children.map((child) => (
        <Link
          key={child.taskId}
          to="/tasks/$taskId"
          params={{ taskId: child.taskId }}
          className="space-y-2 rounded-lg border border-line bg-panel p-4 text-sm hover:border-accent"
          data-compared={child.agent}
        >
          <div className="flex items-center gap-2">
            <span className="font-semibold">{child.agent}</span>
            <StatusBadge status={child.status} />
          </div>
          {child.model && <div className="font-mono text-xs text-muted">{child.model}</div>}
          <dl className="grid grid-cols-2 gap-x-3 gap-y-1 text-xs">
            <dt className="text-muted">Time</dt>
            <dd>{child.durationMs === null ? '—' : formatDuration(child.durationMs)}</dd>
            <dt className="text-muted">Tokens</dt>
            <dd>
              {formatTokens(child.usage.inputTokens)} in · {formatTokens(child.usage.outputTokens)} out
            </dd>
            <dt className="text-muted">Cost</dt>
            <dd>{formatCost(child.costUsd)}</dd>
            <dt className="text-muted">Changes</dt>
            <dd>
              {child.diff ? (
                <>
                  {plural(child.diff.files, 'file')}{' '}
                  <span className="text-good">+{child.diff.additions}</span>{' '}
                  <span className="text-bad">−{child.diff.deletions}</span>
                </>
              ) : (
                '—'
              )}
            </dd>
            {compared.data.checkCommand && (
              <>
                <dt className="text-muted">Check</dt>
                <dd className={child.check ? (child.check.exitCode === 0 ? 'text-good' : 'text-bad') : ''}>
                  {child.check
                    ? child.check.exitCode === 0
                      ? 'passed'
                      : `failed (${child.check.exitCode ?? 'killed'})`
                    : '—'}
                </dd>
              </>
            )}
          </dl>
          {child.statusReason && child.status === 'failed' && (
            <p className="text-xs text-bad">{child.statusReason}</p>
          )}
        </Link>
      ))}
    </div>
  )
}
