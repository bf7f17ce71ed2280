import type { Project, Task } from '../core/entities.ts'
import type { WorkspaceSpec } from '../sandbox/sandbox.ts'

/** The task's workspace as the backend makes it: its branch, its base, its network, where its processes run. */
export const workspaceSpec = (task: Task, project: Project): WorkspaceSpec => ({
  taskId: task.id,
  projectId: project.id,
  projectPath: project.path,
  branch: task.branch,
  baseBranch: task.baseBranch ?? project.settings.baseBranch ?? 'HEAD',
  network: project.settings.sandbox.network,
  kind: project.settings.sandbox.kind === 'docker' ? 'docker' : 'worktree',
  container: {
    ...(project.settings.sandbox.image && { image: project.settings.sandbox.image }),
    ...(project.settings.sandbox.memoryMb && { memoryMb: project.settings.sandbox.memoryMb }),
    ...(project.settings.sandbox.cpus && { cpus: project.settings.sandbox.cpus }),
    ...(project.settings.sandbox.pids && { pids: project.settings.sandbox.pids }),
  },
})
