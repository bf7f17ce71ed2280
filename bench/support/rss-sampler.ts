// The worker thread behind samplePeakRss (peak-rss.ts): it scans /proc on its own thread, so the
// benchmark's thread, whose CPU time may be what is measured, does none of it.
import { readdirSync, readFileSync } from 'node:fs'
import { parentPort, workerData } from 'node:worker_threads'

const { marker, procsFile, alsoPids, everyMs, peak } = workerData as {
  /** Processes whose environment holds a variable starting with this (`NAME=` or `NAME=value`)… */
  marker?: string
  /** …or those a control group lists. */
  procsFile?: string
  alsoPids: number[]
  everyMs: number
  /** One Int32: the highest sum seen so far, in kB. */
  peak: Int32Array
}

/** Resident memory of one process now, in kB (0 when it is gone). */
const rssKb = (pid: string): number => {
  try {
    return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0)
  } catch {
    return 0
  }
}

const markedPids = (marker: string): string[] =>
  readdirSync('/proc').filter((entry) => {
    if (!/^\d+$/.test(entry)) return false
    try {
      return readFileSync(`/proc/${entry}/environ`, 'utf8')
        .split('\0')
        .some((variable) => variable.startsWith(marker))
    } catch {
      return false
    }
  })

const listedPids = (file: string): string[] => readFileSync(file, 'utf8').split('\n').filter(Boolean)

const sample = () => {
  const found = procsFile ? listedPids(procsFile) : markedPids(marker!)
  const pids = new Set([...found, ...alsoPids.map(String)])
  const kb = [...pids].reduce((sum, pid) => sum + rssKb(pid), 0)
  // Only this thread writes it.
  if (kb > Atomics.load(peak, 0)) Atomics.store(peak, 0, kb)
}
sample()
setInterval(sample, everyMs)
parentPort!.postMessage('sampling')
