import type { V1NetworkPolicy, V1NetworkPolicyPeer, V1Pod, V1Secret } from '@kubernetes/client-node'

/** Where the task's files are inside its pod, and its private state (an agent's home, config). */
export const podWorkspaceRoot = '/workspace'
export const podStateDir = '/cadre-state'
/** The pod's containers: `fetch` (init: the repository from Cadre), then `workspace`. */
export const fetchContainer = 'fetch'
export const workspaceContainer = 'workspace'

/** The name of a task's pod, secret and network policy (DNS-1123: `tsk_ab12` → `cadre-tsk-ab12`). */
export const podName = (taskId: string) => `cadre-${taskId.toLowerCase().replace(/[^a-z0-9-]/g, '-')}`

/** The labels on everything Cadre makes in the cluster: whose it is, for cleanup. */
export const ownerLabels = (taskId: string, projectId: string) => ({
  'app.kubernetes.io/managed-by': 'cadre',
  'cadre.task': taskId,
  'cadre.project': projectId,
})

export const managedBySelector = 'app.kubernetes.io/managed-by=cadre'

/** A task's pod workspace: where it comes from and what it may use. */
export interface PodWorkspace {
  taskId: string
  projectId: string
  namespace: string
  image: string
  branch: string
  baseBranch: string
  /** Cadre's git endpoint for the task, as the pod reaches it. */
  gitUrl: string
  network: 'on' | 'off'
  memoryMb?: number
  cpus?: number
  /** Wall time of the pod: Kubernetes ends it past this (`activeDeadlineSeconds`). */
  deadlineSeconds: number
  /** Kubernetes Secrets (in the namespace) whose keys become the workspace's environment. */
  secrets: readonly string[]
  /** With network off, where Cadre is (the only place the pod may reach, for git). */
  cadrePeer?: V1NetworkPolicyPeer
  /** Cadre's port as the pod reaches it, for the network policy. */
  cadrePort: number
}

const gitTokenKey = 'git-token'

/** The task's secret: its git token, given to its containers as CADRE_GIT_TOKEN. */
export const taskSecret = (workspace: PodWorkspace, gitToken: string): V1Secret => ({
  apiVersion: 'v1',
  kind: 'Secret',
  metadata: {
    name: podName(workspace.taskId),
    namespace: workspace.namespace,
    labels: ownerLabels(workspace.taskId, workspace.projectId),
  },
  type: 'Opaque',
  stringData: { [gitTokenKey]: gitToken },
})

/**
 * Who may talk to the pod: nobody from inside the cluster; and where it may go: anywhere with the
 * network on, else only Cadre (to fetch and push) and the cluster's DNS (to find Cadre by name).
 */
export const taskNetworkPolicy = (workspace: PodWorkspace): V1NetworkPolicy => ({
  apiVersion: 'networking.k8s.io/v1',
  kind: 'NetworkPolicy',
  metadata: {
    name: podName(workspace.taskId),
    namespace: workspace.namespace,
    labels: ownerLabels(workspace.taskId, workspace.projectId),
  },
  spec: {
    podSelector: { matchLabels: { 'cadre.task': workspace.taskId } },
    policyTypes: ['Ingress', 'Egress'],
    ingress: [],
    egress:
      workspace.network === 'on'
        ? [{}]
        : [
            ...(workspace.cadrePeer
              ? [{ to: [workspace.cadrePeer], ports: [{ protocol: 'TCP', port: workspace.cadrePort }] }]
              : []),
            {
              ports: [
                { protocol: 'UDP', port: 53 },
                { protocol: 'TCP', port: 53 },
              ],
            },
          ],
  },
})

/** The environment both containers get: where Cadre's git is, and the task's token (from its secret). */
const gitEnvironment = (workspace: PodWorkspace) => [
  { name: 'CADRE_GIT_URL', value: workspace.gitUrl },
  { name: 'CADRE_TASK', value: workspace.taskId },
  { name: 'CADRE_BRANCH', value: workspace.branch },
  { name: 'CADRE_BASE', value: workspace.baseBranch },
  {
    name: 'CADRE_GIT_TOKEN',
    valueFrom: { secretKeyRef: { name: podName(workspace.taskId), key: gitTokenKey } },
  },
]

/**
 * What the init container runs: the task's branch (made by Cadre from its base before the pod),
 * its checkpoints and its base fetched from Cadre; then, if the newest checkpoint was taken on the
 * branch's head, its files put back, so a pod that was lost loses nothing taken since.
 */
const fetchScript = `set -eu
cd ${podWorkspaceRoot}
auth() { git -c "http.extraHeader=Authorization: Bearer $CADRE_GIT_TOKEN" "$@"; }
git init -q .
git remote add origin "$CADRE_GIT_URL"
auth fetch -q --no-tags origin "+refs/heads/$CADRE_BRANCH:refs/heads/$CADRE_BRANCH" "+refs/cadre/$CADRE_TASK/*:refs/cadre/$CADRE_TASK/*"
if [ "$CADRE_BASE" != HEAD ]; then auth fetch -q --no-tags origin "+refs/heads/$CADRE_BASE:refs/heads/$CADRE_BASE" || true; fi
git checkout -q "$CADRE_BRANCH"
latest=$(git for-each-ref --format='%(refname:lstrip=3)' "refs/cadre/$CADRE_TASK/" | sort -n | tail -n 1)
if [ -n "$latest" ] && [ "$(git rev-parse "refs/cadre/$CADRE_TASK/$latest^")" = "$(git rev-parse HEAD)" ]; then
  git restore --source="refs/cadre/$CADRE_TASK/$latest" --worktree -- .
fi`

/**
 * What Cadre runs in the workspace container to publish the task's work: its branch (at the
 * workspace's HEAD) and its refs (checkpoints, archive) pushed to the project over Cadre's git.
 */
export const publishScript = `set -eu
refs="+HEAD:refs/heads/$CADRE_BRANCH"
for ref in $(git for-each-ref --format='%(refname)' "refs/cadre/$CADRE_TASK/" "refs/cadre/archive/$CADRE_TASK"); do refs="$refs +$ref:$ref"; done
git -c core.hooksPath=/dev/null -c "http.extraHeader=Authorization: Bearer $CADRE_GIT_TOKEN" push -q origin $refs`

const resources = (workspace: PodWorkspace) => {
  const amounts = {
    ...(workspace.memoryMb && { memory: `${workspace.memoryMb}Mi` }),
    ...(workspace.cpus && { cpu: `${Math.round(workspace.cpus * 1000)}m` }),
  }
  return Object.keys(amounts).length > 0 ? { requests: amounts, limits: amounts } : {}
}

/** Both containers: no privilege to gain, no capabilities beyond what git and a toolchain need. */
const securityContext = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'], add: ['CHOWN', 'DAC_OVERRIDE', 'FOWNER', 'KILL', 'SETGID', 'SETUID'] },
}

/**
 * The task's pod: the init container fetches the task's work from Cadre into an emptyDir; the
 * workspace container holds it for Cadre's execs (it runs nothing of its own). It never restarts,
 * ends at its deadline, mounts no service account token and carries its owner's labels.
 */
export const taskPod = (workspace: PodWorkspace): V1Pod => {
  const volumeMounts = [
    { name: 'workspace', mountPath: podWorkspaceRoot },
    { name: 'state', mountPath: podStateDir },
  ]
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: podName(workspace.taskId),
      namespace: workspace.namespace,
      labels: ownerLabels(workspace.taskId, workspace.projectId),
    },
    spec: {
      restartPolicy: 'Never',
      activeDeadlineSeconds: workspace.deadlineSeconds,
      automountServiceAccountToken: false,
      enableServiceLinks: false,
      terminationGracePeriodSeconds: 5,
      securityContext: { seccompProfile: { type: 'RuntimeDefault' } },
      volumes: [
        { name: 'workspace', emptyDir: {} },
        { name: 'state', emptyDir: {} },
      ],
      initContainers: [
        {
          name: fetchContainer,
          image: workspace.image,
          command: ['/bin/sh', '-c', fetchScript],
          env: gitEnvironment(workspace),
          volumeMounts,
          resources: resources(workspace),
          securityContext,
        },
      ],
      containers: [
        {
          name: workspaceContainer,
          image: workspace.image,
          command: ['/bin/sh', '-c', 'trap "exit 0" TERM; while :; do sleep 3600 & wait $!; done'],
          workingDir: podWorkspaceRoot,
          env: gitEnvironment(workspace),
          envFrom: workspace.secrets.map((name) => ({ secretRef: { name } })),
          volumeMounts,
          resources: resources(workspace),
          securityContext,
        },
      ],
    },
  }
}
