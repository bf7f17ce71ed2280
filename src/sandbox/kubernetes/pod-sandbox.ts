import { randomUUID } from 'node:crypto'
import { posix } from 'node:path'
import type { Duplex } from 'node:stream'
import { CadreError } from '../../core/errors.ts'
import { baseEnvironment } from '../docker-sandbox.ts'
import { execFiles } from '../exec-files.ts'
import { oomEventsCommand, oomKillsIn, watchOutOfMemory } from '../out-of-memory.ts'
import type { ExecRequest, Sandbox } from '../sandbox.ts'
import { execInPod, killMarkedInPod, type PodTarget } from './pod-exec.ts'
import { connectInPod } from './pod-port-forward.ts'

/**
 * A workspace in a running pod's container: processes run there through the exec API, files are
 * read and written by processes there, confined to `root` as in any workspace (the container's
 * files are not on this machine); its ports are reached through the API server's port-forward.
 * Closing ends every process it started and every connection it opened.
 */
export const openPodSandbox = (target: PodTarget & { root: string }): Sandbox => {
  const { root } = target
  // Every process's mark starts with this workspace's own: closing ends them all in one exec.
  const session = randomUUID()
  let count = 0
  const run = (request: ExecRequest, cwd = root) =>
    execInPod(
      {
        ...target,
        cwd,
        env: { ...baseEnvironment(root), ...request.env, PWD: cwd },
        mark: `${session}-${String(++count).padStart(9, '0')}`,
      },
      request,
    )
  // A pod's container never starts again (it does not restart): its pod is made anew instead.
  const outOfMemory = watchOutOfMemory(
    async () => oomKillsIn((await run({ command: oomEventsCommand })).stdout),
    async () => 'ended',
  )
  const files = execFiles(root, (request) => run(request))
  const connections = new Set<Duplex>()
  const close = async () => {
    for (const connection of connections) connection.destroy()
    if (count > 0) await killMarkedInPod(target, `${session}-`)
  }
  return {
    root,
    ...files,
    async exec(request) {
      const cwd = posix.resolve(root, request.cwd ?? '.')
      if (cwd !== root && !cwd.startsWith(`${root}/`)) {
        throw new CadreError(
          'forbidden',
          `${request.cwd}: is outside the workspace; only paths inside the workspace can be used`,
          {
            details: { path: request.cwd },
          },
        )
      }
      return outOfMemory(() => run(request, cwd))
    },
    async connect(port) {
      const connection = await connectInPod(target, port)
      connections.add(connection)
      connection.on('close', () => connections.delete(connection))
      return connection
    },
    close,
    [Symbol.asyncDispose]: close,
  }
}
