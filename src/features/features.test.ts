import { execFileSync } from 'node:child_process'
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'
import type { CadreEvent } from '../core/events/registry.ts'

describe("a project's feature list and spec", () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  const add = (projectId: string, features: unknown[]) =>
    t.api(`/api/projects/${projectId}/features`, { method: 'POST', json: { features } })
  const errorOf = async (response: Response) =>
    ((await response.json()) as { error: { message: string } }).error.message

  it('takes features in bulk with dependencies by name, in order, and tells the project stream', async () => {
    const projectId = await t.addProject()
    const seen: CadreEvent[] = []
    const unsubscribe = t.bus.subscribe({ projectId }, (event) => seen.push(event))
    const made = await add(projectId, [
      { name: 'Sign in', category: 'auth', steps: ['open /login', 'sign in as demo'] },
      { name: 'Post a note', dependsOn: ['sign in'], description: 'a signed-in user writes a note' },
      { name: 'Share a note', dependsOn: ['Post a note', 'Sign in'] },
    ])
    expect(made.status).toBe(201)
    const { features } = await made.json()
    expect(
      features.map((f: { name: string; position: number; status: string }) => [f.name, f.position, f.status]),
    ).toEqual([
      ['Sign in', 0, 'pending'],
      ['Post a note', 1, 'pending'],
      ['Share a note', 2, 'pending'],
    ])
    expect(features[2].dependsOn).toEqual([features[1].id, features[0].id])
    expect(features[0]).toMatchObject({
      category: 'auth',
      steps: ['open /login', 'sign in as demo'],
      attempts: 0,
    })
    expect(seen.filter((event) => event.type === 'feature.updated')).toHaveLength(3)
    unsubscribe()

    // Later ones may depend on earlier ones by id; the list keeps growing at its end.
    const more = await (await add(projectId, [{ name: 'Delete a note', dependsOn: [features[1].id] }])).json()
    expect(more.features[0].position).toBe(3)

    // Reordered, skipped, edited.
    const reordered = await t.api(`/api/projects/${projectId}/features/reorder`, {
      method: 'POST',
      json: { ids: [more.features[0].id, features[2].id] },
    })
    expect((await reordered.json()).features.map((f: { name: string }) => f.name)).toEqual([
      'Delete a note',
      'Share a note',
      'Sign in',
      'Post a note',
    ])
    expect(
      (await (await t.api(`/api/features/${features[2].id}/skip`, { method: 'POST' })).json()).status,
    ).toBe('skipped')
    const edited = await t.api(`/api/features/${features[0].id}`, {
      method: 'PATCH',
      json: { description: 'with a password', status: 'needs_human', note: 'which identity provider?' },
    })
    expect(await edited.json()).toMatchObject({ status: 'needs_human', note: 'which identity provider?' })
  })

  it('refuses a dependency cycle, an unknown dependency and bad input, storing nothing', async () => {
    const projectId = await t.addProject()
    const cycle = await add(projectId, [
      { name: 'A', dependsOn: ['C'] },
      { name: 'B', dependsOn: ['A'] },
      { name: 'C', dependsOn: ['B'] },
    ])
    expect(cycle.status).toBe(400)
    expect(await errorOf(cycle)).toMatch(/go round in a circle: A → C → B → A/)
    const unknown = await add(projectId, [{ name: 'A', dependsOn: ['Nothing like it'] }])
    expect(unknown.status).toBe(400)
    expect(await errorOf(unknown)).toMatch(/depends on "Nothing like it"/)
    const nameless = await add(projectId, [{ description: 'no name' }])
    expect(nameless.status).toBe(400)
    expect(await errorOf(nameless)).toMatch(/body\.features\.0\.name/)
    const unreadable = await add(projectId, [{ name: 'A', steps: ['browser: open /; wiggle'] }])
    expect(unreadable.status).toBe(400)
    expect(await errorOf(unreadable)).toMatch(/cannot read the browser action "wiggle"/)
    expect((await (await t.api(`/api/projects/${projectId}/features`)).json()).features).toEqual([])

    // An edit that would close a circle is refused too.
    const { features } = await (await add(projectId, [{ name: 'A' }, { name: 'B', dependsOn: ['A'] }])).json()
    const closing = await t.api(`/api/features/${features[0].id}`, {
      method: 'PATCH',
      json: { dependsOn: ['B'] },
    })
    expect(closing.status).toBe(400)
    expect(await errorOf(closing)).toMatch(/A → B → A/)
    expect((await t.store.features.get(features[0].id))?.dependsOn).toEqual([])
    expect((await t.api('/api/projects/prj_none/features')).status).toBe(404)
    expect((await t.api('/api/features/ftr_none', { method: 'PATCH', json: {} })).status).toBe(404)
  })

  it('reads the spec from the repository, keeps one in Cadre over it, and starts a conversation to draft one', async () => {
    const projectId = await t.addProject()
    const project = (await t.store.projects.get(projectId))!
    expect(await (await t.api(`/api/projects/${projectId}/spec`)).json()).toEqual({
      text: '',
      source: 'none',
    })
    mkdirSync(join(project.path, '.cadre'))
    writeFileSync(join(project.path, '.cadre', 'spec.md'), '# Notes app\n')
    execFileSync('git', ['-C', project.path, 'add', '.'])
    execFileSync('git', [
      '-C',
      project.path,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@e',
      'commit',
      '-qm',
      'spec',
    ])
    expect(await (await t.api(`/api/projects/${projectId}/spec`)).json()).toEqual({
      text: '# Notes app\n',
      source: 'repository',
    })
    await t.api(`/api/projects/${projectId}/spec`, { method: 'PUT', json: { text: '# Notes app, v2\n' } })
    expect(await (await t.api(`/api/projects/${projectId}/spec`)).json()).toMatchObject({
      text: '# Notes app, v2\n',
      source: 'cadre',
    })
    const draft = await t.api(`/api/projects/${projectId}/spec/draft`, {
      method: 'POST',
      json: { idea: 'a place to keep notes, shared with my team' },
    })
    expect(draft.status).toBe(201)
    const task = await draft.json()
    expect(task).toMatchObject({ title: 'Write the spec', status: 'queued' })
    expect(task.prompt).toContain('a place to keep notes, shared with my team')
    expect(task.prompt).toContain('.cadre/spec.md')
  })
})
