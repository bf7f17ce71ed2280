import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
/** The access token of every server a benchmark starts. */
export const benchToken = 'bench-token-0123456789'

type TaskAnswer = { id: string; status: string; statusReason: string | null }

export interface ServedCadre {
  url: string
  pid: number
  home: string
  /** Milliseconds from the process being spawned to the server answering (its server.json written). */
  startMs: number
  /** JSON from the API, with the bench's token. */
  api(
    path: string,
    body?: unknown,
    method?: string,
  ): Promise<{ id: string; status: string; statusReason: string | null }>
  /** The server's resident memory now (VmRSS) or at its peak (VmHWM), in kB. */
  rssKb(field: 'VmRSS' | 'VmHWM'): number
  /** Stops it, by SIGTERM unless told (and, with `removeHome`, deletes its home). */
  stop(options?: { removeHome?: boolean; signal?: NodeJS.Signals }): Promise<void>
}

/** A `cadre serve` child process on a free port, in `home` (a new one by default), with `env` added. */
export const serveCadre = async (
  env: NodeJS.ProcessEnv,
  home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-')),
): Promise<ServedCadre> => {
  const spawned = performance.now()
  const child = spawn(process.execPath, [join(root, 'src/cli/main.ts'), 'serve'], {
    env: { ...process.env, CADRE_HOME: home, CADRE_PORT: '0', CADRE_TOKEN: benchToken, ...env },
    stdio: 'ignore',
  })
  const exited = new Promise((resolve) => child.once('exit', resolve))
  let url = ''
  for (let i = 0; i < 3000 && !url; i++) {
    try {
      const info = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'))
      if (info.pid === child.pid) url = info.url
    } catch {}
    if (!url) await new Promise((resolve) => setTimeout(resolve, 5))
  }
  if (!url) throw new Error('the server did not start')
  return {
    url,
    pid: child.pid!,
    home,
    startMs: performance.now() - spawned,
    api: async (path, body, method) =>
      (
        await fetch(`${url}${path}`, {
          method: method ?? (body === undefined ? 'GET' : 'POST'),
          headers: { authorization: `Bearer ${benchToken}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json() as Promise<TaskAnswer>,
    rssKb: (field) =>
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]),
    async stop({ removeHome = true, signal = 'SIGTERM' } = {}) {
      child.kill(signal)
      await exited
      if (removeHome) rmSync(home, { recursive: true, force: true })
    },
  }
}

/**
 * A `cadre serve` that runs up to `concurrency` tasks at once: the scheduler reads the setting at
 * start, so it is set on a first server, then the server is started again on the same home.
 */
export const serveCadreRunning = async (
  concurrency: number,
  env: NodeJS.ProcessEnv,
): Promise<ServedCadre> => {
  const first = await serveCadre(env)
  await first.api('/api/settings', { maxConcurrentRuns: concurrency }, 'PATCH')
  await first.stop({ removeHome: false })
  return serveCadre(env, first.home)
}
