import { execFileSync } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type Docker from 'dockerode'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { containerName } from '../../src/sandbox/docker-sandboxes.ts'
import { testDockerEngine, testImage } from '../support/docker-engine.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { serveWithSimulator } from '../support/serve-with-sim.ts'

// The built-in agent's commands: where they ran, then a reply.
const where = 'echo "$(tr "\\0" " " < /proc/1/cmdline)" > where.txt; hostname >> where.txt; cat where.txt'

describe('a task in a container: the agent works inside it, review works as with a worktree', () => {
  let docker: Docker
  let served: Awaited<ReturnType<typeof serveWithSimulator>>
  beforeAll(async () => {
    docker = await testDockerEngine()
    served = await serveWithSimulator([
      {
        name: 'claude-sonnet-4-5',
        rules: [
          {
            when: { lastUserMessage: { contains: 'built' }, toolResult: 'none' },
            reply: [{ toolCall: { tool: 'bash', input: { command: 'cat /built.txt > built.txt' } } }],
          },
          {
            when: { toolResult: 'none' },
            reply: [{ toolCall: { tool: 'bash', input: { command: where } } }],
          },
          { reply: [{ text: 'Looked around.' }] },
        ],
      },
    ])
  }, 120_000)
  afterAll(() => served?.close())

  it("runs the agent's commands in the task's container, and the diff and merge work", async () => {
    const repo = createGitRepo()
    const project = await (await served.api('/api/projects', { path: repo })).json()
    const sandbox = { kind: 'docker', image: testImage, network: 'off', memoryMb: 256, pids: 256 }
    await served.api(`/api/projects/${project.id}`, { settings: { sandbox } }, 'PATCH')
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'where am I?',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    const done = await served.settled(task.id, ['review', 'done', 'failed'])
    expect(done).toMatchObject({ status: 'review', statusReason: null })

    const container = await docker.getContainer(containerName(task.id)).inspect()
    expect(container.Config.Labels).toMatchObject({ 'cadre.task': task.id, 'cadre.project': project.id })
    expect(container.HostConfig).toMatchObject({
      NetworkMode: 'none',
      Memory: 256 * 1024 * 1024,
      PidsLimit: 256,
    })
    // Its process 1 was the container's init, its host name the container's: not this machine's.
    const worktree = await served.workspaceOf(task.id)
    const [init, hostname] = readFileSync(join(worktree, 'where.txt'), 'utf8').trim().split('\n')
    expect(init).toMatch(/docker-init/)
    expect(hostname).toBe(container.Config.Hostname)
    const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
    expect(events.find((e: { type: string }) => e.type === 'workspace.ready').data).toMatchObject({
      kind: 'docker',
      isolation: 'container',
    })
    // Checkpoints (git inside the container, on the repository mounted at its own path), diff, merge.
    expect(events.filter((e: { type: string }) => e.type === 'checkpoint.created').length).toBe(2)
    const diff = await (await served.api(`/api/tasks/${task.id}/diff`)).json()
    expect(diff.files.map((file: { path: string }) => file.path)).toEqual(['where.txt'])
    expect((await served.api(`/api/tasks/${task.id}/merge`, {})).status).toBe(200)
    expect(execFileSync('git', ['-C', repo, 'show', 'main:where.txt'], { encoding: 'utf8' })).toMatch(
      /docker-init/,
    )

    // Discarding the task removes its container; its branch stays.
    expect((await served.api(`/api/tasks/${task.id}/discard`, {})).status).toBe(200)
    await expect(docker.getContainer(containerName(task.id)).inspect()).rejects.toMatchObject({
      statusCode: 404,
    })
  }, 60_000)

  it("builds the project's image from the Dockerfile in its repository, once per change of it", async () => {
    const repo = createGitRepo()
    mkdirSync(join(repo, '.cadre'))
    writeFileSync(join(repo, '.cadre', 'Dockerfile'), `FROM ${testImage}\nRUN echo built-here > /built.txt\n`)
    execFileSync('git', ['-C', repo, 'add', '.'])
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'image'])
    const project = await (await served.api('/api/projects', { path: repo })).json()
    await served.api(
      `/api/projects/${project.id}`,
      { settings: { sandbox: { kind: 'docker', network: 'off' } } },
      'PATCH',
    )
    const runTask = async () => {
      const task = await (
        await served.api('/api/tasks', {
          projectId: project.id,
          prompt: 'what was built?',
          model: 'anthropic:claude-sonnet-4-5',
        })
      ).json()
      expect(await served.settled(task.id, ['review', 'done', 'failed'])).toMatchObject({ status: 'review' })
      expect(readFileSync(join(await served.workspaceOf(task.id), 'built.txt'), 'utf8')).toBe('built-here\n')
      return (await docker.getContainer(containerName(task.id)).inspect()).Config.Image
    }
    const first = await runTask()
    expect(first).toMatch(new RegExp(`^cadre-project-${project.id}:[0-9a-f]{12}$`))
    const built = (await docker.getImage(first).inspect()).Id
    // The second task finds the image made for the first: nothing built again.
    expect(await runTask()).toBe(first)
    expect((await docker.getImage(first).inspect()).Id).toBe(built)
  }, 90_000)

  it('runs one task in a container when it asks to, in a project whose tasks run in worktrees', async () => {
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'where am I?',
        model: 'anthropic:claude-sonnet-4-5',
        sandbox: { kind: 'docker', image: testImage, network: 'off' },
      })
    ).json()
    expect(task.sandbox).toEqual({ kind: 'docker', image: testImage, network: 'off' })
    expect(await served.settled(task.id, ['review', 'done', 'failed'])).toMatchObject({ status: 'review' })
    const { events } = await (await served.api(`/api/tasks/${task.id}/events`)).json()
    expect(events.find((e: { type: string }) => e.type === 'workspace.ready').data.kind).toBe('docker')
    const refused = await served.api('/api/tasks', {
      projectId: project.id,
      prompt: 'x',
      sandbox: { kind: 'docker', memoryMb: 1 },
    })
    expect(refused.status).toBe(400)
    expect((await refused.json()).error.message).toMatch(/sandbox\.memoryMb/)
  }, 60_000)

  it("removes at start-up a container whose task's workspace is gone", async () => {
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const sandbox = { kind: 'docker', image: testImage }
    await served.api(`/api/projects/${project.id}`, { settings: { sandbox } }, 'PATCH')
    const orphan = await docker.createContainer({
      name: `cadre-tsk_orphan${Date.now()}`,
      Image: testImage,
      Cmd: ['sleep', '60'],
      Labels: { 'cadre.task': 'tsk_orphan', 'cadre.project': project.id },
    })
    await served.crashAndRestart()
    await expect
      .poll(
        () =>
          orphan.inspect().then(
            () => 'there',
            () => 'removed',
          ),
        { timeout: 15_000 },
      )
      .toBe('removed')
  }, 60_000)

  it("previews a dev server running inside the task's container, its network off", async () => {
    const project = await (await served.api('/api/projects', { path: createGitRepo() })).json()
    const sandbox = { kind: 'docker', image: testImage, network: 'off' }
    const devCommand =
      'mkdir -p /tmp/site && echo "<html><body><h1>Inside the container</h1></body></html>" > /tmp/site/index.html && exec httpd -f -p "$PORT" -h /tmp/site'
    await served.api(`/api/projects/${project.id}`, { settings: { sandbox, devCommand } }, 'PATCH')
    const task = await (
      await served.api('/api/tasks', {
        projectId: project.id,
        prompt: 'look',
        model: 'anthropic:claude-sonnet-4-5',
      })
    ).json()
    await served.settled(task.id, ['review', 'done', 'failed'])
    const started = await served.api(`/api/tasks/${task.id}/preview`, {})
    expect(started.status).toBe(200)
    const preview = await started.json()
    // The token link sets the preview's cookie; the page then comes from the container, through Cadre.
    const signIn = await fetch(preview.url, { redirect: 'manual' })
    const cookie = signIn.headers.get('set-cookie')?.split(';')[0] ?? ''
    expect(cookie).not.toBe('')
    const page = await fetch(`${preview.origin}/`, { headers: { cookie } })
    expect(page.status).toBe(200)
    const html = await page.text()
    expect(html).toContain('<h1>Inside the container</h1>')
    expect(html).toContain('<script') // the error reporter, injected as in any preview
    // Several requests at once, each over its own connection into the container.
    const many = await Promise.all(
      Array.from({ length: 5 }, () => fetch(`${preview.origin}/index.html`, { headers: { cookie } })),
    )
    expect(many.map((answer) => answer.status)).toEqual([200, 200, 200, 200, 200])
    await Promise.all(many.map((answer) => answer.text()))
    expect((await served.api(`/api/tasks/${task.id}/preview`, undefined, 'DELETE')).status).toBe(200)
  }, 120_000)
})
