import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { readServerUrl, runCli, spawnCli, waitFor } from '../support/cli.ts'

describe('cadre agents: what can run tasks, and installing an agent', () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-agents-'))
  // Only the system's own folders: no agent CLI a developer happens to have installed is found.
  // The suite has only loopback: npm installs from its cache, filled by `npm run test:agents`.
  const env = {
    CADRE_HOME: home,
    CADRE_TOKEN: '',
    CADRE_URL: '',
    PATH: '/usr/local/bin:/usr/bin:/bin',
    npm_config_offline: 'true',
  }
  let server: ReturnType<typeof spawnCli> | undefined
  afterAll(() => server?.child.kill('SIGKILL'))

  it('installs the tested version of an agent into its own folder, and refuses what it does not know', async () => {
    const installed = await runCli(['agents', 'install', 'gemini'], env)
    expect(installed.code).toBe(0)
    expect(installed.stdout).toBe(`Installed @google/gemini-cli@0.61.0 in ${join(home, 'agents')}\n`)
    expect(await runCli(['agents', 'install', 'hal9000'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining(
        'no agent is named "hal9000"; the agents are builtin, claude-code, codex, gemini, opencode',
      ),
    })
    expect(await runCli(['agents', 'install', 'builtin'], env)).toMatchObject({
      code: 2,
      stderr: expect.stringContaining('built into Cadre: nothing to install'),
    })
  }, 120_000)

  it('lists every agent with whether it is installed, where, its version and what it can do', async () => {
    server = spawnCli(['serve'], { ...env, CADRE_PORT: '0' })
    await waitFor(() => readServerUrl(home), 'the server to start')
    const listed = await runCli(['agents', '--json'], env)
    expect(listed.code).toBe(0)
    const agents = JSON.parse(listed.stdout) as { name: string }[]
    const byName = Object.fromEntries(agents.map((agent) => [agent.name, agent]))
    expect(agents.map((agent) => agent.name)).toEqual([
      'builtin',
      'claude-code',
      'codex',
      'gemini',
      'opencode',
    ])
    expect(byName.builtin).toMatchObject({
      installed: true,
      capabilities: { planMode: true, approvals: true },
    })
    expect(byName.gemini).toMatchObject({
      installed: true,
      path: join(home, 'agents', 'node_modules', '.bin', 'gemini'),
      version: '0.61.0',
      pinnedVersion: '0.61.0',
    })
    expect(byName['claude-code']).toMatchObject({
      pinnedVersion: '0.3.330',
      capabilities: { planMode: true, approvals: true, resume: true },
    })
    expect(byName.codex).toMatchObject({
      installed: false,
      pinnedVersion: '0.169.0',
      capabilities: { resume: true },
    })
    const table = await runCli(['agents'], env)
    expect(table.stdout).toMatch(
      /^AGENT +INSTALLED +VERSION +CAN +NOTE\nbuiltin +yes +planMode,approvals,resume +a model/,
    )
  })
})
