import { CadreError, notFound, validationError } from '../../core/errors.ts'
import { type EventInput, eventDefinition, type StoredEvent } from '../../core/events/registry.ts'
import type { EventsTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { EventRepo } from '../store.ts'

/** Checks an event against its registered schema before it is stored; a bad one is a bug, refused. */
const validated = (event: EventInput): EventInput => {
  const definition = eventDefinition(event.type)
  if (!definition?.durable) {
    throw new CadreError('bad_request', `"${event.type}" is not a stored event type`)
  }
  const result = definition.data.safeParse(event.data)
  if (!result.success) throw validationError(result.error, event.type)
  return { type: event.type, data: result.data } as EventInput
}

export const createEventRepo = ({ db, atomically }: SessionContext): EventRepo => ({
  async append(taskId, inputs) {
    const events = inputs.map(validated)
    if (events.length === 0) return []
    return atomically(async (tx) => {
      // Bumping the task's counter takes its row lock (PostgreSQL) or the write lock (SQLite): the
      // next appender to this task waits for this transaction, so seqs are gapless and commit in order.
      const counter = await tx
        .updateTable('tasks')
        .set((eb) => ({ last_seq: eb('last_seq', '+', events.length) }))
        .where('id', '=', taskId)
        .returning(['last_seq', 'project_id'])
        .executeTakeFirst()
      if (!counter) throw notFound('task', taskId)
      const first = Number(counter.last_seq) - events.length + 1
      const at = now()
      const rows: EventsTable[] = events.map((event, index) => ({
        task_id: taskId,
        seq: first + index,
        type: event.type,
        data: JSON.stringify(event.data),
        at,
      }))
      await tx.insertInto('events').values(rows).execute()
      return rows.map((row, index) => ({
        taskId,
        projectId: counter.project_id,
        seq: row.seq,
        at,
        ...events[index],
      })) as StoredEvent[]
    })
  },

  async list(taskId, { after, limit }) {
    const rows = await db
      .selectFrom('events')
      .innerJoin('tasks', 'tasks.id', 'events.task_id')
      .select(['events.seq', 'events.type', 'events.data', 'events.at', 'tasks.project_id'])
      .where('events.task_id', '=', taskId)
      .where('events.seq', '>', after)
      .orderBy('events.seq')
      .limit(limit)
      .execute()
    return rows.map(
      (row) =>
        ({
          taskId,
          projectId: row.project_id,
          seq: Number(row.seq),
          at: row.at,
          type: row.type,
          data: JSON.parse(row.data),
        }) as StoredEvent,
    )
  },
})
