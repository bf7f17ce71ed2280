import type { Project, Task } from '../core/entities.ts'
import type { WorkspaceSpec } from '../sandbox/sandbox.ts'

/** The task's workspace as the backend makes it: its branch, its base, its network, where its processes run. */
export const workspaceSpec = (
  task: Pick<Task, 'id' | 'branch' | 'baseBranch' | 'sandbox'>,
  project: Project,
): WorkspaceSpec => {
  // The task's own word on its sandbox, over the project's.
  const sandbox = { ...project.settings.sandbox, ...task.sandbox }
  return {
    taskId: task.id,
    projectId: project.id,
    projectPath: project.path,
    branch: task.branch,
    baseBranch: task.baseBranch ?? project.settings.baseBranch ?? 'HEAD',
    network: sandbox.network,
    kind: sandbox.kind,
    container: {
      ...(sandbox.image && { image: sandbox.image }),
      ...(sandbox.memoryMb && { memoryMb: sandbox.memoryMb }),
      ...(sandbox.cpus && { cpus: sandbox.cpus }),
      ...(sandbox.pids && { pids: sandbox.pids }),
      ...(sandbox.deadlineHours && { deadlineHours: sandbox.deadlineHours }),
      ...(sandbox.secrets && { secrets: sandbox.secrets }),
    },
  }
}
