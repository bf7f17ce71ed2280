import { mkdirSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import type { V1NetworkPolicyPeer, V1Pod } from '@kubernetes/client-node'
import { CadreError } from '../../core/errors.ts'
import { branchExists } from '../../git/branch-exists.ts'
import { gitHttpPath, taskGitToken } from '../../git/git-http.ts'
import { openGit } from '../../git/open-git.ts'
import type { SandboxBackend, Workspace, WorkspaceSpec } from '../sandbox.ts'
import { type KubeApi, kubeError, statusOf } from './kube-api.ts'
import { execInPod } from './pod-exec.ts'
import {
  fetchContainer,
  managedBySelector,
  type PodWorkspace,
  podName,
  podStateDir,
  podWorkspaceRoot,
  publishScript,
  taskNetworkPolicy,
  taskPod,
  taskSecret,
  workspaceContainer,
} from './pod-manifests.ts'
import { openPodSandbox } from './pod-sandbox.ts'

export interface KubernetesSandboxesOptions {
  /** The cluster, connected when first needed (the client is loaded only by servers that use pods). */
  kube: () => Promise<KubeApi>
  /** Cadre's address as the pods reach it (e.g. `http://cadre.cadre.svc:7878`). */
  cadreUrl?: string
  /** Derives each task's git token. */
  accessToken: string
  /** With network off, where Cadre is for the pods' network policy: a CIDR, or pod labels `k=v,k=v`. */
  cadrePeer?: string
  /** Where this server keeps its marks of the pods it made (one folder per task). */
  root: string
  /** How long a pod may be up waiting to start (image pull, scheduling). */
  startTimeoutMs?: number
}

const defaultDeadlineHours = 24

/** A network policy peer from `10.0.0.5/32` (an address block) or `app=cadre,tier=api` (pod labels). */
export const parsePeer = (text: string): V1NetworkPolicyPeer => {
  if (/^[0-9a-f.:]+\/\d+$/i.test(text)) return { ipBlock: { cidr: text } }
  const labels = Object.fromEntries(
    text.split(',').map((pair) => {
      const [key, value] = pair.split('=')
      if (!key || value === undefined) {
        throw new CadreError(
          'bad_request',
          `CADRE_K8S_CADRE_PEER "${text}" is neither an address block (10.0.0.5/32) nor pod labels (app=cadre)`,
        )
      }
      return [key.trim(), value.trim()]
    }),
  )
  return { podSelector: { matchLabels: labels } }
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

const deleteIgnoringMissing = async (what: string, remove: () => Promise<unknown>) => {
  try {
    await remove()
  } catch (error) {
    if (statusOf(error) !== 404) throw kubeError(`delete ${what}`, error)
  }
}

/** A task's pod, secret and network policy deleted (those already gone are no matter). */
const removeTaskObjects = async (kube: KubeApi, name: string) => {
  const { namespace } = kube
  await deleteIgnoringMissing(`the pod ${name}`, () =>
    kube.core.deleteNamespacedPod({ name, namespace, gracePeriodSeconds: 0 }),
  )
  await deleteIgnoringMissing(`the secret ${name}`, () =>
    kube.core.deleteNamespacedSecret({ name, namespace }),
  )
  await deleteIgnoringMissing(`the network policy ${name}`, () =>
    kube.networking.deleteNamespacedNetworkPolicy({ name, namespace }),
  )
}

/** Why a pod will not come up, when it will not: its init container's failure (with its log), or the pod's. */
const failureOf = async (kube: KubeApi, pod: V1Pod): Promise<string | undefined> => {
  const init = pod.status?.initContainerStatuses?.find((status) => status.name === fetchContainer)
  const terminated = init?.state?.terminated
  if (terminated && terminated.exitCode !== 0) {
    const log = await kube.core
      .readNamespacedPodLog({
        name: pod.metadata!.name!,
        namespace: kube.namespace,
        container: fetchContainer,
      })
      .catch(() => '')
    return `fetching the repository from Cadre failed (exit ${terminated.exitCode}): ${String(log).trim().split('\n').slice(-5).join(' ') || terminated.reason}`
  }
  const waiting = [...(pod.status?.initContainerStatuses ?? []), ...(pod.status?.containerStatuses ?? [])]
    .map((status) => status.state?.waiting)
    .find(
      (state) =>
        state?.reason &&
        /ErrImage|ImagePullBackOff|CreateContainerConfigError|InvalidImageName/.test(state.reason),
    )
  if (waiting) return `${waiting.reason}: ${waiting.message ?? ''}`.trim()
  if (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')
    return `the pod ended (${pod.status.reason ?? pod.status.phase}${pod.status.message ? `: ${pod.status.message}` : ''})`
  return undefined
}

/**
 * Task workspaces in Kubernetes pods, one per task: the task's branch is made in the project's
 * repository, then its pod fetches it from Cadre's git endpoint (with the task's token, from a
 * Secret), and Cadre runs the agent's processes there through the exec API. The work comes back
 * the same way: `publish` pushes the branch and the task's refs to Cadre, which closing the
 * workspace does too. A pod that ended (its deadline, a lost node) is made again from them.
 */
export const createKubernetesSandboxes = (options: KubernetesSandboxesOptions): SandboxBackend => {
  const locate = ({ projectId, taskId }: { projectId: string; taskId: string }) =>
    join(options.root, projectId, taskId)

  const podOf = async (kube: KubeApi, name: string): Promise<V1Pod | undefined> => {
    try {
      return await kube.core.readNamespacedPod({ name, namespace: kube.namespace })
    } catch (error) {
      if (statusOf(error) === 404) return undefined
      throw kubeError(`read the pod ${name}`, error)
    }
  }
  const createIgnoringExisting = async (what: string, make: () => Promise<unknown>) => {
    try {
      await make()
    } catch (error) {
      if (statusOf(error) !== 409) throw kubeError(`create ${what}`, error)
    }
  }
  /** The task's branch in the project's repository, made from its base when there is none yet. */
  const ensureBranch = async (spec: WorkspaceSpec) => {
    if (!(await branchExists(spec.projectPath, spec.branch)))
      await openGit(spec.projectPath).raw(['branch', spec.branch, spec.baseBranch])
  }

  const waitRunning = async (kube: KubeApi, name: string): Promise<void> => {
    const deadline = Date.now() + (options.startTimeoutMs ?? 300_000)
    for (let wait = 50; ; wait = Math.min(wait * 2, 1000)) {
      const pod = await podOf(kube, name)
      if (!pod) throw new CadreError('unavailable', `the pod ${name} was deleted while it started`)
      if (pod.status?.phase === 'Running') return
      const failure = await failureOf(kube, pod)
      if (failure) throw new CadreError('unavailable', `the pod ${name} did not start: ${failure}`)
      if (Date.now() > deadline) {
        throw new CadreError(
          'unavailable',
          `the pod ${name} was not running after ${Math.round((options.startTimeoutMs ?? 300_000) / 1000)} s (${pod.status?.phase ?? 'no status'}${pod.status?.message ? `: ${pod.status.message}` : ''})`,
        )
      }
      await pause(wait)
    }
  }

  return {
    locate,
    async create(spec: WorkspaceSpec): Promise<Workspace> {
      if (!options.cadreUrl) {
        throw new CadreError(
          'unavailable',
          'kubernetes workspaces need the address pods reach this server at: set CADRE_K8S_CADRE_URL (e.g. http://cadre.cadre.svc:7878)',
        )
      }
      if (!spec.container?.image) {
        throw new CadreError(
          'bad_request',
          'a kubernetes sandbox needs an image (sandbox.image) with sh and git in it: pods cannot build one from the repository',
        )
      }
      if (spec.exposed && spec.exposed.length > 0) {
        throw new CadreError(
          'bad_request',
          "external agents cannot run in a kubernetes workspace yet: their programs are on Cadre's machine, not in the pod; use the built-in agent, or a docker or worktree sandbox",
        )
      }
      const kube = await options.kube()
      const name = podName(spec.taskId)
      const url = new URL(options.cadreUrl)
      const workspace: PodWorkspace = {
        taskId: spec.taskId,
        projectId: spec.projectId,
        namespace: kube.namespace,
        image: spec.container.image,
        branch: spec.branch,
        baseBranch: spec.baseBranch,
        gitUrl: new URL(gitHttpPath(spec.taskId), url).toString(),
        network: spec.network,
        ...(spec.container.memoryMb && { memoryMb: spec.container.memoryMb }),
        ...(spec.container.cpus && { cpus: spec.container.cpus }),
        deadlineSeconds: Math.round((spec.container.deadlineHours ?? defaultDeadlineHours) * 3600),
        secrets: spec.container.secrets ?? [],
        cadrePort: Number(url.port || (url.protocol === 'https:' ? 443 : 80)),
        ...(options.cadrePeer
          ? { cadrePeer: parsePeer(options.cadrePeer) }
          : /^[\d.]+$/.test(url.hostname) && { cadrePeer: { ipBlock: { cidr: `${url.hostname}/32` } } }),
      }
      if (spec.network === 'off' && !workspace.cadrePeer) {
        throw new CadreError(
          'bad_request',
          `with the network off, a pod may reach only Cadre, and ${url.hostname} is a name a network policy cannot use: set CADRE_K8S_CADRE_PEER to Cadre's address block (10.0.0.5/32) or pod labels (app=cadre)`,
        )
      }
      let pod = await podOf(kube, name)
      // One that ended (its deadline passed, its node was lost) is made again from the published work.
      if (pod && (pod.status?.phase === 'Failed' || pod.status?.phase === 'Succeeded')) {
        await removeTaskObjects(kube, name)
        pod = undefined
      }
      const created = !pod
      if (!pod) {
        await ensureBranch(spec)
        const { namespace } = kube
        await createIgnoringExisting(`the secret ${name}`, () =>
          kube.core.createNamespacedSecret({
            namespace,
            body: taskSecret(workspace, taskGitToken(options.accessToken, spec.taskId)),
          }),
        )
        await createIgnoringExisting(`the network policy ${name}`, () =>
          kube.networking.createNamespacedNetworkPolicy({ namespace, body: taskNetworkPolicy(workspace) }),
        )
        await createIgnoringExisting(`the pod ${name}`, () =>
          kube.core.createNamespacedPod({ namespace, body: taskPod(workspace) }),
        )
      }
      mkdirSync(locate(spec), { recursive: true })
      await waitRunning(kube, name)
      const target = { kube, pod: name, container: workspaceContainer }
      const sandbox = openPodSandbox({ ...target, root: podWorkspaceRoot })
      const publish = async () => {
        const result = await execInPod(
          {
            ...target,
            cwd: podWorkspaceRoot,
            env: {},
            mark: `publish-${spec.taskId.replace(/[^a-z0-9]/gi, '')}`,
          },
          { command: ['/bin/sh', '-c', publishScript], timeoutMs: 300_000 },
        )
        if (result.exitCode !== 0) {
          throw new CadreError(
            'unavailable',
            `the task's work could not be pushed back from the pod ${name}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
          )
        }
      }
      const close = async () => {
        await sandbox.close()
        await publish()
      }
      return {
        ...sandbox,
        publish,
        close,
        [Symbol.asyncDispose]: close,
        info: {
          kind: 'kubernetes',
          branch: spec.branch,
          isolation: 'container',
          created,
          stateDir: podStateDir,
        },
      }
    },
    async destroy(spec) {
      await removeTaskObjects(await options.kube(), podName(spec.taskId))
      rmSync(locate(spec), { recursive: true, force: true })
    },
  }
}

/**
 * Pods (and their secrets and policies) of tasks that no longer have a workspace: found by
 * Cadre's labels and removed. Run at start-up.
 */
export const removeOrphanPods = async (
  kube: KubeApi,
  hasWorkspace: (task: { taskId: string; projectId: string }) => Promise<boolean>,
): Promise<string[]> => {
  const pods = await kube.core.listNamespacedPod({
    namespace: kube.namespace,
    labelSelector: managedBySelector,
  })
  const removed: string[] = []
  for (const pod of pods.items) {
    const labels = pod.metadata?.labels ?? {}
    const task = { taskId: labels['cadre.task'] ?? '', projectId: labels['cadre.project'] ?? '' }
    if (await hasWorkspace(task)) continue
    await removeTaskObjects(kube, pod.metadata!.name!)
    removed.push(task.taskId)
  }
  return removed
}
