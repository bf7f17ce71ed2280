import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestServer, type TestServer } from '../../test/support/test-server.ts'

describe("a task's workspace opened for a person's request", () => {
  let t: TestServer
  beforeAll(async () => {
    t = await startTestServer()
  })
  afterAll(() => t[Symbol.asyncDispose]())

  it('says when the base branch is not there, whatever the request (regression: git failed, a 500)', async () => {
    const projectId = await t.addProject()
    const task = await (
      await t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'x', start: false } })
    ).json()
    expect((await t.api(`/api/tasks/${task.id}/diff`)).status).toBe(200)
    // The project's base changed to a branch that does not exist, after the worktree was made.
    await t.api(`/api/projects/${projectId}`, { method: 'PATCH', json: { settings: { baseBranch: 'gone' } } })
    for (const [method, path] of [
      ['GET', 'diff'],
      ['POST', 'commit'],
      ['POST', 'merge'],
    ] as const) {
      const answer = await t.api(`/api/tasks/${task.id}/${path}`, {
        method,
        json: method === 'POST' ? {} : undefined,
      })
      expect(answer.status, path).toBe(400)
      expect((await answer.json()).error.message).toMatch(
        /the base branch "gone" of task tsk_\w+ does not exist/,
      )
    }
  })
})
