import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import fc from 'fast-check'
import { z } from 'zod'
import { GlobalSettings, ProjectSettings } from '../../src/core/settings.ts'
import { builtinProviders } from '../../src/models/provider-kinds.ts'
import { createIdPools, type IdPools } from './fuzz-id-pools.ts'
import { idFields } from './fuzz-request.ts'
import { type FieldValues, type JsonSchema, nastyString, shortNastyString } from './fuzz-schema-arbitrary.ts'
import { createGitRepo } from './git-repo.ts'
import type { TestServer } from './test-server.ts'

/** What the fuzz run starts from, and what it must leave as it found it. */
export interface FuzzGround extends AsyncDisposable {
  pools: IdPools
  /** Values for body fields whose valid values would reach outside the test, kept on this machine. */
  fields: FieldValues
  /** Request bodies whose documented schema is too loose to reach the handler's checks. */
  bodies: Record<string, JsonSchema>
  /** The sentinel's answers now; the fuzz never names it, so they must read back the same after. */
  sentinel(): Promise<string[]>
}

const settingsSchema = (schema: z.ZodObject) =>
  z.toJSONSchema(schema.partial(), { io: 'input', unrepresentable: 'any' }) as JsonSchema

/**
 * Seeds a test server with one of everything the API names by id (project, tasks, a worktree,
 * features, a build, a webhook and a delivery, connectors, a provider) for the fuzz to aim at,
 * and a sentinel project it must not touch.
 */
export const seedFuzzGround = async (t: TestServer, simulatorUrl: string): Promise<FuzzGround> => {
  // Webhooks deliver here, answered at once, so retries do not pile up.
  const receiver: Server = createServer((request, response) => {
    request.resume()
    response.writeHead(204).end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const hookUrl = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`

  const post = async (path: string, json: unknown, method = 'POST') => {
    const response = await t.api(path, { method, json })
    const text = await response.text()
    if (response.status >= 300) throw new Error(`seeding ${method} ${path}: ${response.status} ${text}`)
    return { text, body: JSON.parse(text || 'null') }
  }

  // The sentinel first, so none of its ids can enter the pools.
  const sentinelProject = (await post('/api/projects', { path: createGitRepo() })).body.id as string
  const sentinelTask = (
    await post('/api/tasks', { projectId: sentinelProject, prompt: 'keep me', start: false })
  ).body.id as string
  await post(`/api/tasks/${sentinelTask}/messages`, { text: 'and this' })
  const sentinelHook = (
    await post('/api/webhooks', { url: hookUrl, events: ['task.finished'], projectId: sentinelProject })
  ).body.webhook.id as string
  const sentinel = async () => {
    const read = async (path: string) => (await t.api(path)).text()
    const hooks = JSON.parse(await read('/api/webhooks')).webhooks as { id: string }[]
    return [
      await read(`/api/projects/${sentinelProject}`),
      await read(`/api/tasks/${sentinelTask}`),
      await read(`/api/tasks/${sentinelTask}/events`),
      JSON.stringify(hooks.find((hook) => hook.id === sentinelHook) ?? null),
    ]
  }
  const pools = createIdPools()
  for (const answer of await sentinel()) pools.exclude(answer)

  const learn = async (path: string, json: unknown, method = 'POST') => {
    const { text, body } = await post(path, json, method)
    pools.learn(text)
    return body
  }
  const repository = createGitRepo()
  const projectId = (await learn('/api/projects', { path: repository })).id as string
  const backlog = (await learn('/api/tasks', { projectId, prompt: 'backlog', start: false })).id as string
  const queued = (await learn('/api/tasks', { projectId, prompt: 'queued' })).id as string
  await learn(`/api/tasks/${backlog}/messages`, { text: 'more' })
  // Asking for its diff makes the task's worktree, so workspace routes have one to work on; a
  // change in it gives commit and merge something to do.
  pools.learn(await (await t.api(`/api/tasks/${backlog}/diff`)).text())
  const { workspace } = await (await t.api(`/api/tasks/${backlog}`)).json()
  writeFileSync(join(workspace.path, 'fuzz.txt'), 'a change\n')
  await learn(`/api/projects/${projectId}/features`, {
    features: [
      { name: 'first', steps: ['$ true'] },
      { name: 'second', dependsOn: ['first'] },
    ],
  })
  await learn(`/api/projects/${projectId}/spec`, { text: 'A small app.' }, 'PUT')
  await t
    .api(`/api/projects/${projectId}/build`, { method: 'POST', json: {} })
    .then(async (r) => pools.learn(await r.text()))
  await learn('/api/webhooks', { url: hookUrl, events: ['task.finished', 'task.needs_input'], projectId })
  await learn('/api/connectors', { name: 'fuzz-stdio', transport: 'stdio', command: 'true' })
  await learn('/api/connectors', { name: 'fuzz-http', transport: 'http', url: `${simulatorUrl}/mcp` })
  await learn(
    '/api/providers/fuzzprov',
    { baseUrl: `${simulatorUrl}/v1`, apiKey: 'fuzz-provider-key' },
    'PUT',
  )
  for (const provider of [...builtinProviders.map((each) => each.name), 'fuzzprov'])
    pools.add('provider', provider)
  // A finished task makes a delivery, as the scheduler's event would.
  t.bus.publish({
    type: 'task.status_changed',
    taskId: queued,
    projectId,
    seq: 99,
    at: new Date().toISOString(),
    data: { from: 'running', to: 'review', action: 'finish_with_changes', reason: 'seeded' },
  })
  for (const hook of JSON.parse(await (await t.api('/api/webhooks')).text()).webhooks as { id: string }[]) {
    await new Promise((resolve) => setTimeout(resolve, 100))
    pools.learn(await (await t.api(`/api/webhooks/${hook.id}/deliveries`)).text())
  }

  const scratch = mkdtempSync(join(tmpdir(), 'cadre-fuzz-'))
  mkdirSync(join(scratch, 'plain-folder'))
  writeFileSync(join(scratch, 'a-file'), 'not a repository\n')
  const loopbackUrl = fc.constantFrom(
    hookUrl,
    `${simulatorUrl}/v1`,
    simulatorUrl,
    'http://127.0.0.1:9/closed',
    'http://[::1]:9/',
    'http://user:pass@127.0.0.1:9/',
    'http://127.0.0.1:9/?key=abc',
    'file:///etc/passwd',
    'javascript:alert(1)',
    'http://',
    'not a url',
  )
  const agent = fc.oneof(
    { weight: 4, arbitrary: fc.constantFrom('builtin', 'claude-code', 'codex', 'gemini', 'opencode') },
    shortNastyString,
  )
  const harmlessCommand = fc.constantFrom('exit 3', 'false', 'echo fuzz', '/nonexistent/cadre-fuzz')
  const fields: FieldValues = {
    ...idFields,
    // Registering a path makes a repository there from a template: only inside the scratch folder.
    path: fc.oneof(
      fc.constantFrom(
        repository,
        join(scratch, 'plain-folder'),
        join(scratch, 'a-file'),
        '/nonexistent/x',
        'relative/path',
      ),
      fc.nat().map((n) => join(scratch, `new-${n}`)),
      nastyString.filter((text) => !text.trimStart().startsWith('/')),
    ),
    agent,
    agents: fc.array(agent, { minLength: 1, maxLength: 3 }),
    model: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom('anthropic:claude-haiku-4-5', 'openai:gpt-5-mini', 'fuzzprov:any'),
      },
      shortNastyString,
    ),
    url: loopbackUrl,
    baseUrl: fc.oneof(loopbackUrl, fc.constant(null)),
    // Started on this machine (connectors) or in a task's sandbox (previews, checks): ends at once.
    command: fc.constantFrom('/nonexistent/cadre-fuzz-tool', 'false', 'true'),
    devCommand: harmlessCommand,
    checkCommand: harmlessCommand,
    setupScript: harmlessCommand,
    steps: fc.array(
      fc.oneof(
        fc.constantFrom('$ true', '$ exit 1', 'looks right'),
        nastyString.filter((text) => !/^\s*(\$|browser:)/i.test(text)),
      ),
      { maxLength: 4 },
    ),
    // Containers and pods would reach a real engine or cluster: worktrees only.
    sandbox: fc.oneof(
      {
        weight: 4,
        arbitrary: fc.record(
          { kind: fc.constant('worktree'), network: fc.constantFrom('on', 'off') },
          { requiredKeys: [] },
        ),
      },
      nastyString,
    ),
    worktreeRoot: fc.constant(join(scratch, 'worktrees')),
  }
  const projectSettings = settingsSchema(ProjectSettings)
  return {
    pools,
    fields,
    bodies: {
      'PATCH /api/projects/{id}': {
        type: 'object',
        properties: { name: { type: 'string', minLength: 1, maxLength: 100 }, settings: projectSettings },
      },
      'PATCH /api/settings': settingsSchema(GlobalSettings),
    },
    sentinel,
    async [Symbol.asyncDispose]() {
      await new Promise((resolve) => receiver.close(resolve))
    },
  }
}
