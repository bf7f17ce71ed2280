import type { EventInput } from '../core/events/registry.ts'
import type { PageError, PageErrors } from './error-reporter.ts'

export interface ErrorFeedbackOptions {
  /** Stores the batch's errors as `preview.error` events. */
  record(events: EventInput<'preview.error'>[]): Promise<void>
  /** Tells the agent (a follow-up message); absent when the project does not want it. */
  tell?: (text: string) => Promise<void>
  /** How long errors are gathered before they go out together. */
  batchMs?: number
  /** An error told to the agent is told again only after this long. */
  quietMs?: number
  onFailure?: (error: unknown) => void
}

const keyOf = (error: PageError) =>
  `${error.kind}\u0000${error.message}\u0000${error.source ?? ''}\u0000${error.line ?? ''}`

const where = (error: PageError) =>
  error.source
    ? ` (${error.source}${error.line ? `:${error.line}${error.column ? `:${error.column}` : ''}` : ''})`
    : ''

const kindNames = {
  error: 'Uncaught error',
  unhandledrejection: 'Unhandled rejection',
  console: 'console.error',
}

/** The follow-up the agent gets: each error once, with where it happened and its stack's top. */
export const describeErrors = (errors: { error: PageError; count: number; page?: string }[]) => {
  const lines = errors.map(({ error, count }, index) => {
    const stack = error.stack
      ?.split('\n')
      // Frames only (`at f (file:1:2)` in Chromium, `f@file:1:2` elsewhere), not the message again.
      .filter((line) => /^\s*at |@/.test(line))
      .slice(0, 5)
      .map((line) => `     ${line.trim()}`)
      .join('\n')
    return `${index + 1}. ${kindNames[error.kind]}: ${error.message}${where(error)}${count > 1 ? ` (${count} times)` : ''}${stack ? `\n${stack}` : ''}`
  })
  const page = errors.find((entry) => entry.page)?.page
  return `The live preview of your work shows ${errors.length === 1 ? 'an error' : `${errors.length} errors`} in the browser${page ? ` on ${page}` : ''}:\n\n${lines.join('\n')}\n\nPlease fix ${errors.length === 1 ? 'it' : 'them'}.`
}

/**
 * Gathers the errors a previewed page reports for a moment, counts repeats, stores them as events,
 * and tells the agent about the ones it has not been told of lately: one follow-up per batch.
 */
export const createErrorFeedback = (options: ErrorFeedbackOptions) => {
  const batchMs = options.batchMs ?? 1500
  const quietMs = options.quietMs ?? 60_000
  const batch = new Map<string, { error: PageError; count: number; page?: string }>()
  const told = new Map<string, number>()
  let timer: NodeJS.Timeout | undefined

  const flush = async () => {
    timer = undefined
    const entries = [...batch.entries()]
    batch.clear()
    if (entries.length === 0) return
    await options.record(
      entries.map(([, { error, count, page }]) => ({
        type: 'preview.error',
        data: { ...error, ...(page && { page }), count },
      })),
    )
    const now = Date.now()
    const fresh = entries.filter(([key]) => now - (told.get(key) ?? 0) > quietMs)
    if (!options.tell || fresh.length === 0) return
    for (const [key] of fresh) told.set(key, now)
    await options.tell(describeErrors(fresh.map(([, entry]) => entry)))
  }

  return {
    add(report: PageErrors) {
      for (const error of report.errors) {
        const key = keyOf(error)
        const held = batch.get(key)
        if (held) held.count += 1
        else batch.set(key, { error, count: 1, ...(report.page && { page: report.page }) })
      }
      timer ??= setTimeout(() => {
        flush().catch((error: unknown) => options.onFailure?.(error))
      }, batchMs)
    },
    /** Sends what is held now (the preview stops). */
    async close() {
      if (timer) clearTimeout(timer)
      await flush()
    },
  }
}
