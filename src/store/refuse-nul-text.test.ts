import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { ProjectSettings } from '../core/settings.ts'
import type { Store } from './store.ts'

describe('text with a NUL character on PostgreSQL', () => {
  let database: TestDatabase
  let store: Store
  beforeAll(async () => {
    database = await createTestDatabase('postgres')
    store = await database.connect()
  })
  afterAll(() => database[Symbol.asyncDispose]())

  it("is refused as the caller's bad request, looked up or stored (regression: an internal error, a 500)", async () => {
    await expect(store.tasks.get('tsk_\0')).rejects.toMatchObject({ code: 'bad_request' })
    await expect(
      store.projects.create({ name: 'a\0b', path: '/p/nul', settings: ProjectSettings.parse({}) }),
    ).rejects.toMatchObject({ code: 'bad_request', message: expect.stringMatching(/NUL character/) })
    // Text without one goes through as ever.
    const project = await store.projects.create({
      name: 'ab',
      path: '/p/fine',
      settings: ProjectSettings.parse({}),
    })
    expect((await store.projects.get(project.id))?.name).toBe('ab')
  })
})
