import { randomUUID } from 'node:crypto'
import type Docker from 'dockerode'
import { afterAll, beforeAll } from 'vitest'
import { testDockerEngine, testImage } from '../../test/support/docker-engine.ts'
import { openDockerSandbox } from './docker-sandbox.ts'
import { describeSandboxContract } from './sandbox.contract.ts'

let docker: Docker
const run = randomUUID().slice(0, 8)
beforeAll(async () => {
  docker = await testDockerEngine()
}, 120_000)
afterAll(async () => {
  const containers = await docker.listContainers({ all: true, filters: { label: [`cadre.test=${run}`] } })
  await Promise.all(containers.map((info) => docker.getContainer(info.Id).remove({ force: true })))
})

let made = 0
describeSandboxContract('a Docker container', (directory) =>
  openDockerSandbox(directory, {
    docker,
    image: testImage,
    name: `cadre-test-${run}-${++made}`,
    labels: { 'cadre.test': run },
    mounts: [],
    network: 'off',
  }),
)
