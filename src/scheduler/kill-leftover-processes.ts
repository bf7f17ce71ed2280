import { hostname } from 'node:os'
import type { StoredEvent } from '../core/events/registry.ts'
import { killMarked } from '../sandbox/marked-processes.ts'

/** The environment variable every process of a run carries, so its leftovers can be told apart. */
export const runMarker = 'CADRE_RUN_ID'

/**
 * Ends what a dead server left running for this run on this machine: every process carrying the
 * run's marker, wherever it went (its command's process group, a group of its own, a sandbox's PID
 * namespace). Only runs whose tools started processes here are looked for. Returns how many ended.
 */
export const killLeftoverProcesses = async (
  events: readonly StoredEvent[],
  runId: string,
): Promise<number> => {
  const ranHere = events.some((event) => event.type === 'tool.process' && event.data.host === hostname())
  return ranHere ? killMarked(runMarker, runId) : 0
}
