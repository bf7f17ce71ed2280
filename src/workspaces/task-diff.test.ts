import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'
import { DiffQuery } from './task-diff.ts'

describe("a task's diff of one file", () => {
  let t: TestServer
  let taskId: string
  beforeAll(async () => {
    t = await startTestServer()
    const projectId = await t.addProject()
    taskId = (
      await (
        await t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'x', start: false } })
      ).json()
    ).id
  })
  afterAll(() => t[Symbol.asyncDispose]())

  it('takes a path inside the workspace only', () => {
    expect(DiffQuery.safeParse({ path: 'src/app.ts' }).success).toBe(true)
    for (const path of ['/etc/passwd', '../other/file', 'a/../../b', 'a\0b']) {
      expect(DiffQuery.safeParse({ path }).success, path).toBe(false)
    }
  })

  it('refuses a path outside as a bad request, and reads pathspec magic as a name (regression: both were 500s)', async () => {
    const outside = await t.api(`/api/tasks/${taskId}/diff?path=${encodeURIComponent('/tmp/elsewhere')}`)
    expect(outside.status).toBe(400)
    expect((await outside.json()).error.message).toMatch(/query\.path: must be a path inside the workspace/)
    const magic = await t.api(`/api/tasks/${taskId}/diff?path=${encodeURIComponent(':(nonsense)x')}`)
    expect(magic.status).toBe(200)
    expect((await magic.json()).files).toEqual([])
  })
})
