import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import { api } from '../api/http.ts'
import type { TaskDetail, WorkspaceDiff } from '../api/types.ts'
import { plural } from '../layout/format.ts'
import { CheckpointsTimeline } from './checkpoints-timeline.tsx'
import { DiffView } from './diff-view.tsx'

/** What the task changed, file by file (unified or side by side), with commit, merge and discard. */
export const ChangesTab = ({ task }: { task: TaskDetail }) => {
  const queries = useQueryClient()
  const [layout, setLayout] = useState<'line-by-line' | 'side-by-side'>('line-by-line')
  const diff = useQuery({
    queryKey: ['diff', task.id, task.updatedAt],
    queryFn: () => api<WorkspaceDiff>(`/api/tasks/${task.id}/diff`),
  })
  const act = useMutation({
    mutationFn: (action: 'commit' | 'merge' | 'discard') =>
      api<unknown>(`/api/tasks/${task.id}/${action}`, { body: {} }),
    onSuccess: () => {
      void queries.invalidateQueries({ queryKey: ['task', task.id] })
      void queries.invalidateQueries({ queryKey: ['diff', task.id] })
    },
  })
  if (diff.isPending) return <p className="p-4 text-sm text-muted">Reading the changes…</p>
  if (diff.error) return <p className="p-4 text-sm text-bad">{diff.error.message}</p>
  const { files, stats, suspicious } = diff.data
  return (
    <div className="space-y-3 p-4">
      <div className="flex flex-wrap items-center gap-3 text-sm">
        <span data-testid="diff-stats">
          {plural(stats.files, 'file')} · <span className="text-good">+{stats.additions}</span>{' '}
          <span className="text-bad">−{stats.deletions}</span>
        </span>
        <div className="flex rounded-md border border-line text-xs">
          {(['line-by-line', 'side-by-side'] as const).map((value) => (
            <button
              key={value}
              type="button"
              onClick={() => setLayout(value)}
              className={`px-2 py-1 ${layout === value ? 'bg-sunken font-medium' : ''}`}
            >
              {value === 'line-by-line' ? 'Unified' : 'Split'}
            </button>
          ))}
        </div>
        <div className="ml-auto flex gap-2">
          {(['commit', 'merge', 'discard'] as const).map((action) => (
            <button
              key={action}
              type="button"
              disabled={act.isPending}
              onClick={() => act.mutate(action)}
              className={`rounded-md px-3 py-1 text-sm capitalize ${action === 'merge' ? 'bg-accent text-white' : 'border border-line'}`}
            >
              {action}
            </button>
          ))}
        </div>
      </div>
      <CheckpointsTimeline taskId={task.id} busy={['queued', 'running'].includes(task.status)} />
      {suspicious && <p className="rounded-md bg-warn/10 px-3 py-2 text-sm text-warn">{suspicious}</p>}
      {act.error && (
        <p role="alert" className="rounded-md bg-bad/10 px-3 py-2 text-sm text-bad">
          {act.error.message}
        </p>
      )}
      {act.isSuccess && <p className="text-sm text-good">Done: {act.variables}.</p>}
      {files.length === 0 && <p className="text-sm text-muted">No changes.</p>}
      {files.map((file) => (
        <div
          key={file.path}
          data-file={file.path}
          className="overflow-hidden rounded-md border border-line text-xs"
        >
          {file.patch ? (
            <DiffView patch={file.patch} layout={layout} />
          ) : (
            <div className="p-2">
              {file.path}: {file.binary ? 'binary file' : 'too large to show here'}
            </div>
          )}
        </div>
      ))}
    </div>
  )
}
