import { randomBytes } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { launcher, readServerUrl, runCli, spawnCli, systemNode, waitFor } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'
import type { TestResponse } from '../support/test-server.ts'

// Secrets with no recognisable shape: only knowing them lets Cadre redact them.
const shapeless = () => `Zq${randomBytes(18).toString('base64url')}`
const environmentKey = shapeless()
const providerKey = shapeless()
const shapedKey = `sk-ant-api03-${randomBytes(24).toString('hex')}`

describe('secrets, end to end through a real server', () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-secrets-'))
  const masterKey = randomBytes(32).toString('base64')
  const env = {
    CADRE_HOME: home,
    CADRE_PORT: '0',
    CADRE_TOKEN: '',
    CADRE_URL: '',
    CADRE_LOG_LEVEL: 'debug',
    CADRE_SECRET_KEY: masterKey,
    MY_SERVICE_TOKEN: environmentKey,
  }
  let server: ReturnType<typeof spawnCli>
  let url: string
  let token: string
  const api = (path: string, init: RequestInit = {}): Promise<TestResponse> =>
    fetch(`${url}${path}`, {
      ...init,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    })

  beforeAll(async () => {
    server = spawnCli(['serve'], env)
    url = await waitFor(() => readServerUrl(home), 'the server to write server.json')
    token = readFileSync(join(home, 'token'), 'utf8').trim()
  })
  afterAll(() => {
    server.child.kill('SIGKILL')
  })

  it('keeps a stored key out of events, logs, answers and the database file', async () => {
    const set = await runCli(
      ['provider', 'set', 'openai', '--api-key-stdin'],
      env,
      systemNode(),
      launcher,
      `${providerKey}\n`,
    )
    expect(set).toMatchObject({ code: 0, stdout: 'openai: ready\n' })

    const planted = `env ${environmentKey} provider ${providerKey} shaped ${shapedKey}`
    const project = await (
      await api('/api/projects', { method: 'POST', body: JSON.stringify({ path: createGitRepo() }) })
    ).json()
    const task = await (
      await api('/api/tasks', {
        method: 'POST',
        body: JSON.stringify({ projectId: project.id, prompt: planted, start: false }),
      })
    ).json()
    await api(`/api/tasks/${task.id}/messages`, {
      method: 'POST',
      body: JSON.stringify({ text: `again: ${planted}` }),
    })

    const answers = [
      await (await api(`/api/tasks/${task.id}/events`)).text(),
      await (await api(`/api/tasks/${task.id}`)).text(),
      await (await api('/api/tasks')).text(),
      await (await api('/api/providers')).text(),
      await (await api('/api/providers/openai')).text(),
    ]
    expect(answers[0]).toContain('[redacted]')
    expect(JSON.parse(answers[4] ?? '{}')).toMatchObject({
      apiKey: `••••${providerKey.slice(-4)}`,
      apiKeySource: 'settings',
    })

    const logs = await runCli(['task', 'logs', task.id], env)
    const database = readdirSync(home)
      .filter((file) => file.startsWith('cadre.db'))
      .map((file) => readFileSync(join(home, file)).toString('latin1'))
      .join('')
    for (const secret of [environmentKey, providerKey, shapedKey]) {
      for (const answer of answers) expect(answer).not.toContain(secret)
      expect(logs.stdout).not.toContain(secret)
      expect(database).not.toContain(secret)
      expect(server.output.stdout + server.output.stderr).not.toContain(secret)
    }
  })

  it('refuses to start with another master key, naming both key ids, and starts again with the right one', async () => {
    server.child.kill('SIGTERM')
    await server.exited
    const wrong = await runCli(['serve'], { ...env, CADRE_SECRET_KEY: randomBytes(32).toString('hex') })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr).toMatch(
      /^cadre: the stored API key of provider openai was encrypted with another master key \(key id [0-9a-f]{8}; the current key's id is [0-9a-f]{8}\)/,
    )
    server = spawnCli(['serve'], env)
    url = await waitFor(() => readServerUrl(home), 'the server to start again')
    const shown = await (await api('/api/providers/openai')).json()
    expect(shown).toMatchObject({ ready: true, apiKeySource: 'settings' })
  })
})
