import type { Project, Task } from '../core/entities.ts'
import type { WorkspaceSpec } from '../sandbox/sandbox.ts'

/** The task's workspace as the backend makes it: its branch, its base, its network. */
export const workspaceSpec = (task: Task, project: Project): WorkspaceSpec => ({
  taskId: task.id,
  projectId: project.id,
  projectPath: project.path,
  branch: task.branch,
  baseBranch: task.baseBranch ?? project.settings.baseBranch ?? 'HEAD',
  network: project.settings.sandbox.network,
})
