import { execFile } from 'node:child_process'
import { cp, mkdir, readdir, stat } from 'node:fs/promises'
import { isAbsolute } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { z } from 'zod'
import { CadreError } from '../core/errors.ts'
import type { ProjectSettings } from '../core/settings.ts'
import { cadreIdentity } from '../git/workspace-git.ts'

const run = promisify(execFile)

/** Where the templates shipped with Cadre are. */
const templatesDir = fileURLToPath(new URL('../../templates/', import.meta.url))

/**
 * The project templates Cadre ships: what each starts, and the settings a project made from it
 * gets. Its tasks' workspaces start from the checkout's node_modules when it has one (installed
 * there once by hand), so their `npm install` has little left to do.
 */
export const templates = [
  {
    name: 'vite-react',
    description: 'A small Vite + React + TypeScript web app, previewed live with hot reload',
    settings: {
      copyIntoWorkspace: ['node_modules'],
      setupScript: 'npm install',
      devCommand: 'npm run dev',
      checkCommand: 'npm run build',
    },
  },
  {
    name: 'remotion',
    description: 'A Remotion video project: compositions written in React, previewed in Remotion Studio',
    settings: {
      copyIntoWorkspace: ['node_modules'],
      setupScript: 'npm install',
      devCommand: 'npm run dev',
      checkCommand: 'npm run check',
    },
  },
] as const satisfies readonly {
  name: string
  description: string
  settings: Partial<ProjectSettings>
}[]

export const TemplateName = z.enum(templates.map((template) => template.name) as ['vite-react', 'remotion'])
export type TemplateName = z.infer<typeof TemplateName>

const invalidPath = (message: string, path: string) =>
  new CadreError('validation_failed', message, {
    details: { issues: [{ path: 'body.path', message }], path },
  })

/**
 * A new git repository at `path` (which must not exist yet, or be an empty folder) holding the
 * template's files in one first commit on `main`. Returns the settings its project starts with.
 */
export const createFromTemplate = async (path: string, name: TemplateName) => {
  const template = templates.find((candidate) => candidate.name === name)!
  if (!isAbsolute(path)) throw invalidPath(`path must be absolute, got "${path}"`, path)
  const existing = await stat(path).catch(() => undefined)
  if (existing && (!existing.isDirectory() || (await readdir(path)).length > 0)) {
    throw invalidPath(
      `${path} already exists and is not an empty folder: a new project needs a place of its own`,
      path,
    )
  }
  await mkdir(path, { recursive: true })
  await cp(`${templatesDir}${name}`, path, { recursive: true })
  const git = (args: string[]) =>
    run('git', ['-C', path, ...args], { env: { ...process.env, ...cadreIdentity } })
  await git(['init', '-q', '-b', 'main'])
  await git(['add', '-A'])
  await git(['-c', 'core.hooksPath=/dev/null', 'commit', '-q', '-m', `Start from Cadre's ${name} template`])
  return template.settings
}
