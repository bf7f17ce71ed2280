import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { createGitRepo } from '../../../test/support/git-repo.ts'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

describe('project routes', () => {
  let t: TestServer
  beforeEach(async () => {
    t = await startTestServer()
  })
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  const add = (body: unknown) => t.api('/api/projects', { method: 'POST', json: body })

  it('registers a repository at its top level with its branch as base branch', async () => {
    const repo = createGitRepo('shop')
    mkdirSync(join(repo, 'src'))
    const response = await add({ path: join(repo, 'src') })
    expect(response.status).toBe(201)
    const project = await response.json()
    expect(project).toMatchObject({
      name: 'shop',
      path: repo,
      settings: { baseBranch: 'main', defaultAgent: 'builtin' },
    })
    expect(await (await t.api(`/api/projects/${project.id}`)).json()).toEqual(project)
    expect(await (await t.api('/api/projects')).json()).toEqual({ projects: [project] })
  })

  it.each([
    [{}, 400, /body\.path/],
    [{ path: 'relative/dir' }, 400, /must be absolute/],
    [{ path: '/definitely/not/here' }, 400, /does not exist/],
  ])('refuses %j with %i', async (body, status, message) => {
    const response = await add(body)
    expect(response.status).toBe(status)
    expect((await response.json()).error.message).toMatch(message)
  })

  it('refuses a file, a folder that is not a repository, and a repository registered twice', async () => {
    const repo = createGitRepo()
    const file = join(repo, 'README')
    writeFileSync(file, 'hi')
    const notDir = await add({ path: file })
    expect(notDir.status).toBe(400)
    expect((await notDir.json()).error).toMatchObject({
      code: 'validation_failed',
      message: `${file} is not a directory`,
    })
    const plain = join(repo, '..', 'plain')
    mkdirSync(plain)
    const notRepo = await add({ path: plain })
    expect(notRepo.status).toBe(400)
    expect((await notRepo.json()).error.message).toMatch(/is not a git repository/)
    expect((await add({ path: repo })).status).toBe(201)
    const twice = await add({ path: repo })
    expect(twice.status).toBe(409)
    expect((await twice.json()).error.message).toMatch(/already registered/)
  })

  it('changes settings by patch, validating the result and keeping the rest', async () => {
    const project = await (await add({ path: createGitRepo() })).json()
    const url = `/api/projects/${project.id}`
    const patched = await t.api(url, {
      method: 'PATCH',
      json: { name: 'Renamed', settings: { checkCommand: 'npm test', sandbox: { network: 'off' } } },
    })
    expect(patched.status).toBe(200)
    const body = await patched.json()
    expect(body).toMatchObject({
      name: 'Renamed',
      settings: { checkCommand: 'npm test', baseBranch: 'main' },
    })
    expect(body.settings.sandbox).toEqual({ kind: 'worktree', network: 'off' })

    const bad = await t.api(url, { method: 'PATCH', json: { settings: { sandbox: { memoryMb: 'lots' } } } })
    expect(bad.status).toBe(400)
    expect((await bad.json()).error.message).toMatch(/settings\.sandbox\.memoryMb/)
    const unknown = await t.api(url, { method: 'PATCH', json: { settings: { colour: 'blue' } } })
    expect(unknown.status).toBe(400)
    expect((await unknown.json()).error.message).toMatch(/unknown setting "colour"/)

    const prototype = await t.api(url, {
      method: 'PATCH',
      body: '{"settings":{"__proto__":{"polluted":true}}}',
      headers: { 'content-type': 'application/json' },
    })
    // zod drops a top-level "__proto__" key while parsing; what matters is that nothing is polluted.
    expect(prototype.status).toBe(200)
    expect(({} as { polluted?: boolean }).polluted).toBeUndefined()
    const nested = await t.api(url, {
      method: 'PATCH',
      body: '{"settings":{"sandbox":{"__proto__":{"x":1}}}}',
      headers: { 'content-type': 'application/json' },
    })
    expect(nested.status).toBe(400)
    expect((await nested.json()).error.message).toMatch(/"__proto__" is not a setting/)

    const reset = await (
      await t.api(url, { method: 'PATCH', json: { settings: { checkCommand: null } } })
    ).json()
    expect(reset.settings.checkCommand).toBeUndefined()
    expect(reset.settings.sandbox.network).toBe('off')
  })

  it('deletes a project only when none of its tasks is queued or running', async () => {
    const project = await (await add({ path: createGitRepo() })).json()
    const task = await (
      await t.api('/api/tasks', { method: 'POST', json: { projectId: project.id, prompt: 'x' } })
    ).json()
    const busy = await t.api(`/api/projects/${project.id}`, { method: 'DELETE' })
    expect(busy.status).toBe(409)
    expect((await busy.json()).error.message).toMatch(task.id)
    await t.api(`/api/tasks/${task.id}/cancel`, { method: 'POST' })
    expect((await t.api(`/api/projects/${project.id}`, { method: 'DELETE' })).status).toBe(204)
    expect((await t.api(`/api/projects/${project.id}`)).status).toBe(404)
    expect((await t.api(`/api/tasks/${task.id}`)).status).toBe(404)
  })
})
