import { realpathSync } from 'node:fs'
import type Docker from 'dockerode'
import { openDockerSandbox } from './docker-sandbox.ts'
import { projectImage } from './project-image.ts'
import type { SandboxBackend, Workspace, WorkspaceSpec } from './sandbox.ts'
import { commonDirOf } from './worktree-sandbox.ts'

export interface DockerSandboxesOptions {
  /** Makes and removes the tasks' worktrees (the files a container works on). */
  worktrees: SandboxBackend
  /** The engine, made when first needed (dockerode is loaded only by servers that use containers). */
  docker: () => Promise<Docker>
}

/** The container of a task: one per task, named and labelled after it. */
export const containerName = (taskId: string): string => `cadre-${taskId}`

/**
 * Task workspaces in containers: the task's worktree, made as for any task, mounted into a
 * container of the project's image with its limits (`sandbox` in the project's settings), where
 * the agent's processes run. Removing the workspace removes the container; the branch stays.
 */
export const createDockerSandboxes = ({ worktrees, docker }: DockerSandboxesOptions): SandboxBackend => ({
  locate: worktrees.locate,
  async create(spec: WorkspaceSpec): Promise<Workspace> {
    const worktree = await worktrees.create({ ...spec, kind: 'worktree' })
    await worktree.close()
    const engine = await docker()
    const image =
      spec.container?.image ??
      (await projectImage(
        engine,
        { id: spec.projectId, repository: spec.projectPath },
        spec.baseBranch,
        spec.network,
      ))
    const sandbox = await openDockerSandbox(worktree.root, {
      docker: engine,
      image,
      name: containerName(spec.taskId),
      labels: { 'cadre.task': spec.taskId, 'cadre.project': spec.projectId },
      // Git works inside as outside: the repository's git directory at its own path; and the
      // task's private state (an external agent's home).
      mounts: [realpathSync(commonDirOf(worktree.root)), worktree.info.stateDir],
      network: spec.network,
      ...(spec.container?.memoryMb && { memoryMb: spec.container.memoryMb }),
      ...(spec.container?.cpus && { cpus: spec.container.cpus }),
      ...(spec.container?.pids && { pids: spec.container.pids }),
    })
    return { ...sandbox, info: { ...worktree.info, kind: 'docker', isolation: 'container' } }
  },
  async destroy(spec) {
    const engine = await docker()
    await engine
      .getContainer(containerName(spec.taskId))
      .remove({ force: true })
      .catch((error: { statusCode?: number }) => {
        if (error.statusCode !== 404) throw error
      })
    await worktrees.destroy(spec)
  },
})

/** The backend a workspace's spec names: its worktree (the default), its container, or its pod. */
export const dispatchSandboxes = (backends: {
  worktree: SandboxBackend
  docker: SandboxBackend
  kubernetes: SandboxBackend
}): SandboxBackend => {
  const of = (spec: Pick<WorkspaceSpec, 'kind'>) => backends[spec.kind ?? 'worktree']
  return {
    locate: (spec) => of(spec).locate(spec),
    create: (spec) => of(spec).create(spec),
    destroy: (spec) => of(spec).destroy(spec),
  }
}

/**
 * Containers of tasks that no longer have a workspace (the task deleted, its workspace cleaned up,
 * Cadre stopped between the two): found by their labels and removed. Run at start-up.
 */
export const removeOrphanContainers = async (
  docker: Docker,
  hasWorkspace: (task: { taskId: string; projectId: string }) => Promise<boolean>,
): Promise<string[]> => {
  const containers = await docker.listContainers({ all: true, filters: { label: ['cadre.task'] } })
  const removed: string[] = []
  for (const info of containers) {
    const taskId = info.Labels['cadre.task'] ?? ''
    const projectId = info.Labels['cadre.project'] ?? ''
    if (await hasWorkspace({ taskId, projectId })) continue
    await docker.getContainer(info.Id).remove({ force: true })
    removed.push(taskId)
  }
  return removed
}
