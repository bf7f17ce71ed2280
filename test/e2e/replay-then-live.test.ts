import { setTimeout as sleep } from 'node:timers/promises'
import { describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import type { StoredEvent } from '../../src/core/events/registry.ts'
import { commitEvents } from '../../src/events/commit-events.ts'
import type { EventBus } from '../../src/events/event-bus.ts'
import type { StreamMessage } from '../../src/server/stream-protocol.ts'
import type { Store } from '../../src/store/store.ts'
import { createTask } from '../../src/tasks/create-task.ts'
import { startTestServer, type TestServer } from '../support/test-server.ts'
import { engines } from '../support/test-stores.ts'

const random = (min: number, max: number) => min + Math.floor(Math.random() * (max - min + 1))

/**
 * A subscriber that connects, listens a random while, drops the connection abruptly, and comes
 * back with the last seq it holds per task, over and over. It records what it received.
 */
const runSubscriber = async (
  t: TestServer,
  kind: 'tasks' | 'project',
  projectId: string,
  taskIds: string[],
  writing: () => boolean,
) => {
  const held = new Map(taskIds.map((id) => [id, [] as StoredEvent[]]))
  const anomalies: string[] = []
  let connections = 0
  const lastSeq = (id: string) => held.get(id)!.at(-1)?.seq ?? 0
  const caughtUp = async () => {
    for (const id of taskIds) if (lastSeq(id) < (await t.store.tasks.get(id))!.lastSeq) return false
    return true
  }
  for (;;) {
    const finalRound = !writing()
    connections++
    const socket = new WebSocket(`${t.url.replace('http', 'ws')}/api/stream`, {
      headers: { authorization: `Bearer ${t.token}` },
    })
    socket.on('message', (data) => {
      const message = JSON.parse(data.toString()) as StreamMessage
      if (message.kind === 'error') anomalies.push(`error: ${message.error.message}`)
      if (message.kind !== 'event' || !('seq' in message.event)) return
      const event = message.event as StoredEvent
      const expected = lastSeq(event.taskId) + 1
      if (event.seq !== expected)
        anomalies.push(`${event.taskId}: got seq ${event.seq}, expected ${expected}`)
      else held.get(event.taskId)!.push(event)
    })
    await new Promise((resolve, reject) => socket.once('open', resolve).once('error', reject))
    if (kind === 'tasks') {
      for (const id of taskIds)
        socket.send(JSON.stringify({ op: 'subscribe', taskId: id, after: lastSeq(id) }))
    } else {
      const cursors = Object.fromEntries(taskIds.map((id) => [id, lastSeq(id)]))
      socket.send(JSON.stringify({ op: 'subscribe', projectId, cursors }))
    }
    if (finalRound) {
      const deadline = Date.now() + 20_000
      while (!(await caughtUp()) && Date.now() < deadline) await sleep(20)
      socket.close()
      return { held, anomalies, connections }
    }
    await sleep(random(15, 120))
    socket.terminate()
  }
}

/**
 * A writer on its own store connection, appending to random tasks, sometimes in batches. With
 * `lag`, its events reach the bus a few ms late, as from another node, so live delivery can
 * arrive out of seq order.
 */
const runWriter = async (
  store: Store,
  t: TestServer,
  taskIds: string[],
  name: string,
  appends: number,
  lag = false,
) => {
  const bus: EventBus = lag
    ? {
        publish: (event) => void setTimeout(() => t.bus.publish(event), random(0, 3)),
        subscribe: t.bus.subscribe,
      }
    : t.bus
  for (let i = 0; i < appends; i++) {
    const taskId = taskIds[random(0, taskIds.length - 1)]!
    const size = i % 7 === 0 ? 3 : 1
    await commitEvents({ store, bus }, (_session, emit) =>
      emit(
        taskId,
        Array.from({ length: size }, (_, k) => ({
          type: 'message.user' as const,
          data: { threadId: 'thr_bench', text: `${name}-${i}-${k}` },
        })),
      ),
    )
    // Live-only traffic on the same bus, which must never disturb the stored sequence.
    t.bus.publish({
      type: 'assistant.delta',
      taskId,
      projectId: (await store.tasks.get(taskId))!.projectId,
      at: new Date().toISOString(),
      data: { threadId: 'thr_bench', blockId: 'b', text: 'x' },
    })
    if (i % 3 === 0) await sleep(random(0, 4))
  }
}

describe.each(engines)('replay then live on %s', (engine) => {
  it('gives every reconnecting subscriber exactly what the store holds, in order, once', async () => {
    await using t = await startTestServer(engine)
    const secondWriter = await t.database.connect()
    const project = { id: await t.addProject() }
    const taskIds: string[] = []
    for (let i = 0; i < 3; i++)
      taskIds.push((await createTask(t, { projectId: project.id, prompt: `task ${i}` })).id)

    let writing = true
    const subscribers = [
      ...Array.from({ length: 3 }, () => runSubscriber(t, 'tasks', project.id, taskIds, () => writing)),
      ...Array.from({ length: 3 }, () => runSubscriber(t, 'project', project.id, taskIds, () => writing)),
    ]
    await Promise.all([
      runWriter(t.store, t, taskIds, 'first', 250),
      runWriter(secondWriter, t, taskIds, 'second', 250, true),
    ])
    writing = false
    const results = await Promise.all(subscribers)

    for (const taskId of taskIds) {
      const stored = await t.store.events.list(taskId, { after: 0, limit: 10_000 })
      expect(stored.map((e) => e.seq)).toEqual(stored.map((_, i) => i + 1))
      for (const result of results) {
        expect(result.anomalies).toEqual([])
        expect(result.held.get(taskId)).toEqual(stored)
      }
    }
    // The subscribers really did drop and resume many times while events were being written.
    for (const result of results) expect(result.connections).toBeGreaterThan(3)
  }, 120_000)
})
