import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { connect } from 'node:net'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { taskGitToken } from '../../src/git/git-http.ts'
import { podName } from '../../src/sandbox/kubernetes/pod-manifests.ts'
import { freePort } from '../../src/server/free-port.ts'
import { type FakeKubernetes, startFakeKubernetes } from '../support/fake-kubernetes.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

const git = (repo: string, args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' })

describe('a task in a Kubernetes pod: fetched from Cadre, worked on by the agent there, reviewed and merged here', () => {
  let cluster: FakeKubernetes
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  let port: number
  beforeAll(async () => {
    cluster = await startFakeKubernetes()
    port = await freePort()
    served = await serveWithSimulator(
      [
        {
          name: 'claude-sonnet-4-5',
          rules: [
            {
              when: { toolResult: 'none' },
              reply: [
                {
                  toolCall: {
                    tool: 'bash',
                    input: {
                      command:
                        'pwd > where.txt; test -d /cadre-state && echo has-state >> where.txt; cat where.txt',
                    },
                  },
                },
              ],
            },
            { reply: [{ text: 'Looked around.' }] },
          ],
        },
      ],
      {
        CADRE_PORT: String(port),
        CADRE_K8S_KUBECONFIG: cluster.kubeconfig,
        CADRE_K8S_CADRE_URL: `http://127.0.0.1:${port}`,
      },
    )
  }, 120_000)
  afterAll(async () => {
    await served?.close()
    await cluster?.[Symbol.asyncDispose]()
  })

  const runTask = async (projectId: string) => {
    const task = await (
      await served.api('/api/tasks', {
        projectId,
        prompt: 'where am I?',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    expect(await served.settled(task.id, ['review', 'done', 'failed'])).toMatchObject({
      status: 'review',
      statusReason: null,
    })
    return task as { id: string; branch: string }
  }

  it("runs the agent in the task's pod, brings its work back, and loses nothing when the pod is lost", async () => {
    const repo = createGitRepo()
    const project = await (await served.api('/api/projects', { path: repo })).json()
    const sandbox = { kind: 'kubernetes', image: 'toolchain:1', network: 'off', memoryMb: 512, cpus: 1 }
    expect((await served.api(`/api/projects/${project.id}`, { settings: { sandbox } }, 'PATCH')).status).toBe(
      200,
    )
    const task = await runTask(project.id)

    // What Cadre asked of the cluster: every body valid, everything named and labelled after the task.
    expect(cluster.invalid).toEqual([])
    const name = podName(task.id)
    const pod = cluster.pods.get(name)!
    expect(pod.metadata!.labels).toMatchObject({ 'cadre.task': task.id, 'cadre.project': project.id })
    expect(pod.spec!.containers[0]!.resources!.limits).toEqual({ memory: '512Mi', cpu: '1000m' })
    expect(cluster.networkPolicies.get(name)!.spec!.egress![0]).toEqual({
      to: [{ ipBlock: { cidr: '127.0.0.1/32' } }],
      ports: [{ protocol: 'TCP', port }],
    })
    // The pod holds the task's own git token, never the access token.
    const token = Buffer.from(cluster.secrets.get(name)!.data!['git-token']!, 'base64').toString()
    expect(token).toBe(taskGitToken(served.token, task.id))
    expect(token).not.toBe(served.token)
    expect(cluster.requests.some((request) => request.startsWith('EXEC '))).toBe(true)

    // The agent's command ran in the pod: its working directory is the pod's, with the state folder.
    const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
    expect(events.find((e: { type: string }) => e.type === 'workspace.ready').data).toMatchObject({
      kind: 'kubernetes',
      path: '/workspace',
      isolation: 'container',
    })
    const checkpoints = events.filter((e: { type: string }) => e.type === 'checkpoint.created')
    expect(checkpoints).toHaveLength(2)
    // Its checkpoints came back to the project's repository as the run went.
    expect(git(repo, ['show', `${checkpoints[1].data.commit}:where.txt`])).toBe('/workspace\nhas-state\n')

    // The pod is lost (its node went away): the next look at the task makes it again from what came
    // back, the work not yet committed included.
    cluster.fail(name, 'NodeLost')
    const diff = await (await served.api(`/api/tasks/${task.id}/diff`)).json()
    expect(diff.files.map((file: { path: string }) => file.path)).toEqual(['where.txt'])
    expect(cluster.pods.get(name)!.status!.phase).toBe('Running')

    expect((await served.api(`/api/tasks/${task.id}/merge`, {})).status).toBe(200)
    expect(git(repo, ['show', 'main:where.txt'])).toBe('/workspace\nhas-state\n')
    // The repository on this machine was never worked in: main's checkout is as it was.
    expect(git(repo, ['status', '--porcelain'])).toBe('')
  }, 90_000)

  it('removes the pod, its secret and its policy with the workspace, and orphans at start-up', async () => {
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const sandbox = { kind: 'kubernetes', image: 'toolchain:1' }
    await served.api(`/api/projects/${project.id}`, { settings: { sandbox } }, 'PATCH')
    const task = await runTask(project.id)
    const name = podName(task.id)
    expect(cluster.pods.has(name)).toBe(true)
    expect((await served.api(`/api/tasks/${task.id}/discard`, {})).status).toBe(200)
    expect([cluster.pods.has(name), cluster.secrets.has(name), cluster.networkPolicies.has(name)]).toEqual([
      false,
      false,
      false,
    ])

    // A pod of Cadre's whose task has no workspace here (Cadre stopped between removing one and the
    // other) goes at start-up.
    const orphan = await runTask(project.id)
    rmSync(join(served.home, 'pods', project.id, orphan.id), { recursive: true })
    const orphanPod = podName(orphan.id)
    await served.crashAndRestart()
    await expect
      .poll(() => [cluster.pods.has(orphanPod), cluster.secrets.has(orphanPod)], { timeout: 15_000 })
      .toEqual([false, false])
  }, 90_000)

  it("previews a dev server running in the task's pod, its network off: every byte through port-forward", async () => {
    const repo = createGitRepo()
    mkdirSync(join(repo, 'site'))
    writeFileSync(
      join(repo, 'site', 'index.html'),
      '<html><head></head><body><h1>Inside the pod</h1></body></html>',
    )
    // What an exec relay could not carry (its output is text): every byte value, and a megabyte of noise.
    const blob = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
      randomBytes(1 << 20),
    ])
    writeFileSync(join(repo, 'site', 'blob.bin'), blob)
    git(repo, ['add', 'site'])
    git(repo, ['-c', 'user.name=t', '-c', 'user.email=t@example.com', 'commit', '-q', '-m', 'site'])
    const project = await (await served.api('/api/projects', { path: repo })).json()
    const sandbox = { kind: 'kubernetes', image: 'toolchain:1', network: 'off' }
    // The fake's pods have this machine's /usr: busybox's httpd stands in for the image's dev server.
    const devCommand = 'exec busybox httpd -f -p "127.0.0.1:$PORT" -h site'
    await served.api(`/api/projects/${project.id}`, { settings: { sandbox, devCommand } }, 'PATCH')
    const task = await runTask(project.id)

    const started = await served.api(`/api/tasks/${task.id}/preview`, {})
    expect(started.status).toBe(200)
    const preview = await started.json()
    const signIn = await fetch(preview.url, { redirect: 'manual' })
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? ''
    expect(cookie).not.toBe('')
    const page = await fetch(`${preview.origin}/`, { headers: { cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<h1>Inside the pod</h1>')
    expect(html).toContain('<script') // the error reporter, injected as in any preview
    // Several at once, each over a port-forward of its own, the binary file byte for byte.
    const many = await Promise.all(
      Array.from({ length: 4 }, () => fetch(`${preview.origin}/blob.bin`, { headers: { cookie } })),
    )
    expect(many.map((answer) => answer.status)).toEqual([200, 200, 200, 200])
    for (const answer of many) expect(Buffer.from(await answer.arrayBuffer()).equals(blob)).toBe(true)
    const forwards = `PORTFORWARD /api/v1/namespaces/${cluster.namespace}/pods/${podName(task.id)}/portforward`
    expect(cluster.requests.filter((request) => request === forwards).length).toBeGreaterThanOrEqual(6)

    expect((await served.api(`/api/tasks/${task.id}/preview`, undefined, 'DELETE')).status).toBe(200)
    const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
    const { devPort } = events.find((e: { type: string }) => e.type === 'preview.started').data
    expect(events.find((e: { type: string }) => e.type === 'preview.stopped').data).toMatchObject({
      reason: 'stopped on request',
    })
    // The dev server in the pod is gone (fake pods share this machine's loopback), and so is the preview.
    const probe = connect(devPort, '127.0.0.1')
    const refused = await new Promise((resolve) => {
      probe.once('connect', () => resolve(false))
      probe.once('error', () => resolve(true))
    })
    probe.destroy()
    expect(refused).toBe(true)
    await expect(fetch(`${preview.origin}/`, { headers: { cookie } })).rejects.toThrow()
  }, 90_000)

  it('says what is wrong when a pod cannot be made', async () => {
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    await served.api(
      `/api/projects/${project.id}`,
      { settings: { sandbox: { kind: 'kubernetes' } } },
      'PATCH',
    )
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'x',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    const failed = await served.settled(task.id, ['failed', 'review'])
    expect(failed.statusReason).toMatch(/needs an image/)
  }, 60_000)
})
