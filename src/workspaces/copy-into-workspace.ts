import { execFile } from 'node:child_process'
import { lstat, mkdir, mkdtemp, readdir, rename, rm } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { CadreError } from '../core/errors.ts'
import { resolveWorkspacePath } from '../sandbox/resolve-workspace-path.ts'

const run = promisify(execFile)
const copyTimeoutMs = 10 * 60_000

/** What became of one path of the project's `copyIntoWorkspace`. */
export interface WorkspaceCopy {
  path: string
  copied: boolean
  /** Why it was not copied. */
  note?: string
  durationMs?: number
}

const exists = (path: string) =>
  lstat(path).then(
    () => true,
    () => false,
  )

/**
 * Copies each of `paths` from the project's checkout to the same place in a new workspace, so it
 * starts warm (dependencies installed, local configuration there): `cp -a --reflink=auto`, a
 * copy-on-write clone where the file system can (btrfs, XFS) and a plain copy elsewhere, links
 * kept as links. Never over what the workspace has already (a tracked file), never outside it
 * (a tracked symbolic link on the way is refused). Each copy is made beside its place and moved
 * there once whole, so an interrupted one leaves nothing half made. A copy that fails fails the
 * run, saying why.
 */
export const copyIntoWorkspace = async (
  checkout: string,
  workspaceRoot: string,
  paths: readonly string[],
  signal?: AbortSignal,
): Promise<WorkspaceCopy[]> => {
  const copies: WorkspaceCopy[] = []
  for (const path of paths) {
    if (!(await exists(join(checkout, path)))) {
      copies.push({ path, copied: false, note: "not in the project's checkout" })
      continue
    }
    const target = await resolveWorkspacePath(workspaceRoot, path)
    if (await exists(target)) {
      copies.push({ path, copied: false, note: 'already in the workspace' })
      continue
    }
    const started = performance.now()
    const scratchPrefix = `.${basename(target)}.cadre-copy-`
    let scratch: string | undefined
    try {
      await mkdir(dirname(target), { recursive: true })
      // What a copy cut short by a crash left beside its place.
      for (const left of await readdir(dirname(target)))
        if (left.startsWith(scratchPrefix))
          await rm(join(dirname(target), left), { recursive: true, force: true })
      scratch = await mkdtemp(join(dirname(target), scratchPrefix))
      const whole = join(scratch, 'copy')
      await run('cp', ['-a', '--reflink=auto', '--no-target-directory', '--', join(checkout, path), whole], {
        timeout: copyTimeoutMs,
        signal,
      })
      // Refuses to replace a folder that appeared meanwhile; never follows a link put there.
      await rename(whole, target)
    } catch (error) {
      const said = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0]
      throw new CadreError(
        'bad_request',
        `copying ${path} from the project's checkout into the workspace failed: ${said}`,
        { cause: error },
      )
    } finally {
      if (scratch) await rm(scratch, { recursive: true, force: true })
    }
    copies.push({ path, copied: true, durationMs: Math.round(performance.now() - started) })
  }
  return copies
}
