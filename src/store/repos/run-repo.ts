import type { ExpressionBuilder } from 'kysely'
import { addUsage, type Run, type RunStatus, Usage, zeroUsage } from '../../core/entities.ts'
import { newId } from '../../core/ids.ts'
import type { Database, RunsTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { RunRepo } from '../store.ts'

const toRun = (row: RunsTable): Run => ({
  id: row.id,
  taskId: row.task_id,
  threadId: row.thread_id,
  agent: row.agent,
  status: row.status as RunStatus,
  outcome: row.outcome,
  workerId: row.worker_id,
  leaseExpiresAt: row.lease_expires_at,
  usage: Usage.parse(JSON.parse(row.usage)),
  costUsd: Number(row.cost_usd),
  createdAt: row.created_at,
  startedAt: row.started_at,
  endedAt: row.ended_at,
})

// A run is stale when its lease ran out (or was never given), or its worker is known to be dead.
const stale = (eb: ExpressionBuilder<Database, 'runs'>, at: string, deadWorkerId: string | undefined) =>
  eb.or([
    eb('lease_expires_at', 'is', null),
    eb('lease_expires_at', '<', at),
    ...(deadWorkerId === undefined ? [] : [eb('worker_id', '=', deadWorkerId)]),
  ])

export const createRunRepo = ({ db, atomically }: SessionContext): RunRepo => ({
  async create(run) {
    const row: RunsTable = {
      id: newId('run'),
      task_id: run.taskId,
      thread_id: run.threadId,
      agent: run.agent,
      status: 'pending',
      outcome: null,
      worker_id: null,
      lease_expires_at: null,
      usage: JSON.stringify(zeroUsage),
      cost_usd: 0,
      created_at: now(),
      started_at: null,
      ended_at: null,
    }
    await atomically((tx) => tx.insertInto('runs').values(row).execute())
    return toRun(row)
  },

  async get(id) {
    const row = await db.selectFrom('runs').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toRun(row)
  },

  async list(taskId) {
    const rows = await db.selectFrom('runs').selectAll().where('task_id', '=', taskId).orderBy('id').execute()
    return rows.map(toRun)
  },

  async addUsage(id, usage, costUsd) {
    return atomically(async (tx) => {
      // The increment takes the row's lock first (PostgreSQL), so the read below cannot race another addition.
      const counted = await tx
        .updateTable('runs')
        .set((eb) => ({ cost_usd: eb('cost_usd', '+', costUsd) }))
        .where('id', '=', id)
        .returning('usage')
        .executeTakeFirst()
      if (!counted) return undefined
      const total = addUsage(Usage.parse(JSON.parse(counted.usage)), usage)
      const row = await tx
        .updateTable('runs')
        .set({ usage: JSON.stringify(total) })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow()
      return toRun(row)
    })
  },

  async costSince(projectId, since) {
    const row = await db
      .selectFrom('runs')
      .innerJoin('tasks', 'tasks.id', 'runs.task_id')
      .select((eb) => eb.fn.coalesce(eb.fn.sum<number>('runs.cost_usd'), eb.val(0)).as('total'))
      .where('tasks.project_id', '=', projectId)
      .where('runs.started_at', '>=', since)
      .executeTakeFirstOrThrow()
    return Number(row.total)
  },

  async listStale(at, deadWorkerId) {
    const rows = await db
      .selectFrom('runs')
      .selectAll()
      .where('status', '=', 'running')
      .where((eb) => stale(eb, at, deadWorkerId))
      .orderBy('id')
      .execute()
    return rows.map(toRun)
  },

  async heartbeat(id, workerId, leaseExpiresAt) {
    const result = await atomically((tx) =>
      tx
        .updateTable('runs')
        .set({ lease_expires_at: leaseExpiresAt })
        .where('id', '=', id)
        .where('worker_id', '=', workerId)
        .where('status', '=', 'running')
        .executeTakeFirst(),
    )
    return Number(result.numUpdatedRows) > 0
  },

  async takeOver(id, workerId, leaseExpiresAt, at, deadWorkerId) {
    const row = await atomically((tx) =>
      tx
        .updateTable('runs')
        .set({ worker_id: workerId, lease_expires_at: leaseExpiresAt })
        .where('id', '=', id)
        .where('status', '=', 'running')
        .where((eb) => stale(eb, at, deadWorkerId))
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toRun(row)
  },

  async update(id, change) {
    const { usage, costUsd, leaseExpiresAt, workerId, startedAt, endedAt, ...rest } = change
    const row = await atomically((tx) =>
      tx
        .updateTable('runs')
        .set({
          ...rest,
          ...(usage !== undefined && { usage: JSON.stringify(usage) }),
          ...(costUsd !== undefined && { cost_usd: costUsd }),
          ...(leaseExpiresAt !== undefined && { lease_expires_at: leaseExpiresAt }),
          ...(workerId !== undefined && { worker_id: workerId }),
          ...(startedAt !== undefined && { started_at: startedAt }),
          ...(endedAt !== undefined && { ended_at: endedAt }),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toRun(row)
  },
})
