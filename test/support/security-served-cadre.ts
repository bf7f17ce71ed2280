import { writeFileSync } from 'node:fs'
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { join } from 'node:path'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { readServerUrl, spawnCli, waitFor } from './cli.ts'

/** A stored event as the API answers it; its data checked by the assertions. */
// biome-ignore lint/suspicious/noExplicitAny: event data is checked by the assertions
export type AnsweredEvent = { type: string; data: any }

/**
 * A real `cadre serve` (its worker on, its log at trace) over `home`, whose token file holds
 * `token` before it starts, its Anthropic provider the simulator playing `scenario`; and a local
 * receiver collecting every webhook delivery's body. All of it ends with `close`.
 */
export const serveCadre = async (options: {
  home: string
  token: string
  scenario: ScenarioInput
  env: NodeJS.ProcessEnv
}) => {
  // The token Cadre finds in its home, as `cadre serve` made it on an earlier start.
  writeFileSync(join(options.home, 'token'), `${options.token}\n`, { mode: 0o600 })
  const received: string[] = []
  const receiver = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    received.push(body)
    response.writeHead(204).end()
  })
  await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve))
  const sim = await startSimulator({ scenarios: [options.scenario] })
  const server = spawnCli(['serve'], {
    CADRE_HOME: options.home,
    CADRE_PORT: '0',
    CADRE_TOKEN: '',
    CADRE_URL: '',
    CADRE_LOG_LEVEL: 'trace',
    ANTHROPIC_BASE_URL: sim.url,
    ANTHROPIC_API_KEY: 'sk-ant-sim-0123456789abcdef',
    ...options.env,
  })
  const url = await waitFor(() => readServerUrl(options.home), 'the server to start')

  const api = async (path: string, body?: unknown, method = body === undefined ? 'GET' : 'POST') => {
    const response = await fetch(`${url}${path}`, {
      method,
      headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    const text = await response.text()
    if (response.status >= 400) throw new Error(`${method} ${path}: ${response.status} ${text}`)
    // biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
    return text ? (JSON.parse(text) as any) : undefined
  }
  return {
    url,
    api,
    /** The server's stdout and stderr so far. */
    output: () => server.output.stdout + server.output.stderr,
    /** Every webhook delivery's body, as received. */
    received,
    receiverUrl: `http://127.0.0.1:${(receiver.address() as AddressInfo).port}/hook`,
    /** The task, once its status is one of these. */
    settled: (id: string, statuses: string[]) =>
      waitFor(
        async () => {
          const task = await api(`/api/tasks/${id}`)
          return statuses.includes(task.status) ? task : undefined
        },
        `task ${id} to be ${statuses.join(' or ')}`,
        60_000,
      ),
    eventsOf: async (id: string) =>
      (await api(`/api/tasks/${id}/events?limit=1000`)).events as AnsweredEvent[],
    async close() {
      server.child.kill('SIGKILL')
      await server.exited
      await sim.close()
      receiver.close()
    },
  }
}

export type ServedCadre = Awaited<ReturnType<typeof serveCadre>>
