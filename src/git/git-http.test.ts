import { execFile, execFileSync, spawnSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'
import { gitHttpPath, taskGitToken } from './git-http.ts'

/**
 * git as a pod runs it against Cadre: the task's token in a header, never prompting. Run apart from
 * this process, whose event loop serves the other end.
 */
const gitWith = (token: string, cwd: string, args: string[]) =>
  new Promise<{ status: number; stdout: string; stderr: string }>((resolve) => {
    execFile(
      'git',
      [
        '-c',
        `http.extraHeader=Authorization: Bearer ${token}`,
        '-c',
        'user.name=agent',
        '-c',
        'user.email=agent@example.com',
        ...args,
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, GIT_TERMINAL_PROMPT: '0' } },
      (error, stdout, stderr) => resolve({ status: error ? Number(error.code ?? 1) : 0, stdout, stderr }),
    )
  })

describe("Cadre's git endpoint for workspaces away from this machine", () => {
  let t: TestServer
  let repository: string
  let task: { id: string; branch: string }
  let other: { id: string; branch: string }
  let clone: string
  beforeAll(async () => {
    t = await startTestServer()
    const projectId = await t.addProject()
    repository = (await t.store.projects.get(projectId))!.path
    const create = async () =>
      (await t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'work' } })).json()
    task = await create()
    other = await create()
    // The other task has a checkpoint of its own, which this task must not see.
    const head = execFileSync('git', ['-C', repository, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
    execFileSync('git', ['-C', repository, 'update-ref', `refs/cadre/${other.id}/0`, head])
    clone = join(mkdtempSync(join(tmpdir(), 'cadre-git-http-')), 'clone')
  })
  afterAll(() => t[Symbol.asyncDispose]())

  const url = (taskId: string) => `${t.url}${gitHttpPath(taskId)}`
  const token = (taskId: string) => taskGitToken(t.token, taskId)

  it("clones the task's project with the task's token, and shows no other task's hidden refs", async () => {
    const cloned = await gitWith(token(task.id), tmpdir(), ['clone', '-q', url(task.id), clone])
    expect(cloned.stderr).toBe('')
    expect(cloned.status).toBe(0)
    expect(execFileSync('git', ['-C', clone, 'log', '--format=%s'], { encoding: 'utf8' })).toBe('init\n')
    const remote = await gitWith(token(task.id), clone, ['ls-remote', url(task.id)])
    expect(remote.stdout).toContain('refs/heads/main')
    expect(remote.stdout).not.toContain(other.id)
  })

  it('refuses a missing or wrong token, and a token of another task', async () => {
    for (const given of ['', 'nope', token(other.id)]) {
      const listed = await gitWith(given, tmpdir(), ['ls-remote', url(task.id)])
      expect(listed.status).not.toBe(0)
      expect(listed.stderr).toMatch(/401|Authentication failed|could not read Username/)
    }
  })

  it("takes a push of the task's branch and checkpoints, and refuses one to any other ref whole", async () => {
    writeFileSync(join(clone, 'work.txt'), 'done\n')
    await gitWith(token(task.id), clone, ['add', '-A'])
    expect((await gitWith(token(task.id), clone, ['commit', '-q', '-m', 'work'])).status).toBe(0)
    const pushed = await gitWith(token(task.id), clone, [
      'push',
      '-q',
      url(task.id),
      `HEAD:refs/heads/${task.branch}`,
      `HEAD:refs/cadre/${task.id}/1`,
    ])
    expect(pushed.stderr).toBe('')
    const work = execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
    const at = (ref: string) =>
      execFileSync('git', ['-C', repository, 'rev-parse', '--verify', '-q', ref], { encoding: 'utf8' }).trim()
    expect(at(`refs/heads/${task.branch}`)).toBe(work)
    expect(at(`refs/cadre/${task.id}/1`)).toBe(work)
    // Its archive ref (what discarding keeps) too; and pushing shows no other task's refs either.
    await gitWith(token(task.id), clone, ['push', '-q', url(task.id), `HEAD:refs/cadre/archive/${task.id}`])
    expect(at(`refs/cadre/archive/${task.id}`)).toBe(work)
    const advertised = await fetch(`${url(task.id)}/info/refs?service=git-receive-pack`, {
      headers: { authorization: `Bearer ${token(task.id)}` },
    })
    expect(await advertised.text()).not.toContain(other.id)

    const mainBefore = at('refs/heads/main')
    for (const ref of ['refs/heads/main', `refs/heads/${other.branch}`, `refs/cadre/${other.id}/1`]) {
      const refused = await gitWith(token(task.id), clone, ['push', '-q', url(task.id), `HEAD:${ref}`])
      expect(refused.status).not.toBe(0)
      expect(refused.stderr).toContain('403')
    }
    // One refused ref refuses the whole push: the task's own ref in it was not written either.
    await gitWith(token(task.id), clone, [
      'push',
      '-q',
      url(task.id),
      `HEAD:refs/cadre/${task.id}/2`,
      'HEAD:refs/heads/main',
    ])
    expect(at('refs/heads/main')).toBe(mainBefore)
    expect(
      spawnSync('git', ['-C', repository, 'rev-parse', '--verify', '-q', `refs/cadre/${task.id}/2`]).status,
    ).toBe(1)
  })

  it('takes a push whose pack is far larger than one piece of the request', async () => {
    // Four megabytes of noise git cannot compress: the pack arrives in many pieces.
    writeFileSync(join(clone, 'noise.bin'), randomBytes(4 * 1024 * 1024))
    await gitWith(token(task.id), clone, ['add', '-A'])
    await gitWith(token(task.id), clone, ['commit', '-q', '-m', 'noise'])
    const pushed = await gitWith(token(task.id), clone, [
      'push',
      '-q',
      url(task.id),
      `HEAD:refs/heads/${task.branch}`,
    ])
    expect(pushed.stderr).toBe('')
    expect(pushed.status).toBe(0)
    const work = execFileSync('git', ['-C', clone, 'rev-parse', 'HEAD'], { encoding: 'utf8' }).trim()
    expect(
      execFileSync('git', ['-C', repository, 'rev-parse', `refs/heads/${task.branch}`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(work)
    expect(
      execFileSync('git', ['-C', repository, 'cat-file', '-s', `${work}:noise.bin`], {
        encoding: 'utf8',
      }).trim(),
    ).toBe(String(4 * 1024 * 1024))
  })

  it('answers a client that does not speak the smart protocol, or names no repository, with a reason', async () => {
    const dumb = await fetch(`${url(task.id)}/info/refs`, {
      headers: { authorization: `Bearer ${token(task.id)}` },
    })
    expect(dumb.status).toBe(400)
    expect(await dumb.text()).toContain('smart protocol')
    const none = await fetch(`${t.url}/git/nothing-here`)
    expect(none.status).toBe(404)
    const missing = await fetch(`${url('t_missing')}/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Bearer ${token('t_missing')}` },
    })
    expect(missing.status).toBe(404)
  })

  it('ends a fetch or push whose body says gzip and is not, and serves on (regression: it hung, or ended the server)', async () => {
    for (const action of ['git-upload-pack', 'git-receive-pack']) {
      const answer = await fetch(`${url(task.id)}/${action}`, {
        method: 'POST',
        headers: {
          authorization: `Bearer ${token(task.id)}`,
          'content-type': `application/x-${action}-request`,
          'content-encoding': 'gzip',
        },
        body: '0032want 0000000000000000000000000000000000000000\n0000',
        signal: AbortSignal.timeout(10_000),
      })
        .then(async (response) => `${response.status} ${await response.text()}`)
        .catch((error: Error) => `ended: ${error.name}`)
      expect(answer, action).not.toMatch(/TimeoutError/)
    }
    const refs = await fetch(`${url(task.id)}/info/refs?service=git-upload-pack`, {
      headers: { authorization: `Bearer ${token(task.id)}` },
    })
    expect(refs.status).toBe(200)
  })
})
