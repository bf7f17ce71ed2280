import type { Project, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { WorkspaceSpec } from '../sandbox/sandbox.ts'

/** The task's workspace as the backend makes it: its branch, its base, its network, where its processes run. */
export const workspaceSpec = (task: Task, project: Project): WorkspaceSpec => {
  // The task's own word on its sandbox, over the project's.
  const sandbox = { ...project.settings.sandbox, ...task.sandbox }
  if (sandbox.kind === 'kubernetes') {
    throw new CadreError(
      'unavailable',
      'the kubernetes sandbox is not available in this version of Cadre yet: use "worktree" or "docker"',
    )
  }
  return {
    taskId: task.id,
    projectId: project.id,
    projectPath: project.path,
    branch: task.branch,
    baseBranch: task.baseBranch ?? project.settings.baseBranch ?? 'HEAD',
    network: sandbox.network,
    kind: sandbox.kind === 'docker' ? 'docker' : 'worktree',
    container: {
      ...(sandbox.image && { image: sandbox.image }),
      ...(sandbox.memoryMb && { memoryMb: sandbox.memoryMb }),
      ...(sandbox.cpus && { cpus: sandbox.cpus }),
      ...(sandbox.pids && { pids: sandbox.pids }),
    },
  }
}
