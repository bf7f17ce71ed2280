import { isComparison } from '../core/comparison.ts'
import type { Project, Task } from '../core/entities.ts'
import { CadreError, notFound } from '../core/errors.ts'
import { openGit } from '../git/open-git.ts'
import type { SandboxBackend, Workspace, WorkspaceSpec } from '../sandbox/sandbox.ts'
import type { Store } from '../store/store.ts'
import { workspaceSpec } from './workspace-spec.ts'

export interface WorkspaceDeps {
  store: Store
  sandboxes: SandboxBackend
}

export interface TaskWorkspace extends AsyncDisposable {
  task: Task
  project: Project
  spec: WorkspaceSpec
  workspace: Workspace
}

/** Where a task's work is kept when its workspace goes away: never on a branch, never lost. */
export const archiveRef = (taskId: string) => `refs/cadre/archive/${taskId}`

/**
 * Whether the task's changes were discarded: its branch is gone and its work kept under the
 * archive ref. Its workspace must not be made again (on a new branch from the base, as if nothing
 * had happened).
 */
const wasDiscarded = async (projectPath: string, task: Task) => {
  const refs = await openGit(projectPath)
    .raw(['for-each-ref', '--format=%(refname)', `refs/heads/${task.branch}`, archiveRef(task.id)])
    .catch(() => '')
  return refs.includes(archiveRef(task.id)) && !refs.includes(`refs/heads/${task.branch}`)
}

/** Statuses in which an agent may be changing the workspace: nothing else may change it then. */
const busy = new Set(['queued', 'running'])

/**
 * A task's workspace for a person's request (diff, commit, merge …): found again, or made anew from
 * the task's branch when it was cleaned up. With `change`, refused while an agent is working in it.
 */
export const openTaskWorkspace = async (
  deps: WorkspaceDeps,
  taskId: string,
  options: { change?: string } = {},
): Promise<TaskWorkspace> => {
  const task = await deps.store.tasks.get(taskId)
  if (!task) throw notFound('task', taskId)
  if (isComparison(task)) {
    throw new CadreError(
      'bad_request',
      `task ${taskId} is a comparison and has no workspace of its own: review each of its tasks (GET /api/tasks/${taskId}/compare lists them)`,
    )
  }
  if (options.change && busy.has(task.status)) {
    throw new CadreError(
      'invalid_transition',
      `cannot ${options.change} task ${taskId} while it is ${task.status}; wait for it, or cancel it first`,
    )
  }
  const project = await deps.store.projects.get(task.projectId)
  if (!project) throw notFound('project', task.projectId)
  if (task.status === 'cancelled' && (await wasDiscarded(project.path, task))) {
    throw new CadreError(
      'conflict',
      `task ${taskId}'s changes were discarded: its workspace and branch are gone; what it had is kept at ${archiveRef(taskId)} (git -C ${project.path} show ${archiveRef(taskId)})`,
    )
  }
  const spec = workspaceSpec(task, project)
  // A base changed since (the project's baseBranch set to a branch that is not there) fails here,
  // said so, rather than as git's error in whatever the request runs next.
  const base = await openGit(project.path)
    .raw(['rev-parse', '--verify', '--quiet', `${spec.baseBranch}^{commit}`])
    .catch(() => '')
  if (base.trim() === '') {
    throw new CadreError(
      'bad_request',
      `the base branch "${spec.baseBranch}" of task ${taskId} does not exist in ${project.path}; set the project's baseBranch (or the task's) to an existing branch`,
    )
  }
  const workspace = await deps.sandboxes.create(spec)
  return { task, project, spec, workspace, [Symbol.asyncDispose]: () => workspace.close() }
}
