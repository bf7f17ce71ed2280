import { execFileSync } from 'node:child_process'
import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { Readable } from 'node:stream'
import Docker from 'dockerode'

/**
 * The image container tests run in: busybox's tools, with this machine's bash and git (and the
 * libraries they load), built here from a rootfs (no registry is reachable).
 */
export const testImage = 'cadre-test-tools:2'

/** The programs copied from this machine, each with the shared libraries it loads. */
const hostPrograms = ['/usr/bin/busybox', '/bin/bash', '/usr/bin/git']

/** The shared libraries a program loads, as `ldd` lists them (none for a static one). */
const librariesOf = (program: string): string[] => {
  try {
    const listed = execFileSync('ldd', [program], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
    return listed.match(/\/[^\s]+/g) ?? []
  } catch {
    return [] // "not a dynamic executable"
  }
}

/**
 * The Docker-API engine the container tests use (DOCKER_HOST, else the local socket), with the
 * test image built into it when missing. Fails, saying what to do, when no engine answers: `.ci/run`
 * installs and starts one.
 */
export const testDockerEngine = (options: Docker.DockerOptions = {}): Promise<Docker> =>
  connectTestEngine(new Docker(options))

/** podman's Docker-compatible service, where `.ci/run` starts it. */
const podmanSocket = process.env.CADRE_TEST_PODMAN_SOCKET ?? '/run/podman/podman.sock'

export interface TestEngine {
  name: string
  connect(): Promise<Docker>
}

/**
 * The engines the container suites run against: Docker's, and podman's service when its socket
 * is there (`.ci/run` starts both; with CADRE_TEST_PODMAN=required, a missing podman fails).
 */
export const testEngines = (): TestEngine[] => [
  { name: 'Docker', connect: () => testDockerEngine() },
  ...(existsSync(podmanSocket) || process.env.CADRE_TEST_PODMAN === 'required'
    ? [{ name: 'podman', connect: () => testDockerEngine({ socketPath: podmanSocket }) }]
    : []),
]

const connectTestEngine = async (docker: Docker): Promise<Docker> => {
  try {
    await docker.ping()
  } catch (error) {
    throw new Error(
      `no container engine answers (${(error as Error).message}): install docker.io and start dockerd (see .ci/run), or set DOCKER_HOST`,
    )
  }
  const images = await docker.listImages({ filters: { reference: [testImage] } })
  if (images.length === 0) await buildTestImage(docker)
  return docker
}

/** A rootfs of busybox with its applets, this machine's bash and git, and `nohup` as a small script. */
const buildTestImage = async (docker: Docker) => {
  const rootfs = mkdtempSync(join(tmpdir(), 'cadre-rootfs-'))
  const bin = join(rootfs, 'bin')
  mkdirSync(bin, { recursive: true })
  mkdirSync(join(rootfs, 'tmp'), { mode: 0o1777 })
  for (const program of hostPrograms) {
    for (const file of [program, ...librariesOf(program)]) {
      mkdirSync(join(rootfs, dirname(file)), { recursive: true })
      copyFileSync(file, join(rootfs, file))
      chmodSync(join(rootfs, file), 0o755)
    }
  }
  const applets = execFileSync('/usr/bin/busybox', ['--list'], { encoding: 'utf8' }).split('\n')
  for (const applet of applets.filter(Boolean)) symlinkSync('/usr/bin/busybox', join(bin, applet))
  writeFileSync(join(bin, 'nohup'), '#!/bin/sh\ntrap "" HUP\nexec "$@"\n', { mode: 0o755 })
  const archive = execFileSync('tar', ['-C', rootfs, '-c', '.'], { maxBuffer: 64 * 1024 * 1024 })
  const [repo = '', tag = ''] = testImage.split(':')
  const progress = await docker.importImage(Readable.from([archive]), {
    repo,
    tag,
    changes: ['CMD ["/bin/sh"]', 'ENV PATH=/usr/bin:/bin'],
  })
  await new Promise((resolve, reject) =>
    docker.modem.followProgress(progress, (error) => (error ? reject(error) : resolve(undefined))),
  )
  // podman's Docker API leaves an import's tag out (it names the image `:latest`): tagged here.
  const tagged = await docker
    .getImage(testImage)
    .inspect()
    .then(
      () => true,
      () => false,
    )
  if (!tagged) await docker.getImage(`${repo}:latest`).tag({ repo, tag })
}
