import { useQueryClient } from '@tanstack/react-query'
import { useEffect, useState } from 'react'
import { useStream } from '../stream/stream-context.tsx'

/**
 * Keeps a project's build dashboard live: a build's progress, an agent's change or a feature's
 * change refreshes what shows; each task's latest action is kept as what its agent is doing now.
 */
export const useBuildLive = (projectId: string): ReadonlyMap<string, string> => {
  const stream = useStream()
  const queries = useQueryClient()
  const [doing, setDoing] = useState<ReadonlyMap<string, string>>(new Map())
  useEffect(() => {
    let pending: ReturnType<typeof setTimeout> | undefined
    const refresh = () => {
      pending ??= setTimeout(() => {
        pending = undefined
        void queries.invalidateQueries({ queryKey: ['builds', projectId] })
        void queries.invalidateQueries({ queryKey: ['build'] })
        void queries.invalidateQueries({ queryKey: ['features', projectId] })
      }, 150)
    }
    const stop = stream.followProject(projectId, (event) => {
      if (
        event.type === 'build.progress' ||
        event.type === 'agent.status' ||
        event.type === 'feature.updated'
      )
        refresh()
      const now =
        event.type === 'tool.started'
          ? `${event.data.tool}${event.data.command ? `: ${event.data.command}` : event.data.paths?.length ? ` ${event.data.paths.join(', ')}` : ''}`
          : event.type === 'message.assistant'
            ? 'thinking'
            : event.type === 'check.finished'
              ? `checked: ${event.data.command}`
              : undefined
      if (now) setDoing((before) => new Map(before).set(event.taskId, now))
    })
    const stopState = stream.onState((state) => state === 'open' && refresh())
    return () => {
      stop()
      stopState()
      clearTimeout(pending)
    }
  }, [projectId, stream, queries])
  return doing
}
