import { execFile } from 'node:child_process'
import { lstat, mkdir } from 'node:fs/promises'
import { dirname, join } from 'node:path'
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
 * (a tracked symbolic link on the way is refused). A copy that fails fails the run, saying why.
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
      copies.push({ path, copied: false, note: 'already in the workspace (tracked by git)' })
      continue
    }
    const started = performance.now()
    try {
      await mkdir(dirname(target), { recursive: true })
      await run('cp', ['-a', '--reflink=auto', '--', join(checkout, path), target], {
        timeout: copyTimeoutMs,
        signal,
      })
    } catch (error) {
      const said = ((error as { stderr?: string }).stderr || (error as Error).message).trim().split('\n')[0]
      throw new CadreError(
        'bad_request',
        `copying ${path} from the project's checkout into the workspace failed: ${said}`,
        { cause: error },
      )
    }
    copies.push({ path, copied: true, durationMs: Math.round(performance.now() - started) })
  }
  return copies
}
