import { killMarked } from '../sandbox/marked-processes.ts'

/** The environment variable every process of a run carries, so its leftovers can be told apart. */
export const runMarker = 'CADRE_RUN_ID'

/**
 * Ends what a dead server left running for this run on this machine: every process carrying the
 * run's marker, wherever it went (its command's process group, a group of its own, a sandbox's PID
 * namespace). A run's id is unique, so nothing else is touched. Returns how many were ended.
 */
export const killLeftoverProcesses = (runId: string): number => killMarked(runMarker, runId)
