import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useNavigate } from '@tanstack/react-router'
import type { z } from 'zod'
import type { Checkpoint } from '../../../src/server/api-schemas.ts'
import { api } from '../api/http.ts'
import type { Task } from '../api/types.ts'
import { formatAgo } from '../layout/format.ts'

type CheckpointView = z.infer<typeof Checkpoint>

/**
 * The task's checkpoints, oldest first: roll the workspace (and the conversation) back to one, or
 * fork a new task from it.
 */
export const CheckpointsTimeline = ({ taskId, busy }: { taskId: string; busy: boolean }) => {
  const queries = useQueryClient()
  const navigate = useNavigate()
  const checkpoints = useQuery({
    queryKey: ['checkpoints', taskId],
    queryFn: () => api<{ checkpoints: CheckpointView[] }>(`/api/tasks/${taskId}/checkpoints`),
  })
  const rollback = useMutation({
    mutationFn: (checkpoint: number) =>
      api<unknown>(`/api/tasks/${taskId}/rollback`, { body: { checkpoint } }),
    onSuccess: () => {
      for (const key of ['task', 'diff', 'checkpoints'])
        void queries.invalidateQueries({ queryKey: [key, taskId] })
    },
  })
  const fork = useMutation({
    mutationFn: (checkpoint: number) => api<Task>(`/api/tasks/${taskId}/fork`, { body: { checkpoint } }),
    onSuccess: (forked) => void navigate({ to: '/tasks/$taskId', params: { taskId: forked.id } }),
  })
  if (checkpoints.error) return <p className="text-sm text-bad">{checkpoints.error.message}</p>
  const list = checkpoints.data?.checkpoints ?? []
  if (list.length === 0) return null
  return (
    <section aria-label="Checkpoints" className="space-y-1">
      <h3 className="text-xs font-semibold uppercase tracking-wide text-muted">Checkpoints</h3>
      <ol className="flex flex-wrap gap-2">
        {list.map((checkpoint) => (
          <li
            key={checkpoint.checkpoint}
            className="flex items-center gap-2 rounded-md border border-line bg-panel px-2 py-1 text-xs"
          >
            <span className="font-medium">#{checkpoint.checkpoint}</span>
            <span className="text-muted">
              {checkpoint.checkpoint === 0
                ? 'start'
                : checkpoint.step === 0
                  ? 'resumed calls'
                  : `step ${checkpoint.step}`}
            </span>
            <span className="text-muted">{formatAgo(checkpoint.at)}</span>
            <button
              type="button"
              disabled={busy || rollback.isPending}
              onClick={() => rollback.mutate(checkpoint.checkpoint)}
              className="text-accent disabled:opacity-40"
              title="Put the workspace and the conversation back to here"
            >
              roll back
            </button>
            <button
              type="button"
              onClick={() => fork.mutate(checkpoint.checkpoint)}
              className="text-accent"
              title="A new task from here"
            >
              fork
            </button>
          </li>
        ))}
      </ol>
      {(rollback.error ?? fork.error) && (
        <p role="alert" className="text-sm text-bad">
          {(rollback.error ?? fork.error)?.message}
        </p>
      )}
    </section>
  )
}
