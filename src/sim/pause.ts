import { setTimeout as sleep } from 'node:timers/promises'

/** Waits `ms`, or less if `signal` aborts first; never rejects. */
export const pause = async (ms: number, signal?: AbortSignal): Promise<void> => {
  if (ms <= 0 || signal?.aborted) return
  await sleep(ms, undefined, { signal }).catch(() => {})
}
