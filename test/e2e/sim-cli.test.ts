import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { repoRoot, runCli, spawnCli, waitFor } from '../support/cli.ts'

const fixture = join(repoRoot, 'src', 'sim', '__fixtures__', 'sdk-check.yaml')
const dir = mkdtempSync(join(tmpdir(), 'cadre-sim-cli-'))

describe('cadre sim', () => {
  let sim: ReturnType<typeof spawnCli>
  let url: string

  beforeAll(async () => {
    sim = spawnCli(['sim', '--port', '0', '--scenario', fixture], {})
    url = await waitFor(() => /listening on (http:\/\/\S+)/.exec(sim.output.stdout)?.[1], 'the simulator URL')
  })
  afterAll(() => {
    sim.child.kill('SIGKILL')
  })

  it('prints the bound URL and how to point each client at it, then serves requests', async () => {
    expect(url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
    expect(url).not.toMatch(/:0$/)
    await waitFor(
      () => (sim.output.stdout.includes('Stop with Ctrl-C.') ? true : undefined),
      'the whole banner',
    )
    expect(sim.output.stdout).toContain(`ANTHROPIC_BASE_URL=${url}\n`)
    expect(sim.output.stdout).toContain(`OPENAI_BASE_URL=${url}/v1\n`)
    expect(sim.output.stdout).toContain(`GOOGLE_GEMINI_BASE_URL=${url}\n`)
    expect(sim.output.stdout).toContain('Scenarios: sdk-check (default)')
    const response = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        model: 'gpt-5.5',
        messages: [{ role: 'user', content: 'write it' }],
        tools: [{ type: 'function', function: { name: 'write', parameters: {} } }],
      }),
    })
    const completion = (await response.json()) as { choices: Array<{ message: { tool_calls: unknown[] } }> }
    expect(completion.choices[0]?.message.tool_calls).toHaveLength(2)
  })

  it('records a session through `cadre sim record` and serves it back identically with `cadre sim replay`', async () => {
    const cassette = join(dir, 'session.json')
    const key = 'Zq-shapeless-key-in-header-and-body'
    // Only the recorder's environment knows this one is secret.
    const fromEnvironment = 'Zq-shapeless-value-of-an-environment-token'
    const requests = [
      [
        '/v1/messages',
        {
          model: 'claude-sonnet-4-5',
          max_tokens: 100,
          stream: true,
          messages: [{ role: 'user', content: `use ${key} and ${fromEnvironment}` }],
          tools: [{ name: 'Write', input_schema: { type: 'object' } }],
        },
      ],
      ['/v1/chat/completions', { model: 'gpt-5.5', messages: [{ role: 'user', content: 'hi' }] }],
    ] as const
    const send = async (base: string) => {
      const bodies: string[] = []
      for (const [path, body] of requests) {
        const response = await fetch(`${base}${path}`, {
          method: 'POST',
          headers: { 'content-type': 'application/json', 'x-api-key': key, authorization: `Bearer ${key}` },
          body: JSON.stringify(body),
        })
        bodies.push(`${response.status} ${await response.text()}`)
      }
      return bodies
    }
    const bannerUrl = (process: ReturnType<typeof spawnCli>) =>
      waitFor(() => /listening on (http:\/\/\S+)/.exec(process.output.stdout)?.[1], 'the URL')

    const recorder = spawnCli(['sim', 'record', '--upstream', url, '--out', cassette, '--port', '0'], {
      CADRE_SIM_TEST_TOKEN: fromEnvironment,
    })
    const recorded = await send(await bannerUrl(recorder))
    recorder.child.kill('SIGTERM')
    expect(await recorder.exited).toBe(0)

    const replayer = spawnCli(['sim', 'replay', cassette, '--port', '0'], {})
    try {
      expect(await send(await bannerUrl(replayer))).toEqual(recorded)
    } finally {
      replayer.child.kill('SIGKILL')
    }
    expect(recorded[0]).toMatch(/^200 event: message_start/)
    const written = readFileSync(cassette, 'utf8')
    expect(written).not.toContain(key)
    expect(written).not.toContain(fromEnvironment)
    expect(written).not.toMatch(/x-api-key|authorization/i)
  })

  it('refuses a cassette it could not replay when reading it, naming the exchange and the field', async () => {
    // Regression: a status of 99 or a header value with a newline was only found at request time, as a 500.
    const exchange = (status: number, headers: Record<string, string>) => ({
      request: { method: 'POST', path: '/v1/messages', headers: {} },
      response: { status, headers, body: '{}' },
    })
    const cassette = join(dir, 'broken.json')
    const exchanges = [
      exchange(200, { 'content-type': 'application/json' }),
      exchange(99, { 'x-note': 'one\ntwo' }),
    ]
    writeFileSync(cassette, JSON.stringify({ version: 1, exchanges }))
    // Spawned, not run to the end: a replayer that accepts the file would serve until killed.
    const replayer = spawnCli(['sim', 'replay', cassette, '--port', '0'], {})
    const stillServing = new Promise((resolve) => setTimeout(() => resolve('still serving'), 10_000))
    try {
      expect(await Promise.race([replayer.exited, stillServing])).toBe(2)
    } finally {
      replayer.child.kill('SIGKILL')
    }
    const { stdout, stderr } = replayer.output
    expect(stdout).toBe('')
    expect(stderr).toContain(`cadre: ${cassette}: not a valid cassette: `)
    expect(stderr).toContain('exchanges[1].response.status: must be an HTTP status from 100 to 599')
    expect(stderr).toContain('exchanges[1].response.headers.x-note: not a valid HTTP header value')
  })

  it('stops cleanly on SIGTERM', async () => {
    const other = spawnCli(['sim', '--port', '0'], {})
    await waitFor(() => (other.output.stdout.includes('Stop with Ctrl-C.') ? true : undefined), 'the banner')
    expect(other.output.stdout).toContain('Scenarios: none; the built-in default answers')
    other.child.kill('SIGTERM')
    expect(await other.exited).toBe(0)
    expect(other.output.stderr).toBe('')
  })

  it('validates scenario files: ok lines for good ones, one clear line for a bad one', async () => {
    const good = await runCli(['sim', 'validate', fixture], {})
    expect(good).toMatchObject({ code: 0, stderr: '' })
    expect(good.stdout).toMatch(/^ok .*sdk-check\.yaml: sdk-check, \d+ rule\(s\)\n$/)

    const bad = join(dir, 'bad.yaml')
    writeFileSync(bad, 'name: bad\nrules:\n  - when: { toolResult: sometimes }\n    reply: [{ text: hi }]\n')
    const result = await runCli(['sim', 'validate', bad], {})
    expect(result.code).toBe(2)
    expect(result.stdout).toBe('')
    expect(result.stderr).toBe(
      `cadre: ${bad}: rules.0.when.toolResult: Invalid option: expected one of "none"|"any"|"last"\n`,
    )
  })

  it('says in one line what is wrong with a missing scenario, a taken port or a missing cassette', async () => {
    const missing = await runCli(['sim', '--port', '0', '--scenario', join(dir, 'nope.yaml')], {})
    expect(missing.code).toBe(2)
    expect(missing.stderr).toBe(
      `cadre: scenario not found: ${join(dir, 'nope.yaml')} (no such file or directory)\n`,
    )

    const blocker = createServer().listen(0, '127.0.0.1')
    await new Promise((resolve) => blocker.once('listening', resolve))
    const { port } = blocker.address() as { port: number }
    const taken = await runCli(['sim', '--port', String(port)], {})
    blocker.close()
    expect(taken.code).toBe(2)
    expect(taken.stderr).toBe(
      `cadre: port ${port} on 127.0.0.1 is already in use; choose another with --port (0 picks a free one)\n`,
    )

    const cassette = await runCli(['sim', 'replay', join(dir, 'none.json'), '--port', '0'], {})
    expect(cassette.code).toBe(2)
    expect(cassette.stderr).toMatch(/^cadre: cannot read cassette .*none\.json: .*\n$/)
  })

  it('explains scenarios and cassettes in its help', async () => {
    const help = await runCli(['sim', '--help'], {})
    expect(help.code).toBe(0)
    expect(help.stdout).toMatch(/scenarios?/i)
    expect(help.stdout).toMatch(/cassettes?/i)
    expect(help.stdout).toContain('cadre sim record --upstream')
    expect(help.stdout).toContain('toolCall:')
  })
})
