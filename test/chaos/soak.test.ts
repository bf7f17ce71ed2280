import { describe, expect, it } from 'vitest'
import { longRun } from '../support/chaos.ts'
import { soak } from './soak.ts'

// The 30-minute run is `npm run soak`; this one keeps the soak itself working.
describe('soak: mixed load on one server', () => {
  it('runs every kind of operation without a failure (and, in the long run, memory does not climb)', async () => {
    const report = await soak({ minutes: longRun ? 5 : 0.75, workers: 4 })
    expect(report.failures).toEqual([])
    for (const mix of ['taskToReview', 'cancelMidRun', 'readPages', 'followStream']) {
      expect(report.operations[mix], mix).toBeGreaterThan(0)
    }
    // Under a minute, memory is still warming up (the heap grows to its working size): whether it
    // stays flat is judged by the long runs.
    if (longRun) expect(report.rssLate - report.rssEarly).toBeLessThan(Math.max(40, report.rssEarly * 0.2))
  }, 600_000)
})
