import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query'
import { useState } from 'react'
import type { CadreEvent, StoredEvent } from '../../../src/core/events/registry.ts'
import { api } from '../api/http.ts'

interface PreviewState {
  running: boolean
  url?: string
  origin?: string
}

/** Widths a person checks a page at; the height is the panel's. */
const devices = [
  { name: 'Desktop', width: undefined },
  { name: 'Tablet', width: 768 },
  { name: 'Phone', width: 375 },
] as const

const usePreview = (taskId: string) => {
  const queries = useQueryClient()
  const key = ['preview', taskId]
  const state = useQuery({
    queryKey: key,
    queryFn: () => api<PreviewState>(`/api/tasks/${taskId}/preview`),
  })
  const refresh = () => queries.invalidateQueries({ queryKey: key })
  const start = useMutation({
    mutationFn: () => api<PreviewState>(`/api/tasks/${taskId}/preview`, { method: 'POST', body: {} }),
    onSuccess: refresh,
  })
  const stop = useMutation({
    mutationFn: () => api(`/api/tasks/${taskId}/preview`, { method: 'DELETE' }),
    onSuccess: refresh,
  })
  return { state, start, stop }
}

const button = 'rounded-md border border-line px-2 py-0.5 text-xs'

/**
 * The task's live preview beside its conversation: the page the agent is building (on its own
 * origin, in a frame), at a device's width, with reload, open in a new tab, stop, and the errors
 * the page reported lately.
 */
export const PreviewPanel = ({ taskId, events }: { taskId: string; events: readonly CadreEvent[] }) => {
  const { state, start, stop } = usePreview(taskId)
  const [device, setDevice] = useState<(typeof devices)[number]>(devices[0])
  const [reloads, setReloads] = useState(0)
  const preview = state.data
  const errors = events
    .filter(
      (event): event is Extract<StoredEvent, { type: 'preview.error' }> => event.type === 'preview.error',
    )
    .slice(-3)
  const failure = start.error ?? stop.error ?? state.error
  return (
    <section aria-label="Preview" className="flex min-h-0 flex-1 flex-col border-l border-line bg-panel">
      <div className="flex flex-wrap items-center gap-2 border-b border-line px-3 py-2">
        <h2 className="text-sm font-medium">Preview</h2>
        {preview?.running && preview.url ? (
          <>
            {devices.map((candidate) => (
              <button
                key={candidate.name}
                type="button"
                aria-pressed={device.name === candidate.name}
                onClick={() => setDevice(candidate)}
                className={`${button} ${device.name === candidate.name ? 'border-accent text-accent' : ''}`}
              >
                {candidate.name}
              </button>
            ))}
            <button type="button" className={button} onClick={() => setReloads((n) => n + 1)}>
              Reload
            </button>
            <a className={button} href={preview.url} target="_blank" rel="noopener noreferrer">
              Open in new tab
            </a>
            <button type="button" className={`${button} ml-auto`} onClick={() => stop.mutate()}>
              Stop
            </button>
          </>
        ) : (
          <button
            type="button"
            disabled={start.isPending}
            onClick={() => start.mutate()}
            className="ml-auto rounded-md bg-accent px-3 py-0.5 text-xs text-white disabled:opacity-50"
          >
            {start.isPending ? 'Starting…' : 'Start preview'}
          </button>
        )}
      </div>
      {failure && (
        <p role="alert" className="whitespace-pre-wrap px-3 py-2 text-xs text-bad">
          {failure.message}
        </p>
      )}
      <div className="flex min-h-0 flex-1 justify-center overflow-auto bg-canvas">
        {preview?.running && preview.url ? (
          <iframe
            key={reloads}
            title="The task's live preview"
            src={preview.url}
            style={{ width: device.width ?? '100%' }}
            className="h-full border-x border-line bg-white"
            sandbox="allow-scripts allow-same-origin allow-forms allow-popups allow-modals"
          />
        ) : (
          <p className="p-6 text-sm text-muted">
            The project's dev command serves the task's work here, on an origin of its own, as the agent
            builds it.
          </p>
        )}
      </div>
      {errors.length > 0 && (
        <ul
          aria-label="Preview errors"
          className="max-h-28 overflow-y-auto border-t border-line px-3 py-2 text-xs"
        >
          {errors.map((event) =>
            event.type === 'preview.error' ? (
              <li
                key={event.seq}
                className="truncate text-bad"
                title={event.data.stack ?? event.data.message}
              >
                {event.data.kind}: {event.data.message}
                {event.data.count > 1 ? ` (×${event.data.count})` : ''}
              </li>
            ) : null,
          )}
        </ul>
      )}
    </section>
  )
}
