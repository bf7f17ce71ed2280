import type { Project } from '../../core/entities.ts'
import { CadreError } from '../../core/errors.ts'
import { newId } from '../../core/ids.ts'
import { ProjectSettings } from '../../core/settings.ts'
import type { ProjectsTable } from '../database.ts'
import { isUniqueViolation, now, type SessionContext } from '../session-context.ts'
import type { ProjectRepo } from '../store.ts'

const toProject = (row: ProjectsTable): Project => ({
  id: row.id,
  name: row.name,
  path: row.path,
  // Parsing fills in defaults added by later versions for settings stored before them.
  settings: ProjectSettings.parse(JSON.parse(row.settings)),
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

export const createProjectRepo = ({ db, atomically }: SessionContext): ProjectRepo => ({
  async create(project) {
    const at = now()
    const row: ProjectsTable = {
      id: newId('project'),
      name: project.name,
      path: project.path,
      settings: JSON.stringify(project.settings),
      created_at: at,
      updated_at: at,
    }
    try {
      await atomically((tx) => tx.insertInto('projects').values(row).execute())
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new CadreError('conflict', `a project is already registered at ${project.path}`, {
          details: { path: project.path },
        })
      }
      throw error
    }
    return toProject(row)
  },

  async get(id) {
    const row = await db.selectFrom('projects').selectAll().where('id', '=', id).executeTakeFirst()
    return row && toProject(row)
  },

  async getByPath(path) {
    const row = await db.selectFrom('projects').selectAll().where('path', '=', path).executeTakeFirst()
    return row && toProject(row)
  },

  async list() {
    const rows = await db.selectFrom('projects').selectAll().orderBy('id').execute()
    return rows.map(toProject)
  },

  async update(id, change) {
    const row = await atomically((tx) =>
      tx
        .updateTable('projects')
        .set({
          ...(change.name !== undefined && { name: change.name }),
          ...(change.settings !== undefined && { settings: JSON.stringify(change.settings) }),
          updated_at: now(),
        })
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirst(),
    )
    return row && toProject(row)
  },

  async delete(id) {
    const result = await atomically((tx) => tx.deleteFrom('projects').where('id', '=', id).executeTakeFirst())
    return Number(result.numDeletedRows) > 0
  },
})
