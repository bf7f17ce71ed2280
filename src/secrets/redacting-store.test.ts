import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { addStoredTask, createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import type { Store } from '../store/store.ts'
import { redactingStore } from './redacting-store.ts'
import { createRedactor } from './redactor.ts'

const secret = 'Zq-shapeless-secret-from-a-tool-output'

describe('redacting store', () => {
  let database: TestDatabase
  let store: Store
  beforeEach(async () => {
    database = await createTestDatabase('sqlite')
    store = redactingStore(await database.connect(), createRedactor([secret]))
  })
  afterEach(() => database[Symbol.asyncDispose]())

  it('stores no known secret in task prompts or event payloads, in transactions or not', async () => {
    const task = await addStoredTask(store, {
      title: `title ${secret}`,
      prompt: `prompt ${secret}`,
      status: 'queued',
    })
    await store.events.append(task.id, [
      { type: 'message.user', data: { threadId: 't', text: `a ${secret}` } },
    ])
    await store.transaction((session) =>
      session.events.append(task.id, [
        { type: 'message.assistant', data: { threadId: 't', text: `b ${secret}`, toolCalls: [] } },
      ]),
    )
    await store.tasks.setStatus(task.id, 'queued', 'failed', `crashed: ${secret}`)
    const thread = await store.threads.create({ taskId: task.id, title: `about ${secret}` })
    const run = await store.runs.create({ taskId: task.id, threadId: thread.id, agent: 'builtin' })
    await store.transaction((session) => session.runs.update(run.id, { outcome: `failed: ${secret}` }))
    const raw = await database.connect()
    const stored = JSON.stringify([
      await raw.tasks.get(task.id),
      await raw.events.list(task.id, { after: 0, limit: 10 }),
      await raw.threads.list(task.id),
      await raw.runs.list(task.id),
    ])
    expect(stored).not.toContain(secret)
    expect(stored.match(/\[redacted\]/g)).toHaveLength(7)
  })
})
