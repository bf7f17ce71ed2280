import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launcher, nodeMajor, readServerUrl, runCli, spawnCli, systemNode, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'

describe('the cadre command, launched by the machine Node', () => {
  // A CADRE_HOME Cadre creates itself, to check the mode it gives it.
  const home = join(mkdtempSync(join(tmpdir(), 'cadre-home-')), 'home')
  // No worker: these tests follow tasks through the queue by hand.
  const env = { CADRE_HOME: home, CADRE_PORT: '0', CADRE_TOKEN: '', CADRE_URL: '', CADRE_WORKER: 'off' }
  let server: ReturnType<typeof spawnCli>
  let url: string

  beforeAll(async () => {
    server = spawnCli(['serve'], env)
    url = await waitFor(() => readServerUrl(home), 'the server to write server.json')
  })
  afterAll(async () => {
    server.child.kill('SIGKILL')
  })

  it('runs on the pinned Node 24 whatever Node started it', async () => {
    const version = JSON.parse(
      readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8'),
    ).version
    const result = await runCli(['--version'], env)
    expect(result).toMatchObject({ code: 0, stdout: `${version}\n` })
  })

  it('says clearly what is wrong when no Node 24 can be found', async () => {
    if (nodeMajor(systemNode()) >= 24) return // the machine Node is new enough: nothing to find
    const bare = mkdtempSync(join(tmpdir(), 'cadre-bare-'))
    mkdirSync(join(bare, 'bin'))
    copyFileSync(launcher, join(bare, 'bin', 'cadre.cjs'))
    const result = await runCli(
      ['--version'],
      { CADRE_NODE: '/nowhere/node' },
      systemNode(),
      join(bare, 'bin', 'cadre.cjs'),
    )
    expect(result.code).toBe(1)
    expect(result.stderr).toMatch(/Cadre needs Node\.js 24 or newer, and this is Node\.js v\d+/)
    expect(result.stderr).toMatch(/\/nowhere\/node: not found/)
    expect(result.stderr).toMatch(/Run "npm install"/)
  })

  it('serves health and keeps its token in a 0600 file', async () => {
    expect(await (await fetch(`${url}/api/health`)).json()).toMatchObject({ ok: true })
    expect(statSync(join(home, 'token')).mode & 0o777).toBe(0o600)
    expect(statSync(home).mode & 0o777).toBe(0o700)
    expect(server.output.stdout).toContain(`Cadre is running at ${url}/`)
    expect(server.output.stdout).not.toContain(readFileSync(join(home, 'token'), 'utf8').trim())
  })

  it('adds and lists projects, creates, lists, shows and follows tasks', async () => {
    const repo = createGitRepo('webshop')
    const added = await runCli(['project', 'add', repo], env)
    expect(added.stderr).toBe('')
    expect(added.stdout).toMatch(/^Added project prj_\w+ \(webshop\) at /)
    const again = await runCli(['project', 'add', repo], env)
    expect(again).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/^cadre: .* is already registered as project prj_/),
    })

    const projects = JSON.parse((await runCli(['project', 'list', '--json'], env)).stdout)
    expect(projects).toHaveLength(1)
    expect((await runCli(['project', 'list'], env)).stdout).toMatch(/ID\s+NAME\s+PATH\nprj_\w+\s+webshop/)

    const created = JSON.parse(
      (await runCli(['task', 'create', '--project', repo, 'Add a cart page\nwith totals', '--json'], env))
        .stdout,
    )
    expect(created).toMatchObject({ projectId: projects[0].id, status: 'queued', title: 'Add a cart page' })
    const backlog = await runCli(['task', 'create', '-p', projects[0].id, '--backlog', 'Later'], env)
    expect(backlog.stdout).toMatch(/^Created task tsk_\w+ \(backlog\): Later/)
    const backlogged = JSON.parse(
      (await runCli(['task', 'list', '--json', '--status', 'backlog'], env)).stdout,
    )
    expect(backlogged.map((t: { title: string }) => t.title)).toEqual(['Later'])

    const listed = JSON.parse((await runCli(['task', 'list', '--json', '--status', 'queued'], env)).stdout)
    expect(listed.map((t: { id: string }) => t.id)).toEqual([created.id])
    const shown = await runCli(['task', 'show', created.id], env)
    expect(shown.stdout).toMatch(/status\s+queued/)
    expect(shown.stdout).toContain('Add a cart page\nwith totals')

    const logs = await runCli(['task', 'logs', created.id], env)
    expect(
      logs.stdout
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/)[2]),
    ).toEqual(['task.created', 'thread.created', 'message.user'])

    const started = await runCli(['task', 'start', backlogged[0].id], env)
    expect(started.stdout).toMatch(/is queued\n$/)

    const follow = spawnCli(['task', 'logs', created.id, '-f', '--json'], env)
    await waitFor(
      () => (follow.output.stdout.split('\n').length > 3 ? true : undefined),
      'the replayed events',
    )
    const cancelled = await runCli(['task', 'cancel', created.id, '--reason', 'duplicate'], env)
    expect(cancelled.stdout).toBe(`Task ${created.id} is cancelled\n`)
    const sent = await runCli(['task', 'send', created.id, 'please retry'], env)
    expect(sent.stdout).toBe(`Sent as event #5; task ${created.id} is queued\n`)
    const live = await waitFor(
      () =>
        follow.output.stdout
          .split('\n')
          .filter((line) => line.includes('task.status_changed'))
          .at(1),
      'the live events',
    )
    expect(JSON.parse(live)).toMatchObject({ seq: 6, data: { from: 'cancelled', to: 'queued' } })
    expect(follow.output.stdout).toContain('"reason":"duplicate"')
    follow.child.kill('SIGINT')
    expect(await follow.exited).toBe(0)
  })

  it('reports an unknown task or project as one clear line', async () => {
    const missing = await runCli(['task', 'show', 'tsk_nope'], env)
    expect(missing).toMatchObject({ code: 1, stderr: 'cadre: task "tsk_nope" does not exist\n' })
    const unknownProject = await runCli(['task', 'create', '-p', 'prj_nope', 'x'], env)
    expect(unknownProject.stderr).toMatch(/^cadre: no project "prj_nope"/)
  })

  it('says when no server is running', async () => {
    const result = await runCli(['project', 'list'], { ...env, CADRE_URL: 'http://127.0.0.1:9' })
    expect(result).toMatchObject({
      code: 1,
      stderr: expect.stringMatching(/no Cadre server answers at http:\/\/127\.0\.0\.1:9/),
    })
  })

  it('shuts down cleanly on SIGTERM and forgets its address', async () => {
    server.child.kill('SIGTERM')
    expect(await server.exited).toBe(0)
    expect(existsSync(join(home, 'server.json'))).toBe(false)
  })
})
