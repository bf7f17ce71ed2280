import { statSync } from 'node:fs'
import type Docker from 'dockerode'
import { CadreError } from '../core/errors.ts'
import { connectInContainer, execInContainer } from './container-exec.ts'
import { openDirectorySandbox } from './directory-sandbox.ts'
import { killMarked } from './marked-processes.ts'
import { type ContainerFate, oomEventsCommand, oomKillsIn, watchOutOfMemory } from './out-of-memory.ts'
import { resolveWorkspacePath } from './resolve-workspace-path.ts'
import { execMarker } from './run-process.ts'
import type { Sandbox } from './sandbox.ts'

/** What a task's container is made of and may use. */
export interface ContainerSpec {
  docker: Docker
  /** The image its processes run in (their toolchain). */
  image: string
  /** The container's name: one per task, found again after a restart. */
  name: string
  /** Labels that say whose it is (`cadre.task`, `cadre.project`), for cleanup. */
  labels: Record<string, string>
  /** Host folders mounted at the same paths inside, besides the workspace (the repository's git directory). */
  mounts: readonly string[]
  network: 'on' | 'off'
  memoryMb?: number
  cpus?: number
  pids?: number
}

/** The environment every process starts from in a container: enough to work, none of Cadre's own. */
export const baseEnvironment = (root: string): Record<string, string> => ({
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  HOME: root,
  LANG: 'C.UTF-8',
  TERM: 'dumb',
})

const engineError = (what: string, error: unknown) =>
  new CadreError('unavailable', `the container engine could not ${what}: ${(error as Error).message}`, {
    cause: error,
  })

/** The task's container, running: found again (and started when stopped), or made now. */
export const ensureContainer = async (spec: ContainerSpec, root: string): Promise<Docker.Container> => {
  const { docker } = spec
  const found = docker.getContainer(spec.name)
  try {
    const info = await found.inspect()
    if (!info.State.Running) await found.start()
    return found
  } catch (error) {
    if ((error as { statusCode?: number }).statusCode !== 404) throw engineError(`start ${spec.name}`, error)
  }
  try {
    const container = await docker.createContainer({
      name: spec.name,
      Image: spec.image,
      // Nothing of its own to do: it holds the namespace the task's processes are run in.
      Cmd: ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
      Labels: spec.labels,
      WorkingDir: root,
      HostConfig: {
        Binds: [root, ...spec.mounts].map((path) => `${path}:${path}`),
        NetworkMode: spec.network === 'off' ? 'none' : 'default',
        Init: true,
        ...(spec.memoryMb && {
          Memory: spec.memoryMb * 1024 * 1024,
          MemorySwap: spec.memoryMb * 1024 * 1024,
        }),
        ...(spec.cpus && { NanoCpus: Math.round(spec.cpus * 1e9) }),
        ...(spec.pids && { PidsLimit: spec.pids }),
      },
    })
    await container.start()
    return container
  } catch (error) {
    throw engineError(`make the container ${spec.name} from ${spec.image}`, error)
  }
}

/**
 * A workspace whose processes run in the task's container (its image, its limits, its network),
 * on the same files: the worktree is mounted at its own path, so paths mean the same inside and
 * out. Files are read and written from this side, confined to the workspace as in any workspace;
 * processes run as the owner of the worktree. Closing ends every process it started.
 */
export const openDockerSandbox = async (directory: string, spec: ContainerSpec): Promise<Sandbox> => {
  const files = await openDirectorySandbox(directory)
  const container = await ensureContainer(spec, files.root)
  const owner = statSync(files.root)
  const user = `${owner.uid}:${owner.gid}`
  const marks = new Set<string>()
  // Docker's words, then podman's.
  const notRunning = (error: unknown) =>
    /is not running|stopped\/paused|state improper/.test((error as Error).message)
  // A container whose own process the kernel took (out of memory) is started again: found stopped
  // (it may take a moment to stop), started, and what the engine saw said.
  const revive = async (): Promise<ContainerFate> => {
    for (let look = 0; look < 20; look++) {
      const { State } = await container.inspect()
      if (!State.Running) {
        await container.start()
        // podman never sets OOMKilled: a memory-limited container whose own process died by
        // SIGKILL as the command did was killed for memory (nothing in it can SIGKILL its init).
        const forMemory = State.OOMKilled || (State.ExitCode === 137 && spec.memoryMb !== undefined)
        return forMemory ? 'ended-for-memory' : 'ended'
      }
      await new Promise((resolve) => setTimeout(resolve, 100))
    }
    return 'alive'
  }
  const outOfMemory = watchOutOfMemory(async () => {
    try {
      const read = await execInContainer(
        { docker: spec.docker, container, user: '0:0', cwd: '/', env: baseEnvironment('/') },
        { command: oomEventsCommand },
      )
      return oomKillsIn(read.stdout)
    } catch (error) {
      if (notRunning(error)) return 'ended'
      throw error
    }
  }, revive)
  const close = async () => {
    for (const mark of marks) killMarked(execMarker, mark)
    marks.clear()
  }
  return {
    ...files,
    async exec(request) {
      const cwd = await resolveWorkspacePath(files.root, request.cwd ?? '.')
      const run = () =>
        execInContainer(
          {
            docker: spec.docker,
            container,
            user,
            cwd,
            env: { ...baseEnvironment(files.root), ...request.env, PWD: cwd },
            onMark: (mark) => marks.add(mark),
          },
          request,
        )
      return outOfMemory(async () => {
        try {
          return await run()
        } catch (error) {
          // The container ended after the last process (the kernel took its own): started again.
          if (!notRunning(error)) throw error
          await revive()
          return run()
        }
      })
    },
    connect: (port) =>
      connectInContainer(
        {
          docker: spec.docker,
          container,
          user,
          cwd: files.root,
          env: baseEnvironment(files.root),
          onMark: (mark) => marks.add(mark),
        },
        port,
      ),
    close,
    [Symbol.asyncDispose]: close,
  }
}
