import { z } from 'zod'
import { findBubblewrap } from './bubblewrap.ts'

export const SandboxStatus = z.object({
  kind: z.enum(['worktree', 'docker', 'kubernetes']),
  usable: z.boolean(),
  detail: z.string().describe('what it runs on here, or why it cannot be used and what to do'),
})
export type SandboxStatus = z.infer<typeof SandboxStatus>

/** Whether a Docker-API engine answers (DOCKER_HOST, else the local socket), and which. */
const checkDocker = async (): Promise<SandboxStatus> => {
  try {
    const { default: Docker } = await import('dockerode')
    const docker = new Docker()
    const version = await Promise.race([
      docker.version(),
      new Promise<never>((_, reject) =>
        setTimeout(() => reject(new Error('no answer in 3 s')), 3000).unref(),
      ),
    ])
    return {
      kind: 'docker',
      usable: true,
      detail: `${version.Components?.[0]?.Name ?? 'engine'} ${version.Version} (API ${version.ApiVersion}) at ${process.env.DOCKER_HOST ?? 'the local socket'}`,
    }
  } catch (error) {
    return {
      kind: 'docker',
      usable: false,
      detail: `no container engine answers (${(error as Error).message}): start Docker (Debian: apt install docker.io), or podman's service and set DOCKER_HOST`,
    }
  }
}

/** Which workspace backends this machine can run, and why not. */
export const findSandboxes = async (): Promise<SandboxStatus[]> => [
  {
    kind: 'worktree',
    usable: true,
    detail: (await findBubblewrap())
      ? 'git worktrees, processes isolated by bubblewrap'
      : 'git worktrees; bubblewrap is missing, so processes run with your own rights',
  },
  await checkDocker(),
  { kind: 'kubernetes', usable: false, detail: 'not available in this version of Cadre yet' },
]
