import { describe, expect, it } from 'vitest'
import { BuildSchedule, nextOpening, scheduleOpen } from './build-schedule.ts'

// 2026-12-07 is a Monday.
const at = (iso: string) => new Date(iso)

describe('build schedules', () => {
  const nights = BuildSchedule.parse({
    windows: [{ days: ['mon', 'tue', 'wed', 'thu', 'fri'], start: '22:00', hours: 8 }],
    timeZone: 'UTC',
  })

  it('is open inside a window, past midnight too, and closed outside it', () => {
    expect(scheduleOpen(nights, at('2026-12-07T21:59:00Z'))).toBe(false)
    expect(scheduleOpen(nights, at('2026-12-07T22:00:00Z'))).toBe(true)
    expect(scheduleOpen(nights, at('2026-12-08T05:59:00Z'))).toBe(true)
    expect(scheduleOpen(nights, at('2026-12-08T06:00:00Z'))).toBe(false)
    // Friday night runs into Saturday morning; Saturday night does not open.
    expect(scheduleOpen(nights, at('2026-12-12T03:00:00Z'))).toBe(true)
    expect(scheduleOpen(nights, at('2026-12-12T23:00:00Z'))).toBe(false)
    expect(scheduleOpen(undefined, at('2026-12-12T23:00:00Z'))).toBe(true)
  })

  it('reads the time in its time zone', () => {
    const paris = BuildSchedule.parse({ windows: [{ start: '09:00', hours: 1 }], timeZone: 'Europe/Paris' })
    expect(scheduleOpen(paris, at('2026-12-07T08:30:00Z'))).toBe(true)
    expect(scheduleOpen(paris, at('2026-12-07T09:30:00Z'))).toBe(false)
  })

  it('says when it opens next', () => {
    expect(nextOpening(nights, at('2026-12-12T10:00:00Z'))).toEqual(at('2026-12-14T22:00:00Z'))
  })

  it('refuses a bad time or time zone, saying why', () => {
    expect(() => BuildSchedule.parse({ windows: [{ start: '25:00', hours: 1 }] })).toThrow(/HH:MM/)
    expect(() =>
      BuildSchedule.parse({ windows: [{ start: '10:00', hours: 1 }], timeZone: 'Mars/Base' }),
    ).toThrow(/not a time zone/)
  })
})
