import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { type AddressInfo, createServer as createTcpServer } from 'node:net'
import { tmpdir } from 'node:os'
import { dirname, join, relative } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { buildToolsToken } from '../../src/builds/build-task-tools.ts'
import { taskGitToken } from '../../src/git/git-http.ts'
import { findBubblewrap } from '../../src/sandbox/bubblewrap.ts'
import { waitFor } from '../support/cli.ts'
import { type RawRequest, sendRaw } from '../support/fuzz-raw-request.ts'
import type { OpenApiDocument } from '../support/fuzz-request.ts'
import { createGitRepo } from '../support/git-repo.ts'
import { attacks, documentedOperations, type RealIds } from '../support/security-attacks.ts'
import {
  leakyScenario,
  plantedFile,
  plantSecrets,
  secretsToFind,
} from '../support/security-planted-secrets.ts'
import { type ServedCadre, serveCadre } from '../support/security-served-cadre.ts'
import { connectStream } from '../support/stream-client.ts'
import { startTestServer, type TestServer } from '../support/test-server.ts'

// What the server answers without a token, by design: liveness, whether a browser is signed in,
// readiness, the OAuth callback (admitted by the state it carries), and the UI's page (which holds nothing).
const publicOperations = [
  'GET /',
  'GET /api/connectors/oauth/callback',
  'GET /api/health',
  'GET /api/ready',
  'GET /api/session',
]

describe('security: every route, attacked without the right to it', () => {
  let t: TestServer
  let ids: RealIds
  let document: OpenApiDocument
  beforeAll(async () => {
    t = await startTestServer()
    const made = async (path: string, json: unknown) => (await t.api(path, { method: 'POST', json })).json()
    const project = await t.addProject()
    const task = await made('/api/tasks', { projectId: project, prompt: 'x', start: false })
    const { webhook } = await made('/api/webhooks', { url: 'http://127.0.0.1:9/', events: ['task.finished'] })
    const { features } = await made(`/api/projects/${project}/features`, { features: [{ name: 'f' }] })
    const build = await made(`/api/projects/${project}/build`, {})
    const connector = await made('/api/connectors', { name: 'c', transport: 'stdio', command: 'true' })
    ids = {
      project,
      task: task.id,
      webhook: webhook.id,
      feature: features[0].id,
      build: build.id ?? 'bld_000000000000000',
      connector: connector.id,
    }
    document = (await (await t.api('/api/openapi.json')).json()) as OpenApiDocument
  })
  afterAll(async () => {
    await t?.[Symbol.asyncDispose]()
  })

  const authorized = (method: string, path: string): RawRequest => ({
    method,
    path,
    headers: {
      authorization: `Bearer ${t.token}`,
      ...(method !== 'GET' && method !== 'DELETE' && { 'content-type': 'application/json' }),
    },
    ...(method !== 'GET' && method !== 'DELETE' && { body: '{}' }),
  })

  it('serves without a token exactly the routes the document marks public', async () => {
    const operations = documentedOperations(document, ids)
    expect(
      operations
        .filter((operation) => operation.public)
        .map((operation) => operation.name)
        .sort(),
    ).toEqual(publicOperations)
    const open: string[] = []
    for (const operation of operations) {
      if (operation.path === '/api/stream') continue
      const response = await sendRaw(t.server.port, { method: operation.method, path: operation.path })
      if (response.status !== 401) open.push(operation.name)
    }
    expect(open.sort()).toEqual(publicOperations)
  })

  it('refuses every documented route to every attack: a missing or wrong credential, a foreign Host or Origin', async () => {
    const operations = documentedOperations(document, ids).filter(
      (operation) => operation.path !== '/api/stream',
    )
    const wrong: string[] = []
    for (const operation of operations) {
      // The good request first: what is refused below is refused for the attack, not for itself.
      const good = await sendRaw(t.server.port, authorized(operation.method, operation.path))
      expect([401, 403], `${operation.name} with the token`).not.toContain(good.status)
      for (const attack of attacks) {
        if (operation.public && !attack.refusesPublic) continue
        const response = await sendRaw(
          t.server.port,
          attack.apply(authorized(operation.method, operation.path), t.server.port),
        )
        if (!attack.statuses.includes(response.status))
          wrong.push(`${operation.name} with ${attack.name}: ${response.status}`)
      }
    }
    expect(wrong).toEqual([])
  })

  it('refuses a wrong credential on the endpoints outside the document: MCP, build tools, git, the stream', async () => {
    const other = (
      await (
        await t.api('/api/tasks', {
          method: 'POST',
          json: { projectId: ids.project, prompt: 'y', start: false },
        })
      ).json()
    ).id
    const mcp = (path: string, token?: string, headers: Record<string, string> = {}): RawRequest => ({
      method: 'POST',
      path,
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        ...(token && { authorization: `Bearer ${token}` }),
        ...headers,
      },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/list' }),
    })
    const status = async (request: RawRequest) => (await sendRaw(t.server.port, request)).status
    expect(await status(mcp('/mcp'))).toBe(401)
    expect(await status(mcp('/mcp', 'wrong-token-0123456789'))).toBe(401)
    expect(await status(mcp('/mcp', t.token, { origin: 'https://evil.example' }))).toBe(403)
    expect(await status(mcp('/mcp', t.token))).toBe(200)
    // A build task's tools take that task's own token, and no other: not even the access token.
    const tools = `/mcp/tasks/${ids.task}`
    expect(await status(mcp(tools))).toBe(401)
    expect(await status(mcp(tools, t.token))).toBe(401)
    expect(await status(mcp(tools, buildToolsToken(t.token, other)))).toBe(401)
    expect(await status({ ...mcp(tools, buildToolsToken(t.token, ids.task)), host: 'evil.example' })).toBe(
      403,
    )

    // Git's endpoint serves pods, which reach Cadre by a name of their own: the task's token is the check.
    const refs = (taskId: string, token?: string): RawRequest => ({
      method: 'GET',
      path: `/git/${taskId}.git/info/refs?service=git-upload-pack`,
      headers: token ? { authorization: `Bearer ${token}` } : {},
    })
    expect(await status(refs(ids.task))).toBe(401)
    expect(await status(refs(ids.task, t.token))).toBe(401)
    expect(await status(refs(ids.task, taskGitToken(t.token, other)))).toBe(401)
    expect(
      await status({
        ...refs(ids.task),
        headers: { authorization: `Basic ${Buffer.from(`x:${t.token}`).toString('base64')}` },
      }),
    ).toBe(401)
    expect(await status(refs(ids.task, taskGitToken(t.token, ids.task)))).toBe(200)

    const upgrade = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const socket = new WebSocket(`${t.url.replace(/^http/, 'ws')}/api/stream`, { headers })
        socket.on('open', () => {
          socket.close()
          resolve(101)
        })
        socket.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
        socket.on('error', reject)
      })
    const bearer = { authorization: `Bearer ${t.token}` }
    expect(await upgrade({})).toBe(401)
    expect(await upgrade({ authorization: 'Bearer wrong-token-0123456789' })).toBe(401)
    expect(await upgrade({ cookie: 'cadre_session=forged' })).toBe(401)
    expect(await upgrade({ ...bearer, origin: 'https://evil.example' })).toBe(403)
    expect(await upgrade({ ...bearer, origin: 'null' })).toBe(403)
    expect(await upgrade({ ...bearer, host: `evil.example:${t.server.port}` })).toBe(403)
    expect(await upgrade(bearer)).toBe(101)
  })
})

describe('security: planted secrets and escapes, through a real server running an agent', () => {
  const secrets = plantSecrets()
  const outside = join(tmpdir(), `cadre-planted-${randomBytes(6).toString('hex')}.txt`)
  const home = mkdtempSync(join(tmpdir(), 'cadre-security-'))
  // The user's own home, with credentials in it: outside /tmp, which every sandbox has its own of.
  const userHome = mkdtempSync('/var/tmp/cadre-user-home-')
  const credentials = {
    'an SSH key': '.ssh/id_ed25519',
    'cloud credentials': '.aws/credentials',
    'a GitHub login': '.config/gh/hosts.yml',
    'a .netrc': '.netrc',
    'a place the settings hide': 'private/notes.txt',
  }
  let cadre: ServedCadre
  let leakyTask: string
  beforeAll(async () => {
    // GitHub's login kept elsewhere, its usual place an absolute link to it (as dotfile managers do).
    mkdirSync(join(userHome, 'dotfiles', 'gh'), { recursive: true })
    mkdirSync(join(userHome, '.config'))
    symlinkSync(join(userHome, 'dotfiles', 'gh'), join(userHome, '.config', 'gh'))
    for (const file of [...Object.values(credentials), 'projects/readme.txt']) {
      mkdirSync(dirname(join(userHome, file)), { recursive: true })
      writeFileSync(join(userHome, file), `PLANTED-CREDENTIAL ${file}\n`)
    }
    cadre = await serveCadre({
      home,
      token: secrets.accessToken,
      scenario: leakyScenario(secrets, outside),
      env: { MY_SERVICE_TOKEN: secrets.environment, HOME: userHome },
    })
    await cadre.api('/api/settings', { hiddenPaths: ['~/private'] }, 'PATCH')
  })
  afterAll(async () => {
    await cadre?.close()
    rmSync(userHome, { recursive: true, force: true })
  })

  it('keeps every planted secret out of events, the server log, the database and webhook payloads', async () => {
    const repository = createGitRepo()
    mkdirSync(join(repository, 'config'))
    writeFileSync(join(repository, 'config', '.env'), plantedFile(secrets))
    execFileSync('git', ['-C', repository, 'add', '-A'])
    execFileSync('git', [
      '-C',
      repository,
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@e',
      'commit',
      '-qm',
      'config',
    ])
    const project = (await cadre.api('/api/projects', { path: repository })).id
    // The stored key's command asks a person first: it is in an approval, and a needs_input webhook.
    await cadre.api(
      `/api/projects/${project}`,
      { settings: { policy: { rules: [{ tool: 'bash', pattern: 'echo stored *', action: 'ask' }] } } },
      'PATCH',
    )
    await cadre.api('/api/providers/openai', { apiKey: secrets.stored }, 'PUT')
    const elsewhere = (await cadre.api('/api/projects', { path: createGitRepo() })).id
    await cadre.api('/api/connectors', {
      name: 'vault',
      transport: 'stdio',
      command: 'true',
      env: { VAULT_TOKEN: secrets.connector },
      projectId: elsewhere,
    })
    const { secret: webhookSecret } = await cadre.api('/api/webhooks', {
      url: cadre.receiverUrl,
      events: ['task.finished', 'task.needs_input'],
    })
    await using stream = await connectStream(cadre.url, secrets.accessToken)
    stream.send({ op: 'subscribe', projectId: project })
    await stream.until((messages) => messages.some((m) => m.kind === 'subscribed'))

    leakyTask = (
      await cadre.api('/api/tasks', {
        projectId: project,
        prompt: `Use ${secrets.environment} with ${secrets.stored} and ${secrets.modelKey}`,
        mode: 'default',
        model: 'anthropic:claude-haiku-4-5',
      })
    ).id
    await cadre.settled(leakyTask, ['needs_input'])
    const approval = (await cadre.eventsOf(leakyTask)).find((event) => event.type === 'approval.requested')
    await cadre.api(`/api/tasks/${leakyTask}/approvals/${approval?.data.approvalId}`, { decision: 'allow' })
    const finished = await cadre.settled(leakyTask, ['review', 'done', 'failed'])
    expect(finished.status).toBe('review')
    await waitFor(() => (cadre.received.length >= 2 ? true : undefined), 'both webhook deliveries')
    await stream.until((messages) =>
      messages.some(
        (m) => m.kind === 'event' && m.event.type === 'task.status_changed' && m.event.data.to === 'review',
      ),
    )

    const events = await cadre.eventsOf(leakyTask)
    // The run did what it was told: each secret passed through where it was planted.
    const readFile = events.find((event) => event.type === 'tool.finished' && event.data.tool === 'read_file')
    expect(readFile?.data.output).toContain('GITHUB_TOKEN=[redacted]')
    expect(events.some((event) => event.type === 'approval.requested')).toBe(true)
    expect(events.at(-1)?.type).toBe('task.status_changed')
    expect(JSON.stringify(events)).toContain('All done. For the record: [redacted]')
    // Webhooks are delivered from a queue, after the event: wait for both.
    await waitFor(
      () => (new Set(cadre.received.map((body) => JSON.parse(body).event)).size === 2 ? true : undefined),
      'both webhook deliveries',
    )
    expect(new Set(cadre.received.map((body) => JSON.parse(body).event))).toEqual(
      new Set(['task.finished', 'task.needs_input']),
    )
    // The run's processes never saw Cadre's environment.
    const envNames = events
      .filter((event) => event.type === 'tool.finished' && event.data.tool === 'bash')
      .at(-1)
    expect(envNames?.data.output).not.toMatch(/MY_SERVICE_TOKEN\n|CADRE_HOME|ANTHROPIC_API_KEY/)

    // Everything Cadre kept or sent: the home (all but the agent's own worktrees, and the token file).
    const stored = filesUnder(home)
      .filter((file) => !relative(home, file).startsWith('worktrees') && file !== join(home, 'token'))
      .map((file) => [relative(home, file), readFileSync(file).toString('latin1')])
    const places: [string, string][] = [
      ['the live stream', JSON.stringify(stream.messages)],
      ['the events API', JSON.stringify(events)],
      ["the server's log", cadre.output()],
      ...cadre.received.map((body, i): [string, string] => [`webhook payload ${i}`, body]),
      ...stored.map(([file, bytes]): [string, string] => [`$CADRE_HOME/${file}`, bytes ?? '']),
    ]
    // The search would see them: the agent's own files hold what it wrote, the live stream carried
    // its text as it came, and the database is among the files searched.
    const workspace = events.find((event) => event.type === 'workspace.ready')?.data.path
    expect(readFileSync(join(workspace, 'notes.txt'), 'utf8')).toContain(secrets.modelKey)
    expect(stream.events().map((event) => event.type)).toEqual(
      expect.arrayContaining(['assistant.delta', 'reasoning.delta', 'tool.output', 'approval.requested']),
    )
    expect(stored.map(([file]) => file)).toContain('cadre.db')
    // The log was as talkative as Cadre gets: debug lines (every request) were written.
    expect(cadre.output()).toContain('"level":20')
    const leaks = [...secretsToFind(secrets), ['webhookSecret', webhookSecret] as [string, string]].flatMap(
      ([name, secret]) =>
        places.filter(([, text]) => text.includes(secret)).map(([place]) => `${name} in ${place}`),
    )
    expect(leaks).toEqual([])
  }, 120_000)

  it("keeps an agent's tools inside its workspace: no other files, no writes outside, no network", async () => {
    const bubblewrap = await findBubblewrap()
    if (!bubblewrap) throw new Error('bubblewrap is not usable here: install the Debian package "bubblewrap"')
    const repository = createGitRepo()
    const project = (await cadre.api('/api/projects', { path: repository })).id
    await cadre.api(`/api/projects/${project}`, { settings: { sandbox: { network: 'off' } } }, 'PATCH')
    const leakyWorkspace = (await cadre.eventsOf(leakyTask)).find((event) => event.type === 'workspace.ready')
      ?.data.path
    const probe = createTcpServer((socket) => socket.destroy())
    let probed = 0
    probe.on('connection', () => probed++)
    await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
    const { port } = new URL(cadre.url)
    // Reads, listings, connections: each must fail inside the sandbox.
    const attempts: Record<string, string> = {
      token: `cat ${home}/token`,
      database: `cat ${home}/cadre.db`,
      'master key': `cat ${home}/secret.key`,
      "another task's worktree": `cat ${leakyWorkspace}/notes.txt`,
      "Cadre's home listing": `ls ${home}/worktrees/*/* | grep -q .`,
      "Cadre's port": `exec 3<>/dev/tcp/127.0.0.1/${port}`,
      'a port on this machine': `exec 3<>/dev/tcp/127.0.0.1/${(probe.address() as AddressInfo).port}`,
      "Cadre's environment through /proc": 'grep -l MY_SERVICE_TOKEN /proc/*/environ',
      ...Object.fromEntries(
        Object.entries(credentials).map(([name, file]) => [name, `grep -q PLANTED ${join(userHome, file)}`]),
      ),
      // The engine's API is root on the host; a Unix socket is reached even with the network off.
      ...(existsSync('/run/docker.sock') && { "the container engine's socket": 'test -S /run/docker.sock' }),
    }
    // Writes: under /tmp, where these tests keep everything, one may land in the sandbox's private
    // /tmp; what counts is that nothing appears on this machine.
    const writes = [
      `/etc/cadre-escape-${randomBytes(4).toString('hex')}`,
      join(repository, 'escaped.txt'),
      join(home, 'escaped.txt'),
      join(leakyWorkspace, 'escaped.txt'),
    ]
    const script = [
      '# ESCAPE-PROBE',
      // What is not a credential stays readable: the home itself is not hidden.
      `grep -q PLANTED ${join(userHome, 'projects/readme.txt')} && echo "readable: the user's own files"`,
      // A hidden file reads as an empty one, not as an error a tool would stop at.
      `netrc=$(cat ${join(userHome, '.netrc')}) && [ -z "$netrc" ] && echo "a hidden file reads empty"`,
      ...Object.entries(attempts).map(
        ([name, command]) =>
          `if ( ${command} ) >/dev/null 2>&1; then echo "ESCAPED ${name}"; else echo "refused ${name}"; fi`,
      ),
      ...writes.map((path) => `(echo x > ${path}) 2>/dev/null`),
      'true',
    ].join('\n')
    const task = (
      await cadre.api('/api/tasks', {
        projectId: project,
        prompt: script,
        model: 'anthropic:claude-haiku-4-5',
      })
    ).id
    await cadre.settled(task, ['review', 'done', 'failed'])
    probe.close()
    const finished = (await cadre.eventsOf(task)).filter((event) => event.type === 'tool.finished')
    const [bash, ...fileTools] = finished
    expect(bash?.data.output).not.toContain('ESCAPED')
    expect(bash?.data.output).toContain("readable: the user's own files")
    expect(bash?.data.output).toContain('a hidden file reads empty')
    for (const name of Object.keys(attempts)) expect(bash?.data.output).toContain(`refused ${name}`)
    expect(fileTools.map((event) => [event.data.tool, event.data.isError])).toEqual([
      ['read_file', true],
      ['read_file', true],
      ['write_file', true],
      ['write_file', true],
      ['list_files', true],
    ])
    for (const path of [...writes, outside, join(home, 'planted.txt')])
      expect(existsSync(path), path).toBe(false)
    expect(probed).toBe(0)
  }, 120_000)
})

/** Every file under a folder, at any depth. */
const filesUnder = (dir: string): string[] =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry)
    return statSync(path).isDirectory() ? filesUnder(path) : [path]
  })
