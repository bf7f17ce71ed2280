import type { IncomingMessage } from 'node:http'
import type { Duplex } from 'node:stream'
import { parse as parseCookie } from 'hono/utils/cookie'
import { type WebSocket, WebSocketServer } from 'ws'
import { CadreError, notFound, validationError } from '../core/errors.ts'
import type { CadreEvent } from '../core/events/registry.ts'
import type { Topic } from '../events/event-bus.ts'
import { type EventFeed, openEventFeed } from '../events/event-feed.ts'
import { sessionCookieName } from './access-guard.ts'
import type { AppDeps } from './app-deps.ts'
import { type StreamMessage, StreamRequest } from './stream-protocol.ts'

export const streamPath = '/api/stream'

const limits = {
  maxPayload: 64 * 1024,
  subscriptions: 1000,
  /** Past this much unsent data replay waits; past `dropAt` a live client is too slow and is closed. */
  pauseAt: 1024 * 1024,
  dropAt: 16 * 1024 * 1024,
  pingMs: 30_000,
}

const closeCodes = { shutdown: 1001, storeFailed: 1011 }

const topicKey = (topic: Topic) => ('taskId' in topic ? `task:${topic.taskId}` : `project:${topic.projectId}`)

const rejectUpgrade = (socket: Duplex, status: number, error: CadreError) => {
  const body = JSON.stringify({ error: { code: error.code, message: error.message } })
  socket.end(
    `HTTP/1.1 ${status} ${status === 401 ? 'Unauthorized' : 'Forbidden'}\r\nContent-Type: application/json\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`,
  )
}

/**
 * The WebSocket event stream. A client subscribes to tasks or projects with the seq it holds and
 * receives, per task, every event after it in order, then live ones, exactly once.
 */
export const createEventStreamSocket = (deps: AppDeps) => {
  const { guard, store, bus, log } = deps
  const server = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayload })

  const send = (socket: WebSocket, message: StreamMessage) => {
    if (socket.readyState === socket.OPEN) socket.send(JSON.stringify(message))
  }

  const waitForRoom = async (socket: WebSocket) => {
    while (socket.readyState === socket.OPEN && socket.bufferedAmount > limits.pauseAt) {
      await new Promise((resolve) => setTimeout(resolve, 10))
    }
  }

  const serve = (socket: WebSocket) => {
    // A subscription is reserved the moment it is asked for, before any await, so a repeated or
    // cancelled request cannot open a second feed or leave one behind.
    const subscriptions = new Map<string, { feed?: EventFeed; cancelled: boolean }>()
    const deliver = (event: CadreEvent) => {
      if (socket.bufferedAmount > limits.dropAt) {
        // terminate, not close: a closing handshake would keep the backlog in memory until it times out.
        log.warn({ buffered: socket.bufferedAmount }, 'stream client too slow; disconnected')
        socket.terminate()
        return
      }
      send(socket, { kind: 'event', event })
      return waitForRoom(socket)
    }

    const unsubscribe = (key: string) => {
      const subscription = subscriptions.get(key)
      if (!subscription) return
      subscription.cancelled = true
      subscription.feed?.close()
      subscriptions.delete(key)
    }

    const subscribe = async (topic: Topic, cursors: Map<string, number>) => {
      const key = topicKey(topic)
      if (subscriptions.has(key)) throw new CadreError('conflict', `already subscribed to ${key}`)
      if (subscriptions.size >= limits.subscriptions) {
        throw new CadreError('bad_request', `at most ${limits.subscriptions} subscriptions per connection`)
      }
      const subscription: { feed?: EventFeed; cancelled: boolean } = { cancelled: false }
      subscriptions.set(key, subscription)
      try {
        if ('projectId' in topic && !(await store.projects.get(topic.projectId))) {
          throw notFound('project', topic.projectId)
        }
        const feed = await openEventFeed({
          store,
          bus,
          topic,
          cursors,
          deliver,
          onError: (error) => {
            log.warn({ err: error, topic: key }, 'stream subscription ended by a store error')
            socket.close(closeCodes.storeFailed, 'store error: reconnect and resume from your last seq')
          },
        })
        if (subscription.cancelled) return feed.close()
        subscription.feed = feed
        send(socket, { kind: 'subscribed', ...topic, cursors: Object.fromEntries(feed.startCursors) })
      } catch (error) {
        if (subscriptions.get(key) === subscription) subscriptions.delete(key)
        throw error
      }
    }

    const handle = async (raw: string) => {
      let parsed: unknown
      try {
        parsed = JSON.parse(raw)
      } catch {
        throw new CadreError('bad_request', 'each message must be one JSON object')
      }
      const result = StreamRequest.safeParse(parsed)
      if (!result.success) throw validationError(result.error, 'message')
      const request = result.data
      const topic: Topic = 'taskId' in request ? { taskId: request.taskId } : { projectId: request.projectId }
      if (request.op === 'unsubscribe') return unsubscribe(topicKey(topic))
      const cursors =
        'after' in request
          ? new Map([[request.taskId, request.after]])
          : new Map(Object.entries(request.cursors))
      await subscribe(topic, cursors)
    }

    socket.on('message', (data, isBinary) => {
      handle(isBinary ? '' : data.toString()).catch((error: unknown) => {
        const failure =
          error instanceof CadreError
            ? error
            : new CadreError('internal', 'the subscription failed; see the server log')
        if (!(error instanceof CadreError)) log.error({ err: error }, 'stream request failed')
        send(socket, { kind: 'error', error: { code: failure.code, message: failure.message } })
      })
    })
    // A frame over the size limit or a text frame that is not UTF-8 is an error on this socket: ws
    // closes it (1009, 1007); unheard, the error would be thrown and end the whole server.
    socket.on('error', (error) => log.debug({ err: error }, 'stream connection closed on a bad frame'))
    let alive = true
    socket.on('pong', () => {
      alive = true
    })
    const ping = setInterval(() => {
      if (!alive) return socket.terminate()
      alive = false
      socket.ping()
    }, limits.pingMs)
    socket.on('close', () => {
      clearInterval(ping)
      for (const key of [...subscriptions.keys()]) unsubscribe(key)
    })
  }

  server.on('connection', serve)

  return {
    /** Handles an HTTP upgrade on /api/stream after the same Host, Origin and token checks as HTTP. */
    handleUpgrade(request: IncomingMessage, socket: Duplex, head: Buffer) {
      if (!guard.hostAllowed(request.headers.host) || !guard.originAllowed(request.headers.origin)) {
        return rejectUpgrade(
          socket,
          403,
          new CadreError('forbidden', 'cross-site or foreign-host connection refused'),
        )
      }
      const bearer = request.headers.authorization?.match(/^Bearer (.+)$/i)?.[1]
      const cookie = parseCookie(request.headers.cookie ?? '', sessionCookieName)[sessionCookieName]
      if (!guard.tokenValid(bearer) && !guard.sessionValid(cookie)) {
        return rejectUpgrade(socket, 401, new CadreError('unauthorized', 'the stream needs the access token'))
      }
      server.handleUpgrade(request, socket, head, (client) => server.emit('connection', client, request))
    },
    /** Closes every connection, telling clients to come back later. */
    close() {
      for (const client of server.clients) client.close(closeCodes.shutdown, 'server shutting down')
      server.close()
    },
  }
}
