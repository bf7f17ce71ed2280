import type { Feature, FeatureStatus } from '../../core/features.ts'
import type { FeaturesTable } from '../database.ts'
import { now, type SessionContext } from '../session-context.ts'
import type { FeatureRepo } from '../store.ts'

const toFeature = (row: FeaturesTable): Feature => ({
  id: row.id,
  projectId: row.project_id,
  position: row.position,
  category: row.category,
  name: row.name,
  description: row.description,
  steps: JSON.parse(row.steps) as string[],
  dependsOn: JSON.parse(row.depends_on) as string[],
  status: row.status as FeatureStatus,
  attempts: row.attempts,
  lastTaskId: row.last_task_id,
  note: row.note,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createFeatureRepo = ({ db, atomically }: SessionContext): FeatureRepo => ({
  async list(projectId) {
    const rows = await db
      .selectFrom('features')
      .selectAll()
      .where('project_id', '=', projectId)
      .orderBy('position')
      .orderBy('id')
      .execute()
    return rows.map(toFeature)
  },

  async get(id) {
    const row = await db.selectFrom('features').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toFeature(row)
  },

  async create(features) {
    if (features.length === 0) return []
    const at = now()
    const rows = await atomically(async (tx) => {
      const last = await tx
        .selectFrom('features')
        .select((eb) => eb.fn.max('position').as('position'))
        .where('project_id', '=', features[0]!.projectId)
        .executeTakeFirst()
      const start = Number(last?.position ?? -1) + 1
      return tx
        .insertInto('features')
        .values(
          features.map((feature, index) => ({
            id: feature.id,
            project_id: feature.projectId,
            position: start + index,
            category: feature.category,
            name: feature.name,
            description: feature.description,
            steps: JSON.stringify(feature.steps),
            depends_on: JSON.stringify(feature.dependsOn),
            status: 'pending',
            attempts: 0,
            last_task_id: null,
            note: null,
            created_at: at,
            updated_at: at,
          })),
        )
        .returningAll()
        .execute()
    })
    return rows.map(toFeature).sort((a, b) => a.position - b.position)
  },

  async update(id, change) {
    const row = await atomically((tx) =>
      tx
        .updateTable('features')
        .set({
          ...(change.category !== undefined && { category: change.category }),
          ...(change.name !== undefined && { name: change.name }),
          ...(change.description !== undefined && { description: change.description }),
          ...(change.steps !== undefined && { steps: JSON.stringify(change.steps) }),
          ...(change.dependsOn !== undefined && { depends_on: JSON.stringify(change.dependsOn) }),
          ...(change.status !== undefined && { status: change.status }),
          ...(change.attempts !== undefined && { attempts: change.attempts }),
          ...(change.lastTaskId !== undefined && { last_task_id: change.lastTaskId }),
          ...(change.note !== undefined && { note: change.note }),
          ...(change.position !== undefined && { position: change.position }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toFeature(row)
  },

  async reorder(projectId, ids) {
    await atomically(async (tx) => {
      for (const [position, id] of ids.entries()) {
        await tx
          .updateTable('features')
          .set({ position, updated_at: now() })
          .where('id', '=', id)
          .where('project_id', '=', projectId)
          .execute()
      }
    })
  },

  async getSpec(projectId) {
    const row = await db
      .selectFrom('project_specs')
      .select(['text', 'updated_at'])
      .where('project_id', '=', projectId)
      .executeTakeFirst()
    return row && { text: row.text, updatedAt: row.updated_at }
  },

  async putSpec(projectId, text) {
    const at = now()
    await atomically((tx) =>
      tx
        .insertInto('project_specs')
        .values({ project_id: projectId, text, updated_at: at })
        .onConflict((oc) => oc.column('project_id').doUpdateSet({ text, updated_at: at }))
        .execute(),
    )
    return { text, updatedAt: at }
  },
})
