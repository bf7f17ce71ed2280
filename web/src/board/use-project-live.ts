import { useQueryClient } from '@tanstack/react-query'
import { useEffect } from 'react'
import { useStream } from '../stream/stream-context.tsx'

/** Keeps the board's tasks true to the stream: any stored change to a task refreshes the list. */
export const useProjectLive = (projectId: string | undefined): void => {
  const stream = useStream()
  const queries = useQueryClient()
  useEffect(() => {
    if (!projectId) return
    let pending: ReturnType<typeof setTimeout> | undefined
    const refresh = () => {
      pending ??= setTimeout(() => {
        pending = undefined
        void queries.invalidateQueries({ queryKey: ['tasks', projectId] })
      }, 100)
    }
    const stop = stream.followProject(projectId, (event) => {
      if ('seq' in event && (event.type.startsWith('task.') || event.type === 'step.finished')) refresh()
    })
    // After a reconnect the list is read again: what changed meanwhile shows.
    const stopState = stream.onState((state) => state === 'open' && refresh())
    return () => {
      stop()
      stopState()
      clearTimeout(pending)
    }
  }, [projectId, stream, queries])
}
