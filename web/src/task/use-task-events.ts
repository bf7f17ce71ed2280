import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { api } from '../api/http.ts'
import type { CadreEvent, EventPage } from '../api/types.ts'
import { useStream } from '../stream/stream-context.tsx'

const pageSize = 1000

/**
 * A task's events: its stored history, read page by page, then everything after it from the live
 * stream (which, after a reconnect, replays exactly what was missed). The task's own query is
 * refreshed whenever its status or usage may have changed.
 */
export const useTaskEvents = (taskId: string): { events: CadreEvent[]; loading: boolean; error?: Error } => {
  const stream = useStream()
  const queries = useQueryClient()
  const [state, setState] = useState<{ events: CadreEvent[]; loading: boolean; error?: Error }>({
    events: [],
    loading: true,
  })
  useEffect(() => {
    let stop: (() => void) | undefined
    let cancelled = false
    const load = async () => {
      const history: CadreEvent[] = []
      let after = 0
      for (;;) {
        const page = await api<EventPage>(`/api/tasks/${taskId}/events?after=${after}&limit=${pageSize}`)
        history.push(...page.events)
        after = page.events.at(-1)?.seq ?? after
        if (cancelled) return
        setState({ events: [...history], loading: after < page.lastSeq })
        if (after >= page.lastSeq) break
      }
      stop = stream.followTask(taskId, after, (event) => {
        setState((previous) => ({ ...previous, events: [...previous.events, event] }))
        if ('seq' in event && (event.type.startsWith('task.') || event.type === 'step.finished')) {
          void queries.invalidateQueries({ queryKey: ['task', taskId] })
        }
      })
    }
    setState({ events: [], loading: true })
    load().catch((error: Error) => setState((previous) => ({ ...previous, loading: false, error })))
    return () => {
      cancelled = true
      stop?.()
    }
  }, [taskId, stream, queries])
  return state
}
