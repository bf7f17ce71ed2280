import { lstat, realpath, stat } from 'node:fs/promises'
import { basename, dirname, join, relative, resolve, sep } from 'node:path'
import { CadreError } from '../core/errors.ts'

const isInside = (root: string, path: string) =>
  path === root || path.startsWith(root.endsWith(sep) ? root : root + sep)

const refuse = (path: string, why: string) =>
  new CadreError('forbidden', `${path}: ${why}; only paths inside the workspace can be used`, {
    details: { path },
  })

const errnoOf = (error: unknown) => (error as NodeJS.ErrnoException).code

/**
 * The real path of `path` (relative to the workspace root, or absolute inside it), refusing every
 * way out: `..`, absolute paths elsewhere, symlinks (also dangling ones, and in any parent) that
 * lead outside, and hard links to files that may live outside. `root` must itself be a real path.
 */
export const resolveWorkspacePath = async (root: string, path: string): Promise<string> => {
  if (path.includes('\0')) throw refuse(JSON.stringify(path), 'contains a NUL character')
  const wanted = resolve(root, path)
  if (!isInside(root, wanted)) throw refuse(path, 'is outside the workspace')

  // The longest existing prefix is resolved through its symlinks; what does not exist yet is appended.
  let existing = wanted
  const missing: string[] = []
  let real: string
  for (;;) {
    try {
      real = await realpath(existing)
      break
    } catch (error) {
      if (errnoOf(error) !== 'ENOENT' && errnoOf(error) !== 'ENOTDIR') throw error
      // A dangling symlink would be followed by a later write: its target is unknown, so refuse it.
      const link = await lstat(existing).catch(() => undefined)
      if (link?.isSymbolicLink())
        throw refuse(path, 'goes through a symbolic link whose target does not exist')
      missing.unshift(basename(existing))
      existing = dirname(existing)
    }
  }
  const resolved = join(real, ...missing)
  if (!isInside(root, resolved)) throw refuse(path, 'leads outside the workspace through a symbolic link')
  if (missing.length === 0) {
    const target = await stat(resolved)
    // A second name for the same file may be outside the workspace; writing it would change that file.
    if (target.isFile() && target.nlink > 1)
      throw refuse(path, 'is a hard link to a file that may be outside')
  }
  return resolved
}

/** The path relative to the workspace root, with `/` separators, as tools show it. */
export const workspaceRelative = (root: string, path: string): string =>
  relative(root, path).split(sep).join('/') || '.'
