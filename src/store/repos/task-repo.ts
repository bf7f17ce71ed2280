import type { Task } from '../../core/entities.ts'
import { newId } from '../../core/ids.ts'
import type { AgentMode } from '../../core/settings.ts'
import type { TaskStatus } from '../../core/task-status.ts'
import type { TasksTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { TaskRepo } from '../store.ts'

const toTask = (row: TasksTable): Task => ({
  id: row.id,
  projectId: row.project_id,
  title: row.title,
  prompt: row.prompt,
  status: row.status as TaskStatus,
  statusReason: row.status_reason,
  agent: row.agent,
  model: row.model,
  mode: row.mode as AgentMode,
  branch: row.branch,
  baseBranch: row.base_branch,
  parentId: row.parent_id,
  sandbox: row.sandbox === null ? null : (JSON.parse(row.sandbox) as Task['sandbox']),
  buildId: row.build_id,
  lastSeq: Number(row.last_seq),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

const defaultListLimit = 500

export const createTaskRepo = ({ db, atomically }: SessionContext): TaskRepo => ({
  async create(task) {
    const at = now()
    const row: TasksTable = {
      id: task.id ?? newId('task'),
      project_id: task.projectId,
      title: task.title,
      prompt: task.prompt,
      status: task.status,
      status_reason: null,
      agent: task.agent,
      model: task.model,
      mode: task.mode,
      branch: task.branch,
      base_branch: task.baseBranch,
      parent_id: task.parentId ?? null,
      sandbox: task.sandbox ? JSON.stringify(task.sandbox) : null,
      build_id: task.buildId ?? null,
      last_seq: 0,
      created_at: at,
      updated_at: at,
    }
    await atomically((tx) => tx.insertInto('tasks').values(row).execute())
    return toTask(row)
  },

  async get(id) {
    const row = await db.selectFrom('tasks').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toTask(row)
  },

  async list(filter = {}) {
    let query = db.selectFrom('tasks').selectAll()
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId)
    if (filter.buildId !== undefined) query = query.where('build_id', '=', filter.buildId)
    if (filter.status !== undefined && filter.status.length > 0)
      query = query.where('status', 'in', filter.status)
    const { agent } = filter
    if (agent && 'in' in agent) {
      if (agent.in.length === 0) return []
      query = query.where('agent', 'in', agent.in)
    }
    if (agent && 'notIn' in agent && agent.notIn.length) query = query.where('agent', 'not in', agent.notIn)
    const ordered =
      filter.order === 'queue'
        ? query.orderBy('updated_at', 'asc').orderBy('id', 'asc')
        : query.orderBy('id', 'desc')
    const rows = await ordered.limit(filter.limit ?? defaultListLimit).execute()
    return rows.map(toTask)
  },

  async listChildren(parentId) {
    const rows = await db
      .selectFrom('tasks')
      .selectAll()
      .where('parent_id', '=', parentId)
      .orderBy('id', 'asc')
      .execute()
    return rows.map(toTask)
  },

  async setStatus(id, from, to, reason) {
    const row = await atomically((tx) =>
      tx
        .updateTable('tasks')
        .set({ status: to, status_reason: reason, updated_at: now() })
        .where('id', '=', id)
        .where('status', '=', from)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toTask(row)
  },

  async setMode(id, mode) {
    const row = await atomically((tx) =>
      tx
        .updateTable('tasks')
        .set({ mode, updated_at: now() })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toTask(row)
  },

  async lastSeqs(projectId) {
    const rows = await db
      .selectFrom('tasks')
      .select(['id', 'last_seq'])
      .where('project_id', '=', projectId)
      .execute()
    return new Map(rows.map((row) => [row.id, Number(row.last_seq)]))
  },
})
