import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { readServerUrl, spawnCli, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { createTestDatabase, engines } from '../support/test-stores.ts'

describe.each(engines)('a server killed without warning, on %s', (engine) => {
  it('comes back with every project, task and event it had acknowledged', async () => {
    await using database = await createTestDatabase(engine)
    const home = mkdtempSync(join(tmpdir(), 'cadre-restart-'))
    const env = {
      CADRE_HOME: home,
      CADRE_PORT: '0',
      CADRE_WORKER: 'off', // the log is what this test follows, not a run
      ...(engine === 'postgres' && { DATABASE_URL: database.location }),
    }
    const start = async () => {
      rmSync(join(home, 'server.json'), { force: true })
      const server = spawnCli(['serve'], env)
      const url = await waitFor(() => readServerUrl(home), 'the server to start')
      const token = readFileSync(join(home, 'token'), 'utf8').trim()
      // biome-ignore lint/suspicious/noExplicitAny: responses are checked by the assertions
      const api = async (path: string, body?: unknown): Promise<any> => {
        const response = await fetch(`${url}${path}`, {
          method: body === undefined ? 'GET' : 'POST',
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
        return response.json()
      }
      return { server, api }
    }

    const first = await start()
    const project = await first.api('/api/projects', { path: createGitRepo() })
    const task = await first.api('/api/tasks', { projectId: project.id, prompt: 'survive' })
    for (let i = 0; i < 20; i++) await first.api(`/api/tasks/${task.id}/messages`, { text: `note ${i}` })
    await first.api(`/api/tasks/${task.id}/cancel`, {})
    const before = await first.api(`/api/tasks/${task.id}/events`)
    expect(before.lastSeq).toBe(24)
    // Kill the server process itself (not the launcher) the hardest way.
    const { pid } = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'))
    process.kill(pid, 'SIGKILL')
    await first.server.exited

    const second = await start()
    try {
      expect(await second.api(`/api/tasks/${task.id}/events`)).toEqual(before)
      expect(await second.api(`/api/tasks/${task.id}`)).toMatchObject({ status: 'cancelled', lastSeq: 24 })
      expect((await second.api('/api/projects')).projects).toEqual([project])
      // Appending goes on from the stored seq, with no gap and no reuse.
      const sent = await second.api(`/api/tasks/${task.id}/messages`, { text: 'after the crash' })
      expect(sent.event.seq).toBe(25)
    } finally {
      second.server.child.kill('SIGTERM')
      await second.server.exited
    }
  })
})

it('stops the server gracefully when its launcher is killed, leaving no orphan behind', async () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-orphan-'))
  const launched = spawnCli(['serve'], { CADRE_HOME: home, CADRE_PORT: '0' })
  await waitFor(() => readServerUrl(home), 'the server to start')
  const { pid } = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'))
  expect(pid).not.toBe(launched.child.pid)
  launched.child.kill('SIGKILL')
  const alive = () => {
    try {
      process.kill(pid, 0)
      return true
    } catch {
      return false
    }
  }
  await waitFor(() => (alive() ? undefined : true), 'the server process to exit')
  // It went through the graceful path, which removes its address file.
  expect(readServerUrl(home)).toBeUndefined()
})

it('shuts down gracefully on Ctrl-C, which reaches the launcher and the server alike', async () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-ctrl-c-'))
  const launched = spawnCli(['serve'], { CADRE_HOME: home, CADRE_PORT: '0' }, { ownProcessGroup: true })
  await waitFor(() => readServerUrl(home), 'the server to start')
  // What a terminal does on Ctrl-C: SIGINT to every process of the foreground group.
  process.kill(-launched.child.pid!, 'SIGINT')
  expect(await launched.exited).toBe(0)
  expect(launched.output.stdout).toMatch(/"msg":"stopped"/)
  expect(readServerUrl(home)).toBeUndefined()
})
