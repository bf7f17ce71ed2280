import { useState } from 'react'
import type { CadreEvent } from '../api/types.ts'
import { useProjectRefresh } from '../stream/use-project-refresh.ts'

/** What an event says its task's agent is doing now, if it says anything. */
const doingNow = (event: CadreEvent): string | undefined => {
  if (event.type === 'tool.started') {
    const { tool, command, paths } = event.data
    return `${tool}${command ? `: ${command}` : paths?.length ? ` ${paths.join(', ')}` : ''}`
  }
  if (event.type === 'message.assistant') return 'thinking'
  if (event.type === 'check.finished') return `checked: ${event.data.command}`
  return undefined
}

const buildEvents = new Set(['build.progress', 'agent.status', 'feature.updated'])

/**
 * Keeps a project's build dashboard live: a build's progress, an agent's change or a feature's
 * change refreshes what shows; each task's latest action is kept as what its agent is doing now.
 */
export const useBuildLive = (projectId: string): ReadonlyMap<string, string> => {
  const [doing, setDoing] = useState<ReadonlyMap<string, string>>(new Map())
  useProjectRefresh(
    projectId,
    [['builds', projectId], ['build'], ['features', projectId]],
    (event) => buildEvents.has(event.type),
    (event) => {
      const now = doingNow(event)
      if (now) setDoing((before) => new Map(before).set(event.taskId, now))
    },
  )
  return doing
}
