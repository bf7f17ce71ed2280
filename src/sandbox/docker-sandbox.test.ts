import { randomUUID } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { type TestEngine, testEngines, testImage } from '../../test/support/docker-engine.ts'
import { openDockerSandbox } from './docker-sandbox.ts'
import { removeOrphanContainers } from './docker-sandboxes.ts'
import { describeSandboxContract } from './sandbox.contract.ts'

const run = randomUUID().slice(0, 8)

/** The whole suite against one engine: the contract, the limits, the cleanup. */
const describeEngine = (engine: TestEngine) =>
  describe(`on ${engine.name}`, () => {
    let docker: Docker
    beforeAll(async () => {
      docker = await engine.connect()
    }, 120_000)
    afterAll(async () => {
      const containers = await docker.listContainers({ all: true, filters: { label: [`cadre.test=${run}`] } })
      await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true })))
    })

    let made = 0
    /** A container of this test run over the directory, with these limits. */
    const limited = (directory: string, limits: { memoryMb?: number; pids?: number } = {}) =>
      openDockerSandbox(directory, {
        docker,
        image: testImage,
        name: `cadre-test-${run}-${++made}`,
        labels: { 'cadre.test': run },
        mounts: [],
        network: 'off',
        ...limits,
      })

    describeSandboxContract('a Docker container', (directory) => limited(directory))

    describe('container limits, enforced by the kernel', () => {
      it('kills a process over the memory limit, and says it was for memory', async () => {
        const sandbox = await limited(mkdtempSync(join(tmpdir(), 'cadre-oom-')), { memoryMb: 32 })
        const result = await sandbox.exec({ command: { shell: 'head -c 200m /dev/zero | tail' } })
        expect(result).toMatchObject({ exitCode: 137, outOfMemory: true })
        // Whichever process the kernel took (the container's own, at times), the next command runs.
        expect((await sandbox.exec({ command: ['echo', 'alive'] })).stdout).toBe('alive\n')
        // A process killed otherwise is not taken for one killed for memory.
        const killed = await sandbox.exec({ command: { shell: 'kill -9 $$' } })
        expect(killed.exitCode).toBe(137)
        expect(killed.outOfMemory).toBeUndefined()
        await sandbox.close()
      })

      it('refuses a fork past the process limit', async () => {
        const sandbox = await limited(mkdtempSync(join(tmpdir(), 'cadre-pids-')), { pids: 20 })
        const result = await sandbox.exec({
          command: { shell: 'for i in $(seq 40); do sleep 2 & done; wait' },
        })
        expect(result.stderr).toMatch(/fork|Resource temporarily unavailable/i)
        await sandbox.close()
      })

      it('reaches no address with the network off, not even this machine', async () => {
        const server = createServer((_request, response) => response.end('host'))
        await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
        const { port } = server.address() as AddressInfo
        const sandbox = await limited(mkdtempSync(join(tmpdir(), 'cadre-net-')))
        for (const url of [`http://127.0.0.1:${port}/`, 'http://1.1.1.1/']) {
          const result = await sandbox.exec({ command: ['wget', '-q', '-T', '2', '-O', '-', url] })
          expect(result.exitCode, url).not.toBe(0)
          expect(result.stdout).toBe('')
        }
        server.close()
        await sandbox.close()
      })
    })

    describe('orphan containers', () => {
      it('removes at start-up the containers of tasks that have no workspace any more, and only those', async () => {
        const make = async (taskId: string) =>
          (
            await docker.createContainer({
              name: `cadre-test-${run}-${taskId}`,
              Image: testImage,
              Cmd: ['sleep', '60'],
              Labels: { 'cadre.task': taskId, 'cadre.project': 'prj_orphans', 'cadre.test': run },
            })
          ).id
        const live = await make(`tsk_live${run}`)
        const orphan = await make(`tsk_gone${run}`)
        const removed = await removeOrphanContainers(
          docker,
          async ({ taskId }) => !taskId.startsWith('tsk_gone'),
        )
        expect(removed).toContain(`tsk_gone${run}`)
        expect((await docker.getContainer(live).inspect()).Id).toBe(live)
        await expect(docker.getContainer(orphan).inspect()).rejects.toMatchObject({ statusCode: 404 })
      })
    })
  })

for (const engine of testEngines()) describeEngine(engine)
