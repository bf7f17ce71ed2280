import { createRoute, OpenAPIHono } from '@hono/zod-openapi'
import { stream } from 'hono/streaming'
import { z } from 'zod'
import { CadreError, notFound } from '../../core/errors.ts'
import { type CadreEvent, isStoredEvent } from '../../core/events/registry.ts'
import { type EventFeed, openEventFeed } from '../../events/event-feed.ts'
import { EventPage, errors, IdParam } from '../api-schemas.ts'
import type { AppDeps } from '../app-deps.ts'
import { validationHook } from '../error-responses.ts'

const EventQuery = z.object({
  after: z.coerce.number().int().min(0).default(0).describe('return events with a greater seq'),
  limit: z.coerce.number().int().min(1).max(5000).default(500),
})

const keepAliveMs = 15_000
const reconnectMs = 1000
const maxUnsentBytes = 16 * 1024 * 1024

/** SSE frames: stored events carry their seq as id, so EventSource resumes by Last-Event-ID. */
const sseFrame = (event: CadreEvent) =>
  `${isStoredEvent(event) ? `id: ${event.seq}\n` : ''}data: ${JSON.stringify(event)}\n\n`

const resumeCursor = (header: string | undefined, after: number) => {
  if (header === undefined) return after
  if (!/^\d{1,15}$/.test(header.trim())) {
    throw new CadreError('validation_failed', `Last-Event-ID must be the seq of an event, got "${header}"`)
  }
  return Math.max(after, Number(header))
}

export const eventRoutes = (deps: AppDeps) => {
  const { store, bus, shutdown } = deps
  return new OpenAPIHono({ defaultHook: validationHook }).openapi(
    createRoute({
      method: 'get',
      path: '/api/tasks/{id}/events',
      tags: ['events'],
      summary:
        "A task's events after a seq: a JSON page, or a live SSE stream when asked for text/event-stream",
      description:
        'With `Accept: text/event-stream` the stored events after `after` (or `Last-Event-ID`) are replayed, ' +
        'then live events follow with no gap and no duplicate. Each frame is one event as JSON; stored ' +
        'events carry `id: <seq>`.',
      request: { params: IdParam, query: EventQuery },
      responses: {
        200: {
          description: 'the events',
          content: {
            'application/json': { schema: EventPage },
            'text/event-stream': { schema: z.string().describe('one `data:` frame per event') },
          },
        },
        400: errors[400],
        404: errors[404],
        409: errors[409],
      },
    }),
    async (c) => {
      const { id } = c.req.valid('param')
      const { after, limit } = c.req.valid('query')
      const task = await store.tasks.get(id)
      if (!task) throw notFound('task', id)
      if (!c.req.header('accept')?.includes('text/event-stream')) {
        const events = await store.events.list(id, { after, limit })
        return c.json({ events, lastSeq: Math.max(task.lastSeq, events.at(-1)?.seq ?? 0) }, 200)
      }
      const cursor = resumeCursor(c.req.header('last-event-id'), after)
      if (cursor > task.lastSeq) {
        throw new CadreError(
          'conflict',
          `seq ${cursor} is past the last event of task ${id} (${task.lastSeq}); resume from ${task.lastSeq} or lower`,
        )
      }
      c.header('Content-Type', 'text/event-stream')
      c.header('Cache-Control', 'no-cache')
      c.header('X-Accel-Buffering', 'no')
      return stream(c, async (out) => {
        const done = Promise.withResolvers<void>()
        const stop = () => done.resolve()
        // Listen for the end before any await: a client gone during set-up must still be cleaned up.
        out.onAbort(stop)
        shutdown.addEventListener('abort', stop, { once: true })
        let unsent = 0
        const send = (frame: string) => {
          // A client this far behind is ended; EventSource reconnects with Last-Event-ID and resumes.
          unsent += frame.length
          if (unsent > maxUnsentBytes) stop()
          return out.write(frame).then(() => {
            unsent -= frame.length
          })
        }
        let feed: EventFeed | undefined
        const keepAlive = setInterval(() => void send(': keep-alive\n\n'), keepAliveMs)
        try {
          await send(`retry: ${reconnectMs}\n\n`)
          if (out.aborted || shutdown.aborted) return
          feed = await openEventFeed({
            store,
            bus,
            topic: { taskId: id },
            cursors: new Map([[id, cursor]]),
            deliver: (event) => send(sseFrame(event)),
            onError: (error) => {
              deps.log.warn({ err: error, taskId: id }, 'event stream ended by a store error')
              stop()
            },
          })
          if (out.aborted) return
          await done.promise
        } finally {
          clearInterval(keepAlive)
          shutdown.removeEventListener('abort', stop)
          feed?.close()
        }
      })
    },
  )
}
