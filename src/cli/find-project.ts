import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'
import type { Project } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { type Client, type Connection, readJson } from './client.ts'

/** A project given as its id or as the path of its repository (or a folder inside it). */
export const findProject = async (
  client: Client,
  connection: Connection,
  reference: string,
): Promise<Project> => {
  const { projects } = await readJson<{ projects: Project[] }>(client.api.projects.$get(), connection.url)
  const byId = projects.find((p) => p.id === reference)
  if (byId) return byId
  let path = resolve(reference)
  try {
    path = realpathSync(path)
  } catch {}
  const byPath = projects
    .filter((p) => path === p.path || path.startsWith(`${p.path}/`))
    .sort((a, b) => b.path.length - a.path.length)[0]
  if (byPath) return byPath
  throw new CadreError(
    'not_found',
    `no project "${reference}"; list them with "cadre project list" or add one with "cadre project add <path>"`,
  )
}
