import WebSocket from 'ws'
import type { CadreEvent } from '../../src/core/events/registry.ts'
import type { StreamMessage } from '../../src/server/stream-protocol.ts'
import { benchToken } from './serve-cadre.ts'

/** The wall clock in milliseconds, to the microsecond. */
const nowMs = () => performance.timeOrigin + performance.now()

export interface EventWatch {
  /** Per event received, milliseconds from its `at` (stamped by the server) to its arrival here. */
  readonly latencies: { stored: number[]; live: number[] }
  /** Each task's status and its reason as its last task.status_changed said, and the last seq received. */
  readonly tasks: Map<string, { status: string; reason?: string; lastSeq: number }>
  /** Every stored event received, in order, with its arrival time. */
  readonly received: { event: CadreEvent; arrivedMs: number }[]
  /** Subscribes to a project's events (after the given per-task cursors, and live for other tasks). */
  subscribe(projectId: string, cursors?: Record<string, number>): Promise<void>
  /** Subscribes to one task's events after `after`; resolves once the server has answered. */
  subscribeTask(taskId: string, after?: number): Promise<void>
  /** Resolves once `condition` holds, checked after each message. */
  until(condition: () => boolean, timeoutMs?: number): Promise<void>
  close(): Promise<void>
}

/** A WebSocket client on a server's /api/stream that timestamps every event it receives. */
export const watchEvents = async (serverUrl: string, keep = false): Promise<EventWatch> => {
  const socket = new WebSocket(`${serverUrl.replace(/^http/, 'ws')}/api/stream`, {
    headers: { authorization: `Bearer ${benchToken}` },
  })
  const latencies = { stored: [] as number[], live: [] as number[] }
  const tasks: EventWatch['tasks'] = new Map()
  const received: EventWatch['received'] = []
  const subscribedTo = new Set<string>()
  const waiters = new Set<() => void>()
  socket.on('message', (data) => {
    const arrivedMs = nowMs()
    const message = JSON.parse(data.toString()) as StreamMessage
    if (message.kind === 'event') {
      const { event } = message
      const task = tasks.get(event.taskId) ?? { status: 'queued', lastSeq: 0 }
      if ('seq' in event) {
        latencies.stored.push(arrivedMs - Date.parse(event.at))
        task.lastSeq = event.seq
        if (keep) received.push({ event, arrivedMs })
      } else latencies.live.push(arrivedMs - Date.parse(event.at))
      if (event.type === 'task.status_changed')
        Object.assign(task, { status: event.data.to, reason: event.data.reason })
      tasks.set(event.taskId, task)
    }
    if (message.kind === 'subscribed') subscribedTo.add(message.projectId ?? message.taskId ?? '')
    if (message.kind === 'error') throw new Error(`stream error: ${message.error.message}`)
    for (const waiter of waiters) waiter()
  })
  await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))

  const until = (condition: () => boolean, timeoutMs = 600_000) =>
    new Promise<void>((resolve, reject) => {
      const check = () => {
        if (!condition()) return
        clearTimeout(timer)
        waiters.delete(check)
        resolve()
      }
      const timer = setTimeout(() => {
        waiters.delete(check)
        reject(new Error('timed out waiting on the event stream'))
      }, timeoutMs)
      waiters.add(check)
      check()
    })
  return {
    latencies,
    tasks,
    received,
    subscribe(projectId, cursors = {}) {
      socket.send(JSON.stringify({ op: 'subscribe', projectId, cursors }))
      return until(() => subscribedTo.has(projectId), 30_000)
    },
    subscribeTask(taskId, after = 0) {
      socket.send(JSON.stringify({ op: 'subscribe', taskId, after }))
      return until(() => subscribedTo.has(taskId), 30_000)
    },
    until,
    async close() {
      const closed = new Promise((resolve) => socket.once('close', resolve))
      socket.close()
      await closed
    },
  }
}
