import { readdirSync, readFileSync } from 'node:fs'

/** Resident memory of one process now, in kB (0 when it is gone). */
const rssKb = (pid: string): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

/** The processes whose environment holds a variable starting with `marker` (`NAME=` or `NAME=value`). */
const markedPids = (marker: string): string[] =>
  readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false
    try {
      return readFileSync(`/proc/${entry}/environ`, 'utf8')
        .split('\0')
        .some((entry) => entry.startsWith(marker))
    } catch {
      return false
    }
  })

/**
 * Samples, every `everyMs`, the summed resident memory of the processes carrying `marker` (plus the
 * `alsoPids`, such as a server) until stopped; returns the highest sum seen, in MB.
 */
export const samplePeakRss = (marker: string, alsoPids: readonly number[] = [], everyMs = 25) => {
  let peakKb = 0
  const sample = () => {
    const pids = new Set([...markedPids(marker), ...alsoPids.map(String)])
    peakKb = Math.max(
      peakKb,
      [...pids].reduce((sum, pid) => sum + rssKb(pid), 0),
    )
  }
  const timer = setInterval(sample, everyMs)
  sample()
  return {
    stop(): number {
      sample()
      clearInterval(timer)
      return peakKb / 1024
    },
  }
}
