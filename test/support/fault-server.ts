import { readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { type spawnCli, waitFor } from './cli.ts'

// biome-ignore lint/suspicious/noExplicitAny: answers are checked by the assertions
export type Json = any

export interface FaultServer {
  readonly process: ReturnType<typeof spawnCli>
  readonly url: string
  /** One API call: its status and JSON body. */
  api(path: string, body?: unknown, method?: string): Promise<{ status: number; body: Json }>
  /** The task once it is in one of these statuses. */
  settled(id: string, statuses?: string[], timeoutMs?: number): Promise<Json>
  /** The task's stored events. */
  events(id: string): Promise<Json[]>
  /** What the server logged, one JSON object a line (its other lines left out). */
  logged(): Json[]
  /** Stops it as Ctrl-C does, and waits. */
  stop(): Promise<void>
  /** Kills the server itself with SIGKILL, as a crash would, and waits for it to be gone. */
  crash(): Promise<void>
}

/**
 * A `cadre serve` started by `start` (a plain child, or one inside a mount namespace) on `home`,
 * which the test reads through `at` (the same path, or its path from outside the namespace).
 */
export const startFaultServer = async (
  start: () => ReturnType<typeof spawnCli>,
  at: (path: string) => string,
): Promise<FaultServer> => {
  // A crashed server leaves its address behind: only the new one's counts (unwritable: none is there).
  try {
    rmSync(at('server.json'), { force: true })
  } catch {}
  const child = start()
  const info = await waitFor(async () => {
    if (child.child.exitCode !== null) throw new Error(`cadre serve exited: ${child.output.stderr}`)
    try {
      return JSON.parse(readFileSync(at('server.json'), 'utf8')) as { url: string; pid: number }
    } catch {
      return undefined
    }
  }, 'the server to start')
  const token = readFileSync(at('token'), 'utf8').trim()
  const api = async (path: string, body?: unknown, method?: string) => {
    const response = await fetch(`${info.url}${path}`, {
      method: method ?? (body === undefined ? 'GET' : 'POST'),
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    })
    return { status: response.status, body: (await response.json()) as Json }
  }
  return {
    process: child,
    url: info.url,
    api,
    settled: (id, statuses = ['review', 'done', 'failed', 'cancelled'], timeoutMs = 60_000) =>
      waitFor(
        async () => {
          const { body } = await api(`/api/tasks/${id}`)
          return statuses.includes(body.status) ? body : undefined
        },
        `task ${id} to be ${statuses.join(' or ')}`,
        timeoutMs,
      ),
    events: async (id) => (await api(`/api/tasks/${id}/events?limit=1000`)).body.events,
    logged: () =>
      child.output.stdout.split('\n').flatMap((line) => {
        try {
          return [JSON.parse(line)]
        } catch {
          return []
        }
      }),
    async stop() {
      child.child.kill('SIGTERM')
      await child.exited
    },
    async crash() {
      process.kill(info.pid, 'SIGKILL')
      await child.exited
    },
  }
}

/** Where Cadre keeps its database in a home. */
export const databaseIn = (home: string) => join(home, 'cadre.db')
