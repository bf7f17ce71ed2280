import { type QueryKey, useQueryClient } from '@tanstack/react-query'
import { useEffect, useRef } from 'react'
import type { CadreEvent } from '../api/types.ts'
import { useStream } from './stream-context.tsx'

/**
 * Follows a project's stream: every event goes to `onEvent`, and when `refreshes` says one changed
 * what the page shows, the queries under `queryKeys` are read again — once per burst of events, and
 * after every reconnect, so what changed while the stream was down shows too.
 */
export const useProjectRefresh = (
  projectId: string | undefined,
  queryKeys: readonly QueryKey[],
  refreshes: (event: CadreEvent) => boolean,
  onEvent?: (event: CadreEvent) => void,
): void => {
  const stream = useStream()
  const queries = useQueryClient()
  // The latest callbacks and keys, without following the project again on every render.
  const latest = useRef({ queryKeys, refreshes, onEvent })
  latest.current = { queryKeys, refreshes, onEvent }
  useEffect(() => {
    if (!projectId) return
    let pending: ReturnType<typeof setTimeout> | undefined
    const refresh = () => {
      pending ??= setTimeout(() => {
        pending = undefined
        for (const queryKey of latest.current.queryKeys) void queries.invalidateQueries({ queryKey })
      }, 120)
    }
    const stop = stream.followProject(projectId, (event) => {
      if (latest.current.refreshes(event)) refresh()
      latest.current.onEvent?.(event)
    })
    const stopState = stream.onState((state) => state === 'open' && refresh())
    return () => {
      stop()
      stopState()
      clearTimeout(pending)
    }
  }, [projectId, stream, queries])
}
