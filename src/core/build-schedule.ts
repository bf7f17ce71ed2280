import { z } from 'zod'

const weekdays = ['sun', 'mon', 'tue', 'wed', 'thu', 'fri', 'sat'] as const
export const Weekday = z.enum(weekdays)

/** One time window a build may run in: from `start` on each of `days`, for `hours`. */
export const BuildWindow = z.strictObject({
  days: z
    .array(Weekday)
    .min(1)
    .default([...weekdays])
    .describe('the days it opens on (default: every day)'),
  start: z
    .string()
    .regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'a time of day as HH:MM, e.g. 22:00')
    .describe("when it opens, HH:MM in the schedule's time zone"),
  hours: z.number().min(0.25).max(24).describe('how long it stays open; it may run past midnight'),
})
export type BuildWindow = z.infer<typeof BuildWindow>

const validTimeZone = (zone: string) => {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone })
    return true
  } catch {
    return false
  }
}

/** When a project's builds may run; outside every window a build pauses itself and resumes on its own. */
export const BuildSchedule = z.strictObject({
  windows: z.array(BuildWindow).min(1).max(50),
  timeZone: z
    .string()
    .refine(validTimeZone, { error: (issue) => `"${issue.input}" is not a time zone (e.g. Europe/Paris)` })
    .optional()
    .describe("an IANA time zone; the server's own by default"),
})
export type BuildSchedule = z.infer<typeof BuildSchedule>

/** The weekday and minute of the day at `at` in the time zone. */
const localTime = (at: Date, timeZone: string | undefined) => {
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat('en-US', {
      timeZone,
      weekday: 'short',
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    })
      .formatToParts(at)
      .map((part) => [part.type, part.value]),
  )
  const day = weekdays.indexOf(parts.weekday!.toLowerCase() as (typeof weekdays)[number])
  return { day, minute: Number(parts.hour) * 60 + Number(parts.minute) }
}

const minutesOf = (time: string) => Number(time.slice(0, 2)) * 60 + Number(time.slice(3, 5))

/** Whether a build may run at `at`: inside one of the windows (one opened yesterday may still be open). */
export const scheduleOpen = (schedule: BuildSchedule | undefined, at: Date): boolean => {
  if (!schedule) return true
  const { day, minute } = localTime(at, schedule.timeZone)
  return schedule.windows.some((window) => {
    const start = minutesOf(window.start)
    const end = start + window.hours * 60
    const openedOn = (offset: number) => window.days.includes(weekdays[(day - offset + 7) % 7]!)
    return (openedOn(0) && minute >= start && minute < end) || (openedOn(1) && minute + 24 * 60 < end)
  })
}

/** The next time the schedule opens after `at` (to the minute), within a week; undefined if never. */
export const nextOpening = (schedule: BuildSchedule, at: Date): Date | undefined => {
  const minute = 60_000
  const from = Math.ceil(at.getTime() / minute) * minute
  for (let t = from; t <= from + 8 * 24 * 60 * minute; t += minute) {
    if (scheduleOpen(schedule, new Date(t))) return new Date(t)
  }
  return undefined
}
