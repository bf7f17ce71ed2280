import { useQuery } from '@tanstack/react-query'
import { api } from '../api/http.ts'
import type { WorkspaceDiff } from '../api/types.ts'
import { DiffView } from './diff-view.tsx'

/** What the task has changed in one file so far, as a small unified diff (a file-edit card's detail). */
export const FileDiff = ({ taskId, path }: { taskId: string; path: string }) => {
  const diff = useQuery({
    queryKey: ['diff', taskId, 'file', path],
    queryFn: () => api<WorkspaceDiff>(`/api/tasks/${taskId}/diff?path=${encodeURIComponent(path)}`),
  })
  if (diff.error) return <p className="px-3 py-2 text-xs text-bad">{diff.error.message}</p>
  const patch = diff.data?.files[0]?.patch
  if (!diff.data) return <p className="px-3 py-2 text-xs text-muted">Reading the change…</p>
  if (!patch) return <p className="px-3 py-2 text-xs text-muted">No change to {path} in the workspace now.</p>
  return (
    <div className="max-h-80 overflow-auto border-t border-line text-xs">
      <DiffView patch={patch} />
    </div>
  )
}
