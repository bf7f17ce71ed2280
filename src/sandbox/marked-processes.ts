import { readdirSync, readFileSync } from 'node:fs'

/**
 * Every process on this machine whose environment has `name=value`: how Cadre finds what a command
 * started even when it left the command's process group (a daemon, or a sandbox's own PID
 * namespace, whose processes are still visible here). Processes not ours to read are skipped.
 */
export const markedProcesses = (name: string, value: string): number[] => {
  const marker = `${name}=${value}`
  const found: number[] = []
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      if (readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0').includes(marker))
        found.push(Number(entry))
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return found
}

/** SIGKILLs every process marked `name=value`; returns how many were found. */
export const killMarked = (name: string, value: string): number => {
  const pids = markedProcesses(name, value)
  for (const pid of pids) {
    try {
      process.kill(pid, 'SIGKILL')
    } catch {
      // Already gone.
    }
  }
  return pids.length
}
