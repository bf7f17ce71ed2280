import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startFakeKubernetes } from '../../../test/support/fake-kubernetes.ts'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'
import { findSandboxes } from '../../sandbox/find-sandboxes.ts'

describe('GET /api/sandboxes', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  it('says which workspace backends this machine can run, and why not', async () => {
    const { sandboxes } = await (await t.api('/api/sandboxes')).json()
    expect(sandboxes).toEqual([
      { kind: 'worktree', usable: true, detail: expect.stringContaining('bubblewrap') },
      // The tests' Docker engine answers here (.ci/run starts it).
      { kind: 'docker', usable: true, detail: expect.stringMatching(/\(API 1\.\d+\)/) },
      {
        kind: 'kubernetes',
        usable: false,
        detail: expect.stringContaining('no Kubernetes cluster is configured'),
      },
    ])
  })
})

describe('the Kubernetes backend, as GET /api/sandboxes and cadre doctor report it', () => {
  it('is usable when the cluster answers and pods know where Cadre is; says what is missing otherwise', async () => {
    await using cluster = await startFakeKubernetes()
    const kubernetes = async (config: Parameters<typeof findSandboxes>[0]) =>
      (await findSandboxes(config)).find((sandbox) => sandbox.kind === 'kubernetes')
    expect(
      await kubernetes({ kubeconfig: cluster.kubeconfig, cadreUrl: 'http://cadre.cadre.svc:7878' }),
    ).toEqual({
      kind: 'kubernetes',
      usable: true,
      detail: `cluster ${cluster.url}, namespace cadre-test; pods reach Cadre at http://cadre.cadre.svc:7878`,
    })
    expect(await kubernetes({ kubeconfig: cluster.kubeconfig })).toMatchObject({
      usable: false,
      detail: expect.stringContaining('set CADRE_K8S_CADRE_URL'),
    })
    await cluster[Symbol.asyncDispose]()
    expect(await kubernetes({ kubeconfig: cluster.kubeconfig })).toMatchObject({
      usable: false,
      detail: expect.stringContaining('cannot read the Kubernetes configuration'),
    })
  })
})
