import { readdir, readFile } from 'node:fs/promises'
import { hostname } from 'node:os'
import type { StoredEvent } from '../core/events/registry.ts'

/** The environment variable every process of a run carries, so its leftovers can be told apart. */
export const runMarker = 'CADRE_RUN_ID'

const processGroupOf = (stat: string) => Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2])

/**
 * Ends what a dead server left running for this run: every process, on this machine, in a process
 * group one of the run's tools started, and only those carrying the run's marker — a group id the
 * system has since given to an unrelated process is left alone. Returns how many were ended.
 */
export const killLeftoverProcesses = async (
  events: readonly StoredEvent[],
  runId: string,
): Promise<number> => {
  const groups = new Set(
    events.flatMap((event) =>
      event.type === 'tool.process' && event.data.host === hostname() ? [event.data.processGroup] : [],
    ),
  )
  if (groups.size === 0) return 0
  let ended = 0
  for (const entry of await readdir('/proc').catch(() => [] as string[])) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (!groups.has(processGroupOf(await readFile(`/proc/${entry}/stat`, 'utf8')))) continue
      const environment = (await readFile(`/proc/${entry}/environ`, 'utf8')).split('\0')
      if (!environment.includes(`${runMarker}=${runId}`)) continue
      process.kill(Number(entry), 'SIGKILL')
      ended++
    } catch {
      // Gone meanwhile, or not ours to read: nothing to end.
    }
  }
  return ended
}
