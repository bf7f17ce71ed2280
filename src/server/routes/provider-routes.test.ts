import { afterEach, describe, expect, it } from 'vitest'
import { closedPortUrl, startAnsweringServer } from '../../../test/support/answering-server.ts'
import { startTestServer, type TestServer } from '../../../test/support/test-server.ts'

const plantedKey = 'sk-ant-api03-planted-0123456789abcdefghijkl'

describe('providers API', () => {
  let t: TestServer
  afterEach(async () => {
    await t[Symbol.asyncDispose]()
  })

  it('lists the built-in providers and says what each one lacks', async () => {
    t = await startTestServer('sqlite', { env: { OPENAI_API_KEY: 'sk-proj-from-the-environment-0000WXYZ' } })
    const { providers } = await (await t.api('/api/providers')).json()
    const byName = Object.fromEntries(providers.map((p: { name: string }) => [p.name, p]))
    expect(Object.keys(byName)).toEqual(
      expect.arrayContaining(['anthropic', 'openai', 'google', 'ollama', 'lmstudio', 'openrouter']),
    )
    expect(byName.anthropic).toMatchObject({
      kind: 'anthropic',
      ready: false,
      apiKey: null,
      baseUrl: 'https://api.anthropic.com/v1',
      baseUrlSource: 'default',
    })
    expect(byName.anthropic.problem).toBe(
      'no API key for provider anthropic: set ANTHROPIC_API_KEY, or store one with PUT /api/providers/anthropic {"apiKey": "…"}',
    )
    expect(byName.openai).toMatchObject({
      ready: true,
      apiKey: 'sk-proj-••••WXYZ',
      apiKeySource: 'environment',
    })
    expect(byName.ollama).toMatchObject({ ready: true, requiresKey: false })
  })

  it('stores a key sealed, shows it masked, and forgets it on delete', async () => {
    t = await startTestServer()
    const put = await t.api('/api/providers/anthropic', {
      method: 'PUT',
      json: { apiKey: plantedKey, baseUrl: 'http://127.0.0.1:9/' },
    })
    expect(put.status).toBe(200)
    const shown = await put.json()
    expect(shown).toMatchObject({
      apiKey: 'sk-ant-••••ijkl',
      apiKeySource: 'settings',
      baseUrl: 'http://127.0.0.1:9/v1',
      baseUrlSource: 'settings',
      ready: true,
    })
    const raw = JSON.stringify(await (await t.database.connect()).providers.list())
    expect(raw).not.toContain('planted')
    expect(raw).toMatch(/"sealedApiKey":"v1\./)

    const changed = await (
      await t.api('/api/providers/anthropic', { method: 'PUT', json: { baseUrl: null } })
    ).json()
    expect(changed).toMatchObject({ apiKey: 'sk-ant-••••ijkl', baseUrlSource: 'default' })
    expect((await t.providers.get('anthropic')).apiKey).toBe(plantedKey)

    expect((await t.api('/api/providers/anthropic', { method: 'DELETE' })).status).toBe(204)
    expect(await (await t.api('/api/providers/anthropic')).json()).toMatchObject({
      apiKey: null,
      ready: false,
    })
  })

  it('adds a provider under a new name for any OpenAI-compatible server', async () => {
    t = await startTestServer()
    const put = await t.api('/api/providers/my-vllm', {
      method: 'PUT',
      json: { baseUrl: 'http://gpu-box:8000/v1' },
    })
    expect(await put.json()).toMatchObject({
      name: 'my-vllm',
      kind: 'openai-compatible',
      builtin: false,
      ready: true,
    })
    expect((await t.api('/api/providers/my-vllm', { method: 'DELETE' })).status).toBe(204)
    expect((await t.api('/api/providers/my-vllm')).status).toBe(404)
  })

  it.each([
    [
      'a URL that is not http',
      'anthropic',
      { baseUrl: 'ftp://x' },
      'baseUrl: must be an http:// or https:// URL',
    ],
    ['not a URL', 'anthropic', { baseUrl: 'not a url' }, 'baseUrl: must be an http:// or https:// URL'],
    [
      'a key with a line break',
      'anthropic',
      { apiKey: 'sk-a\nb' },
      'apiKey: must not contain spaces or line breaks',
    ],
    ['an empty key', 'anthropic', { apiKey: ' ' }, 'apiKey: must not be empty (null removes the stored key)'],
    ['an unknown field', 'anthropic', { key: 'x' }, 'Unrecognized key: "key"'],
    [
      'another kind for a built-in',
      'anthropic',
      { kind: 'google' },
      'kind: anthropic is a built-in anthropic provider',
    ],
    [
      'a new provider without a URL',
      'mine',
      { apiKey: 'sk-some-key-1234' },
      'baseUrl: the provider mine is not built in',
    ],
    ['a bad name', 'Bad_Name', { baseUrl: 'http://x' }, 'name: a provider name is lower-case letters'],
    [
      'a URL with a password',
      'mine',
      { baseUrl: 'https://bob:pw@host/v1' },
      'baseUrl: must not carry credentials',
    ],
    [
      'a URL with a key parameter',
      'google',
      { baseUrl: 'https://host/v1beta?key=AIza0' },
      'baseUrl: must not carry credentials',
    ],
  ])('refuses %s with a 400 naming the field, storing nothing', async (_case, name, body, message) => {
    t = await startTestServer()
    const response = await t.api(`/api/providers/${name}`, { method: 'PUT', json: body })
    expect(response.status).toBe(400)
    expect((await response.json()).error.message).toContain(message)
    expect(await t.store.providers.list()).toEqual([])
  })

  it('checks a provider and says exactly what failed', async () => {
    t = await startTestServer()
    const check = async (name: string) =>
      (await t.api(`/api/providers/${name}/check`, { method: 'POST' })).json()

    expect(await check('anthropic')).toMatchObject({ ok: false, problem: 'no_key' })

    const closed = await closedPortUrl()
    await t.api('/api/providers/anthropic', { method: 'PUT', json: { apiKey: plantedKey, baseUrl: closed } })
    const unreachable = await check('anthropic')
    expect(unreachable).toMatchObject({ ok: false, problem: 'unreachable' })
    expect(unreachable.message).toBe(
      `cannot reach ${closed}/v1/models: connection refused (is the server running?)`,
    )

    await using refusing = await startAnsweringServer(401, {
      type: 'error',
      error: { type: 'authentication_error', message: 'invalid x-api-key' },
    })
    await t.api('/api/providers/anthropic', { method: 'PUT', json: { baseUrl: refusing.url } })
    expect(await check('anthropic')).toMatchObject({
      ok: false,
      problem: 'unauthorized',
      message: `${refusing.url}/v1/models refused the API key (401: invalid x-api-key)`,
    })

    await using notAList = await startAnsweringServer(200, { hello: 'world' })
    await t.api('/api/providers/anthropic', { method: 'PUT', json: { baseUrl: notAList.url } })
    expect(await check('anthropic')).toMatchObject({ ok: false, problem: 'bad_response' })

    refusing.answer(403, { error: { message: 'this key cannot list models' } })
    await t.api('/api/providers/anthropic', {
      method: 'PUT',
      json: { baseUrl: `${refusing.url}/proxy?region=eu` },
    })
    expect(await check('anthropic')).toMatchObject({
      ok: false,
      problem: 'forbidden',
      message: `${refusing.url}/proxy/v1/models?region=eu refused to list models (403: this key cannot list models): the key is wrong or lacks that permission`,
    })

    expect((await t.api('/api/providers/nope/check', { method: 'POST' })).status).toBe(404)
  })

  it('refuses a queued built-in task whose model cannot be used, saying what to set', async () => {
    t = await startTestServer()
    const projectId = await t.addProject()
    const create = (model: string) =>
      t.api('/api/tasks', { method: 'POST', json: { projectId, prompt: 'p', model } })

    const noKey = await create('anthropic:claude-sonnet-4-5')
    expect(noKey.status).toBe(400)
    expect((await noKey.json()).error.message).toBe(
      'model anthropic:claude-sonnet-4-5 cannot be used: no API key for provider anthropic: set ANTHROPIC_API_KEY, or store one with PUT /api/providers/anthropic {"apiKey": "…"}',
    )
    const unknown = await create('nowhere:model')
    expect((await unknown.json()).error.message).toContain('Cadre knows no provider "nowhere"')
    const bare = await create('some-model')
    expect((await bare.json()).error.message).toContain('is not written as provider:model')

    await t.api('/api/providers/ollama', { method: 'PUT', json: { baseUrl: await closedPortUrl() } })
    const unreachable = await create('ollama:qwen3-coder')
    expect(unreachable.status).toBe(400)
    expect((await unreachable.json()).error.message).toContain('cannot reach')
    expect(await (await t.api('/api/tasks')).json()).toMatchObject({ tasks: [] })

    // A failure is not remembered: once the endpoint answers, the same model is accepted at once.
    await using flaky = await startAnsweringServer(503, { error: { message: 'loading model' } })
    await t.api('/api/providers/ollama', { method: 'PUT', json: { baseUrl: flaky.url } })
    flaky.answer(401, { error: { message: 'no such key' } })
    expect((await create('ollama:qwen3-coder')).status).toBe(400)
    flaky.answer(200, { data: [{ id: 'qwen3-coder' }] })
    expect((await create('ollama:qwen3-coder')).status).toBe(201)

    // In the backlog nothing runs yet, so nothing is checked.
    const backlog = await t.api('/api/tasks', {
      method: 'POST',
      json: { projectId, prompt: 'p', model: 'anthropic:claude-sonnet-4-5', start: false },
    })
    expect(backlog.status).toBe(201)
    const start = await t.api(`/api/tasks/${(await backlog.json()).id}/start`, { method: 'POST' })
    expect(start.status).toBe(400)
    expect((await start.json()).error.message).toContain('no API key for provider anthropic')
  })
})
