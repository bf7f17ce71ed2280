import { spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const root = join(import.meta.dirname, '..', '..')
const token = 'bench-token-0123456789'

type TaskAnswer = { id: string; status: string; statusReason: string | null }

export interface ServedCadre {
  url: string
  pid: number
  /** JSON from the API, with the bench's token. */
  api(
    path: string,
    body?: unknown,
    method?: string,
  ): Promise<{ id: string; status: string; statusReason: string | null }>
  /** The server's resident memory now (VmRSS) or at its peak (VmHWM), in kB. */
  rssKb(field: 'VmRSS' | 'VmHWM'): number
  /** Stops it (and, with `removeHome`, deletes its home). */
  stop(options?: { removeHome?: boolean }): Promise<void>
}

/** A `cadre serve` child process on a free port, in `home` (a new one by default), with `env` added. */
export const serveCadre = async (
  env: NodeJS.ProcessEnv,
  home = mkdtempSync(join(tmpdir(), 'cadre-bench-home-')),
): Promise<ServedCadre> => {
  const child = spawn(process.execPath, [join(root, 'src/cli/main.ts'), 'serve'], {
    env: { ...process.env, CADRE_HOME: home, CADRE_PORT: '0', CADRE_TOKEN: token, ...env },
    stdio: 'ignore',
  })
  let url = ''
  for (let i = 0; i < 400 && !url; i++) {
    try {
      const info = JSON.parse(readFileSync(join(home, 'server.json'), 'utf8'))
      if (info.pid === child.pid) url = info.url
    } catch {}
    if (!url) await new Promise((resolve) => setTimeout(resolve, 25))
  }
  if (!url) throw new Error('the server did not start')
  return {
    url,
    pid: child.pid!,
    api: async (path, body, method) =>
      (
        await fetch(`${url}${path}`, {
          method: method ?? (body === undefined ? 'GET' : 'POST'),
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        })
      ).json() as Promise<TaskAnswer>,
    rssKb: (field) =>
      Number(new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))?.[1]),
    async stop({ removeHome = true } = {}) {
      child.kill('SIGTERM')
      await new Promise((resolve) => child.once('exit', resolve))
      if (removeHome) rmSync(home, { recursive: true, force: true })
    },
  }
}
