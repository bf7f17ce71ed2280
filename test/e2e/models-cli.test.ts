import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { closedPortUrl } from '../support/answering-server.ts'
import { launcher, readServerUrl, runCli, spawnCli, systemNode, waitFor } from '../support/cli.ts'

describe('cadre models and cadre provider, against the simulator', () => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-models-'))
  const env = { CADRE_HOME: home, CADRE_PORT: '0', CADRE_TOKEN: '', CADRE_URL: '', ANTHROPIC_API_KEY: '' }
  let server: ReturnType<typeof spawnCli>
  let sim: Awaited<ReturnType<typeof startSimulator>>

  beforeAll(async () => {
    sim = await startSimulator({})
    server = spawnCli(['serve'], env)
    await waitFor(() => readServerUrl(home), 'the server to write server.json')
  })
  afterAll(async () => {
    server.child.kill('SIGKILL')
    await sim.close()
  })

  it('configures a provider, checks it for real, and lists its models with the catalog', async () => {
    const before = await runCli(['provider', 'check', 'anthropic'], env)
    expect(before.code).toBe(1)
    expect(before.stderr).toBe(
      'cadre: anthropic: no_key: no API key for provider anthropic: set ANTHROPIC_API_KEY, or store one with PUT /api/providers/anthropic {"apiKey": "…"}\n',
    )

    const set = await runCli(
      ['provider', 'set', 'anthropic', '--base-url', sim.url, '--api-key-stdin'],
      env,
      systemNode(),
      launcher,
      'sk-ant-sim-0123456789abcdef\n',
    )
    expect(set).toMatchObject({ code: 0, stdout: 'anthropic: ready\n' })
    const check = await runCli(['provider', 'check', 'anthropic'], env)
    expect(check.code).toBe(0)
    expect(check.stdout).toMatch(
      /^ok: anthropic answered in \d+ ms and accepted the key; it lists \d+ models\n$/,
    )

    const list = await runCli(['provider', 'list'], env)
    expect(list.stdout).toMatch(
      /anthropic\s+anthropic\s+sk-ant-••••cdef \(settings\)\s+http:\/\/127\.0\.0\.1:\d+\/v1 \(settings\)\s+ready/,
    )
    expect(list.stdout).not.toContain('0123456789abcdef')

    const models = await runCli(['models', '--json'], env)
    const listing = JSON.parse(models.stdout)
    expect(listing.providers).toEqual([{ name: 'anthropic', ok: true, message: null }])
    expect(listing.models.find((m: { id: string }) => m.id === 'anthropic:claude-sonnet-4-5')).toMatchObject({
      pricing: { input: 3, output: 15 },
    })
    const table = await runCli(['models'], env)
    expect(table.stdout).toMatch(/^MODEL\s+CONTEXT\s+INPUT\/M\s+OUTPUT\/M\s+CACHED\/M\n/)
    expect(table.stdout).toMatch(/anthropic:claude-sonnet-4-5\s+200k\s+\$3\s+\$15\s+\$0\.3\n/)
  })

  it('says exactly what failed when the endpoint is gone', async () => {
    const gone = await closedPortUrl()
    await runCli(['provider', 'set', 'gone', '--base-url', gone], env)
    const check = await runCli(['provider', 'check', 'gone'], env)
    expect(check.code).toBe(1)
    expect(check.stderr).toBe(
      `cadre: gone: unreachable: cannot reach ${gone}/models: connection refused (is the server running?)\n`,
    )
    const bad = await runCli(['provider', 'set', 'gone', '--base-url', 'not a url'], env)
    expect(bad.code).toBe(2)
    expect(bad.stderr).toBe('cadre: body.baseUrl: must be an http:// or https:// URL\n')
  })
})
