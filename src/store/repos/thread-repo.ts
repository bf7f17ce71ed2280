import type { Thread } from '../../core/entities.ts'
import { newId } from '../../core/ids.ts'
import type { ThreadsTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { ThreadRepo } from '../store.ts'

const toThread = (row: ThreadsTable): Thread => ({
  id: row.id,
  taskId: row.task_id,
  title: row.title,
  agentSessionId: row.agent_session_id,
  createdAt: row.created_at,
})

export const createThreadRepo = ({ db, atomically }: SessionContext): ThreadRepo => ({
  async create(thread) {
    const row: ThreadsTable = {
      id: newId('thread'),
      task_id: thread.taskId,
      title: thread.title,
      agent_session_id: null,
      created_at: now(),
    }
    await atomically((tx) => tx.insertInto('threads').values(row).execute())
    return toThread(row)
  },

  async get(id) {
    const row = await db.selectFrom('threads').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toThread(row)
  },

  async list(taskId) {
    const rows = await db
      .selectFrom('threads')
      .selectAll()
      .where('task_id', '=', taskId)
      .orderBy('id')
      .execute()
    return rows.map(toThread)
  },

  async setAgentSession(id, agentSessionId) {
    await atomically((tx) =>
      tx.updateTable('threads').set({ agent_session_id: agentSessionId }).where('id', '=', id).execute(),
    )
  },
})
