import { realpath, stat } from 'node:fs/promises'
import { basename, isAbsolute } from 'node:path'
import { z } from 'zod'
import type { Project } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import { ProjectSettings } from '../core/settings.ts'
import { openGit } from '../git/open-git.ts'
import type { Store } from '../store/store.ts'
import { createFromTemplate, TemplateName } from './templates.ts'

export const RegisterProjectInput = z.object({
  path: z.string().trim().min(1, 'give the absolute path of a git repository'),
  name: z.string().trim().min(1).max(100).optional().describe("defaults to the repository's folder name"),
  template: TemplateName.optional().describe(
    'make a new repository at path from this template (GET /api/templates) instead of registering one',
  ),
})
export type RegisterProjectInput = z.input<typeof RegisterProjectInput>

const invalidPath = (message: string, path: string) =>
  new CadreError('validation_failed', message, {
    details: { issues: [{ path: 'body.path', message }], path },
  })

/** The repository's top-level folder and checked-out branch, or a clear error naming what is wrong. */
const inspectRepository = async (path: string) => {
  if (!isAbsolute(path)) throw invalidPath(`path must be absolute, got "${path}"`, path)
  const info = await stat(path).catch(() => undefined)
  if (!info) throw invalidPath(`${path} does not exist`, path)
  if (!info.isDirectory()) throw invalidPath(`${path} is not a directory`, path)
  const git = openGit(path)
  const root = await git.revparse(['--show-toplevel']).catch(async (error: Error) => {
    const bare = await git.revparse(['--is-bare-repository']).catch(() => 'false')
    if (bare.trim() === 'true')
      throw invalidPath(`${path} is a bare repository; Cadre needs a working tree`, path)
    throw invalidPath(
      `${path} is not a git repository (run "git init" there first): ${error.message.trim()}`,
      path,
    )
  })
  const branch = await git.raw(['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '')
  return { root: await realpath(root.trim()), branch: branch.trim() || undefined }
}

/**
 * Registers a local git repository as a project (made first from a template, when one is named).
 * A path inside a repository registers the repository's top level; its checked-out branch becomes
 * the project's base branch.
 */
export const registerProject = async (store: Store, raw: RegisterProjectInput): Promise<Project> => {
  const input = RegisterProjectInput.parse(raw)
  const fromTemplate = input.template ? await createFromTemplate(input.path, input.template) : {}
  const { root, branch } = await inspectRepository(input.path)
  const existing = await store.projects.getByPath(root)
  if (existing) {
    throw new CadreError(
      'conflict',
      `${root} is already registered as project ${existing.id} (${existing.name})`,
      {
        details: { projectId: existing.id, path: root },
      },
    )
  }
  return store.projects.create({
    name: input.name ?? basename(root),
    path: root,
    settings: ProjectSettings.parse({ ...fromTemplate, baseBranch: branch }),
  })
}
