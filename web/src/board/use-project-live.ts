import { useProjectRefresh } from '../stream/use-project-refresh.ts'

/** Keeps the board's tasks true to the stream: any stored change to a task refreshes the list. */
export const useProjectLive = (projectId: string | undefined): void =>
  useProjectRefresh(
    projectId,
    [['tasks', projectId]],
    (event) => 'seq' in event && (event.type.startsWith('task.') || event.type === 'step.finished'),
  )
