import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'

describe('projects made from a template', () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  const place = () => join(mkdtempSync(join(tmpdir(), 'cadre-new-')), 'video')

  it('lists the templates, with the settings a project made from one starts with', async () => {
    const { templates } = await (await t.api('/api/templates')).json()
    expect(templates.map((template: { name: string }) => template.name)).toEqual(['vite-react', 'remotion'])
    expect(templates[1].settings).toMatchObject({ devCommand: 'npm run dev', setupScript: 'npm install' })
  })

  it('makes a new repository with the template in one first commit, and registers it', async () => {
    const path = place()
    const made = await t.api('/api/projects', { method: 'POST', json: { path, template: 'remotion' } })
    expect(made.status).toBe(201)
    const project = await made.json()
    expect(project).toMatchObject({
      name: 'video',
      settings: { baseBranch: 'main', devCommand: 'npm run dev' },
    })
    for (const file of [
      'package.json',
      'src/Root.tsx',
      'src/HelloWorld.tsx',
      'remotion.config.ts',
      '.gitignore',
    ])
      expect(existsSync(join(path, file)), file).toBe(true)
    const log = execFileSync('git', ['-C', path, 'log', '--format=%s %an'], { encoding: 'utf8' })
    expect(log).toBe("Start from Cadre's remotion template Cadre\n")
    expect(execFileSync('git', ['-C', path, 'status', '--porcelain'], { encoding: 'utf8' })).toBe('')
  })

  it('refuses a place that is taken, an unknown template, and a relative path, changing nothing', async () => {
    const taken = place()
    mkdirSync(taken)
    writeFileSync(join(taken, 'notes.txt'), 'mine\n')
    const cases: [unknown, RegExp][] = [
      [{ path: taken, template: 'vite-react' }, /already exists and is not an empty folder/],
      [{ path: place(), template: 'nextjs' }, /body\.template/],
      [{ path: 'relative/app', template: 'vite-react' }, /must be absolute/],
    ]
    for (const [json, message] of cases) {
      const refused = await t.api('/api/projects', { method: 'POST', json })
      expect(refused.status).toBe(400)
      expect((await refused.json()).error.message).toMatch(message)
    }
    expect(execFileSync('ls', ['-A', taken], { encoding: 'utf8' })).toBe('notes.txt\n')
  })
})
