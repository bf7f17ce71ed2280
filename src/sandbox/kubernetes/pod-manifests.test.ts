import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { Pod, Secret } from 'kubernetes-models/v1'
import { describe, expect, it } from 'vitest'
import { parsePeer } from './kubernetes-sandboxes.ts'
import { type PodWorkspace, podName, taskNetworkPolicy, taskPod, taskSecret } from './pod-manifests.ts'

const workspace = (over: Partial<PodWorkspace> = {}): PodWorkspace => ({
  taskId: 'tsk_mhw2k3x1a9f0c2k',
  projectId: 'prj_mhw2k3x1a9f0c2k',
  namespace: 'cadre',
  image: 'registry.example.com/team/toolchain:1.2',
  branch: 'cadre/fix-the-login-form-a9f0c2k1',
  baseBranch: 'main',
  gitUrl: 'http://cadre.cadre.svc:7878/git/tsk_mhw2k3x1a9f0c2k.git',
  network: 'off',
  deadlineSeconds: 86_400,
  secrets: [],
  cadrePort: 7878,
  cadrePeer: { podSelector: { matchLabels: { app: 'cadre' } } },
  ...over,
})

/** Throws with what the Kubernetes schema says is wrong. */
const valid = (model: { validate(): void }) => {
  model.validate()
  return true
}

describe("a task's pod, secret and network policy", () => {
  it('are valid Kubernetes objects for every kind of sandbox', () => {
    for (const over of [
      {},
      { network: 'on' as const, cadrePeer: undefined },
      { memoryMb: 2048, cpus: 1.5, secrets: ['npm-token', 'registry.auth'] },
      { cadrePeer: { ipBlock: { cidr: '10.0.0.5/32' } } },
    ]) {
      expect(valid(new Pod(taskPod(workspace(over)) as never))).toBe(true)
      expect(valid(new NetworkPolicy(taskNetworkPolicy(workspace(over)) as never))).toBe(true)
      expect(valid(new Secret(taskSecret(workspace(over), 'token') as never))).toBe(true)
    }
    // The schemas do catch a wrong object: the checks above could fail.
    const pod = taskPod(workspace())
    expect(() =>
      valid(new Pod({ ...pod, spec: { ...pod.spec, activeDeadlineSeconds: 'a day' } } as never)),
    ).toThrow(/activeDeadlineSeconds/)
  })

  it('name everything after the task in a form Kubernetes takes, and label it with its owners', () => {
    expect(podName('tsk_mhw2k3x1a9f0c2k')).toBe('cadre-tsk-mhw2k3x1a9f0c2k')
    const pod = taskPod(workspace())
    expect(pod.metadata).toMatchObject({
      name: 'cadre-tsk-mhw2k3x1a9f0c2k',
      namespace: 'cadre',
      labels: {
        'app.kubernetes.io/managed-by': 'cadre',
        'cadre.task': 'tsk_mhw2k3x1a9f0c2k',
        'cadre.project': 'prj_mhw2k3x1a9f0c2k',
      },
    })
  })

  it('hold the limits: resources, a deadline, no restarts, no service account token, no privilege', () => {
    const pod = taskPod(
      workspace({ memoryMb: 2048, cpus: 1.5, deadlineSeconds: 3600, secrets: ['npm-token'] }),
    )
    const [container] = pod.spec!.containers
    expect(container!.resources).toEqual({
      requests: { memory: '2048Mi', cpu: '1500m' },
      limits: { memory: '2048Mi', cpu: '1500m' },
    })
    expect(pod.spec).toMatchObject({
      restartPolicy: 'Never',
      activeDeadlineSeconds: 3600,
      automountServiceAccountToken: false,
    })
    expect(container!.securityContext).toMatchObject({
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
    })
    expect(container!.envFrom).toEqual([{ secretRef: { name: 'npm-token' } }])
    // The git token comes from the task's Secret, never as a value in the pod.
    expect(JSON.stringify(pod)).not.toContain('token-value')
    expect(container!.env).toContainEqual({
      name: 'CADRE_GIT_TOKEN',
      valueFrom: { secretKeyRef: { name: 'cadre-tsk-mhw2k3x1a9f0c2k', key: 'git-token' } },
    })
    expect(pod.spec!.initContainers![0]!.command!.join(' ')).toContain('fetch')
  })

  it('let nothing in, and with the network off let the pod reach only Cadre and DNS', () => {
    const off = taskNetworkPolicy(workspace())
    expect(off.spec).toMatchObject({
      podSelector: { matchLabels: { 'cadre.task': 'tsk_mhw2k3x1a9f0c2k' } },
      policyTypes: ['Ingress', 'Egress'],
      ingress: [],
      egress: [
        {
          to: [{ podSelector: { matchLabels: { app: 'cadre' } } }],
          ports: [{ protocol: 'TCP', port: 7878 }],
        },
        {
          ports: [
            { protocol: 'UDP', port: 53 },
            { protocol: 'TCP', port: 53 },
          ],
        },
      ],
    })
    expect(taskNetworkPolicy(workspace({ network: 'on' })).spec!.egress).toEqual([{}])
  })

  it("read Cadre's place for the policy as an address block or pod labels, and refuse anything else", () => {
    expect(parsePeer('10.0.0.5/32')).toEqual({ ipBlock: { cidr: '10.0.0.5/32' } })
    expect(parsePeer('app=cadre,tier=api')).toEqual({
      podSelector: { matchLabels: { app: 'cadre', tier: 'api' } },
    })
    expect(() => parsePeer('cadre.example.com')).toThrow(/neither an address block/)
  })
})
