import { z } from 'zod'
import { type Config, loadConfig } from '../config.ts'
import { findBubblewrap } from './bubblewrap.ts'
import { connectKubernetes } from './kubernetes/kube-api.ts'

export const SandboxStatus = z.object({
  kind: z.enum(['worktree', 'docker', 'kubernetes']),
  usable: z.boolean(),
  detail: z.string().describe('what it runs on here, or why it cannot be used and what to do'),
})
export type SandboxStatus = z.infer<typeof SandboxStatus>

/** What an engine or cluster says, unless it says nothing for 3 s. */
const withTimeout = <T>(answer: Promise<T>): Promise<T> =>
  Promise.race([
    answer,
    new Promise<never>((_, reject) => setTimeout(() => reject(new Error('no answer in 3 s')), 3000).unref()),
  ])

/** Whether a Docker-API engine answers (DOCKER_HOST, else the local socket), and which. */
const checkDocker = async (): Promise<SandboxStatus> => {
  try {
    const { default: Docker } = await import('dockerode')
    const docker = new Docker()
    const version = await withTimeout(docker.version())
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

/** Whether the configured cluster answers (listing Cadre's pods), and whether pods can reach Cadre. */
const checkKubernetes = async (config: Config['kubernetes']): Promise<SandboxStatus> => {
  try {
    const kube = await connectKubernetes(config)
    await withTimeout(kube.core.listNamespacedPod({ namespace: kube.namespace, limit: 1 }))
    const where = `cluster ${kube.server}, namespace ${kube.namespace}`
    return config.cadreUrl
      ? { kind: 'kubernetes', usable: true, detail: `${where}; pods reach Cadre at ${config.cadreUrl}` }
      : {
          kind: 'kubernetes',
          usable: false,
          detail: `${where}; set CADRE_K8S_CADRE_URL to the address pods reach this server at`,
        }
  } catch (error) {
    const { message } = error as Error
    return {
      kind: 'kubernetes',
      usable: false,
      detail: message.startsWith('no Kubernetes cluster is configured')
        ? message
        : `the Kubernetes cluster does not answer (${message}): check KUBECONFIG or CADRE_K8S_KUBECONFIG`,
    }
  }
}

/** Which workspace backends this machine can run, and why not. */
export const findSandboxes = async (
  kubernetes: Config['kubernetes'] = loadConfig().kubernetes,
): Promise<SandboxStatus[]> => [
  {
    kind: 'worktree',
    usable: true,
    detail: (await findBubblewrap())
      ? 'git worktrees, processes isolated by bubblewrap'
      : 'git worktrees; bubblewrap is missing, so processes run with your own rights',
  },
  await checkDocker(),
  await checkKubernetes(kubernetes),
]
