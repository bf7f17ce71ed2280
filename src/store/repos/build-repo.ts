import type { Build, BuildStatus } from '../../core/builds.ts'
import type { AgentMode } from '../../core/settings.ts'
import type { BuildsTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { BuildRepo } from '../store.ts'

const toBuild = (row: BuildsTable): Build => ({
  id: row.id,
  projectId: row.project_id,
  status: row.status as BuildStatus,
  statusReason: row.status_reason,
  pausedBy: row.paused_by as Build['pausedBy'],
  branch: row.branch,
  fromBranch: row.from_branch,
  concurrency: row.concurrency,
  agent: row.agent,
  model: row.model,
  mode: row.mode as AgentMode,
  maxAttempts: row.max_attempts,
  regressionEvery: row.regression_every,
  initializerTaskId: row.initializer_task_id,
  mergesSinceRegression: row.merges_since_regression,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createBuildRepo = ({ db, atomically }: SessionContext): BuildRepo => ({
  async create(build) {
    const at = now()
    const row = await atomically((tx) =>
      tx
        .insertInto('builds')
        .values({
          id: build.id,
          project_id: build.projectId,
          status: build.status,
          status_reason: null,
          paused_by: null,
          branch: build.branch,
          from_branch: build.fromBranch,
          concurrency: build.concurrency,
          agent: build.agent,
          model: build.model,
          mode: build.mode,
          max_attempts: build.maxAttempts,
          regression_every: build.regressionEvery,
          initializer_task_id: null,
          merges_since_regression: 0,
          driver: null,
          driver_lease_until: null,
          created_at: at,
          updated_at: at,
        })
        .returningAll()
        .executeTakeFirstOrThrow(),
    )
    return toBuild(row)
  },

  async get(id) {
    const row = await db.selectFrom('builds').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toBuild(row)
  },

  async list(filter = {}) {
    let query = db.selectFrom('builds').selectAll()
    if (filter.projectId !== undefined) query = query.where('project_id', '=', filter.projectId)
    if (filter.status !== undefined && filter.status.length > 0)
      query = query.where('status', 'in', [...filter.status])
    return (await query.orderBy('id', 'desc').execute()).map(toBuild)
  },

  async claim(id, driver, leaseUntil, takeOverFrom) {
    const row = await atomically((tx) =>
      tx
        .updateTable('builds')
        .set({ driver, driver_lease_until: leaseUntil })
        .where('id', '=', id)
        .where((where) =>
          where.or([
            where('driver', 'is', null),
            where('driver', '=', driver),
            where('driver_lease_until', '<', now()),
            ...(takeOverFrom ? [where('driver', '=', takeOverFrom)] : []),
          ]),
        )
        .returning('id')
        .executeTakeFirst(),
    )
    return row !== undefined
  },

  async update(id, change) {
    const row = await atomically((tx) =>
      tx
        .updateTable('builds')
        .set({
          ...(change.status !== undefined && { status: change.status }),
          ...(change.statusReason !== undefined && { status_reason: change.statusReason }),
          ...(change.pausedBy !== undefined && { paused_by: change.pausedBy }),
          ...(change.initializerTaskId !== undefined && { initializer_task_id: change.initializerTaskId }),
          ...(change.mergesSinceRegression !== undefined && {
            merges_since_regression: change.mergesSinceRegression,
          }),
          ...(change.concurrency !== undefined && { concurrency: change.concurrency }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toBuild(row)
  },
})
