import { readFileSync, renameSync, writeFileSync } from 'node:fs'
import { hostname } from 'node:os'
import { join } from 'node:path'
import { z } from 'zod'

const WorkerFile = z.object({ workerId: z.string(), pid: z.number().int(), host: z.string() })

const isAlive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * Records this server as the worker of its CADRE_HOME, and returns the previous worker's id when
 * that server is gone (same machine, its process no longer alive): its runs need not wait for
 * their leases to expire before this server takes them over after a restart.
 */
export const takeWorkerIdentity = (home: string, workerId: string): { deadWorkerId?: string } => {
  const file = join(home, 'worker.json')
  let previous: z.infer<typeof WorkerFile> | undefined
  try {
    previous = WorkerFile.parse(JSON.parse(readFileSync(file, 'utf8')))
  } catch {
    previous = undefined // none yet, or unreadable: leases decide
  }
  const temporary = `${file}.${process.pid}`
  writeFileSync(temporary, JSON.stringify({ workerId, pid: process.pid, host: hostname() }), { mode: 0o600 })
  renameSync(temporary, file)
  const dead =
    previous && previous.host === hostname() && previous.pid !== process.pid && !isAlive(previous.pid)
  return dead ? { deadWorkerId: previous?.workerId } : {}
}
