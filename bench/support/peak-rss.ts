import { Worker } from 'node:worker_threads'

/**
 * Samples, every `everyMs`, the summed resident memory of some processes — those carrying a marker
 * in their environment (`NAME=` or `NAME=value`), or those a control group lists (`procsFile`),
 * plus the `alsoPids` — until stopped; `stop` returns the highest sum seen, in MB. Shared pages
 * count in each process. The sampling runs in a worker thread; this resolves once it has taken
 * its first sample.
 */
export const samplePeakRss = async (
  processes: { marker: string } | { procsFile: string },
  alsoPids: readonly number[] = [],
  everyMs = 25,
) => {
  const peak = new Int32Array(new SharedArrayBuffer(4))
  const worker = new Worker(new URL('./rss-sampler.ts', import.meta.url), {
    workerData: { ...processes, alsoPids, everyMs, peak },
  })
  worker.unref()
  await new Promise((resolve) => worker.once('message', resolve))
  return {
    stop(): number {
      void worker.terminate()
      return Atomics.load(peak, 0) / 1024
    },
  }
}
