import type { TestDatabase } from '../../test/support/test-stores.ts'
import type { EventInput } from '../core/events/registry.ts'
import type { Store } from './store.ts'

export const userMessage = (text: string): EventInput => ({
  type: 'message.user',
  data: { threadId: 'thr_x', text },
})

/** What each part of the contract is given: a fresh store per test, and ways to fill it. */
export type StoreContext = {
  readonly store: Store
  readonly database: TestDatabase
  newProject(path?: string): ReturnType<Store['projects']['create']>
  newTask(projectId: string, status?: 'queued' | 'backlog'): ReturnType<Store['tasks']['create']>
}
