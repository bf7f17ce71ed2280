import { afterAll, beforeAll } from 'vitest'
import { type FakeKubernetes, startFakeKubernetes } from '../../../test/support/fake-kubernetes.ts'
import { describeSandboxContract } from '../sandbox.contract.ts'
import { connectKubernetes, type KubeApi } from './kube-api.ts'
import { openPodSandbox } from './pod-sandbox.ts'

let cluster: FakeKubernetes
let kube: KubeApi
beforeAll(async () => {
  cluster = await startFakeKubernetes()
  kube = await connectKubernetes({ kubeconfig: cluster.kubeconfig })
})
afterAll(() => cluster[Symbol.asyncDispose]())

let made = 0
/** A pod whose workspace volume is the directory itself (hostPath), so the suite can look at it from here. */
const podOver = async (directory: string) => {
  const name = `contract-${++made}`
  await kube.core.createNamespacedPod({
    namespace: kube.namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        volumes: [{ name: 'workspace', hostPath: { path: directory, type: 'Directory' } }],
        containers: [
          {
            name: 'workspace',
            image: 'busybox',
            command: ['/bin/sh', '-c', 'while :; do sleep 3600 & wait $!; done'],
            volumeMounts: [{ name: 'workspace', mountPath: directory }],
          },
        ],
      },
    },
  })
  while ((await kube.core.readNamespacedPod({ name, namespace: kube.namespace })).status?.phase !== 'Running')
    await new Promise((resolve) => setTimeout(resolve, 20))
  return openPodSandbox({ kube, pod: name, container: 'workspace', root: directory })
}

describeSandboxContract('a Kubernetes pod (through the exec API of a fake cluster)', podOver)
