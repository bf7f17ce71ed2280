import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { readServerUrl, spawnCli, waitFor } from './cli.ts'
import type { TestResponse } from './test-server.ts'

/** The environment that points every provider Cadre knows at the simulator, with keys it accepts. */
export const simulatorEnv = (simUrl: string) => ({
  ANTHROPIC_BASE_URL: simUrl,
  ANTHROPIC_API_KEY: 'sk-ant-sim-0123456789abcdef',
  OPENAI_BASE_URL: `${simUrl}/v1`,
  OPENAI_API_KEY: 'sk-sim-0123456789abcdefghij',
  GOOGLE_GEMINI_BASE_URL: simUrl,
  GEMINI_API_KEY: 'sim-gemini-key-0123456789',
})

/**
 * A real `cadre serve` (a child process, its worker on) whose Anthropic and OpenAI providers are
 * the model simulator serving these scenarios, and helpers to drive it over HTTP.
 */
export const serveWithSimulator = async (scenarios: ScenarioInput[], env: NodeJS.ProcessEnv = {}) => {
  const home = mkdtempSync(join(tmpdir(), 'cadre-serve-'))
  const sim = await startSimulator({ scenarios })
  const serverEnv = {
    CADRE_HOME: home,
    CADRE_PORT: '0',
    CADRE_TOKEN: '',
    ...simulatorEnv(sim.url),
    ...env,
  }
  const start = async () => {
    rmSync(join(home, 'server.json'), { force: true })
    const server = spawnCli(['serve'], serverEnv)
    const url = await waitFor(() => readServerUrl(home), 'the server to start')
    return { server, url }
  }
  let { server, url } = await start()
  const token = readFileSync(join(home, 'token'), 'utf8').trim()
  const api = (path: string, body?: unknown, method?: string): Promise<TestResponse> =>
    fetch(`${url}${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
  const settled = (id: string, statuses: string[]) =>
    waitFor(
      async () => {
        const task = await (await api(`/api/tasks/${id}`)).json()
        return statuses.includes(task.status) ? task : undefined
      },
      `task ${id} to be ${statuses.join(' or ')}`,
    )
  /** Where the task's worktree is, as its workspace.ready event says. */
  const workspaceOf = async (id: string): Promise<string> => {
    const { events } = await (await api(`/api/tasks/${id}/events`)).json()
    return events.find((e: { type: string }) => e.type === 'workspace.ready').data.path
  }
  return {
    home,
    get url() {
      return url
    },
    token,
    get server() {
      return server
    },
    sim,
    api,
    /** Kills the server with SIGKILL (as a crash would) and starts it again on the same home. */
    async crashAndRestart() {
      // The server itself, not its launcher (whose death the server notices and shuts down cleanly).
      const { pid } = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8')) as { pid: number }
      process.kill(pid, 'SIGKILL')
      await server.exited
      ;({ server, url } = await start())
    },
    settled,
    workspaceOf,
    async close() {
      server.child.kill('SIGKILL')
      await sim.close()
    },
  }
}
