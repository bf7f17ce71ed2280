import { z } from 'zod'

/** Where a previewed page reports its errors: on its own origin, so no request ever leaves it. */
export const reporterPath = '/__cadre_preview/errors.js'
export const errorsPath = '/__cadre_preview/errors'

const text = (max: number) => z.string().transform((value) => value.slice(0, max))

/** One error as the page reports it; long texts are cut, not refused. */
export const PageError = z.object({
  kind: z.enum(['error', 'unhandledrejection', 'console']),
  message: text(4000),
  stack: text(8000).optional(),
  source: text(2000).optional(),
  line: z.number().int().nonnegative().optional(),
  column: z.number().int().nonnegative().optional(),
})
export type PageError = z.infer<typeof PageError>

export const PageErrors = z.object({
  page: text(2000).optional(),
  errors: z.array(PageError).min(1).max(50),
})
export type PageErrors = z.infer<typeof PageErrors>

/**
 * The script the preview injects first into every HTML page: uncaught errors, unhandled
 * rejections and `console.error` calls, with their stacks and source locations, sent in small
 * batches to the preview's own origin. Resource load failures (an image's 404) are not errors of
 * the code and are left out.
 */
export const errorReporterScript = `(() => {
  if (window.__cadrePreviewReporter) return
  window.__cadrePreviewReporter = true
  const queue = []
  let timer
  const flush = () => {
    timer = undefined
    const errors = queue.splice(0)
    if (errors.length === 0) return
    fetch(${JSON.stringify(errorsPath)}, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ page: location.href, errors }),
      keepalive: true,
    }).catch(() => {})
  }
  const report = (error) => {
    if (queue.length < 50) queue.push(error)
    if (timer === undefined) timer = setTimeout(flush, 250)
  }
  const describe = (value) => {
    if (value instanceof Error) return value.message
    if (typeof value === 'string') return value
    try { return JSON.stringify(value) } catch { return String(value) }
  }
  addEventListener('error', (event) => {
    if (!(event instanceof ErrorEvent)) return
    report({
      kind: 'error',
      message: event.message || describe(event.error),
      stack: event.error && event.error.stack ? String(event.error.stack) : undefined,
      source: event.filename || undefined,
      line: event.lineno || undefined,
      column: event.colno || undefined,
    })
  }, true)
  addEventListener('unhandledrejection', (event) => {
    const reason = event.reason
    report({ kind: 'unhandledrejection', message: describe(reason), stack: reason && reason.stack ? String(reason.stack) : undefined })
  })
  const original = console.error
  console.error = function (...args) {
    const error = args.find((arg) => arg instanceof Error)
    report({ kind: 'console', message: args.map(describe).join(' '), stack: error && error.stack ? String(error.stack) : undefined })
    return original.apply(this, args)
  }
})()
`
