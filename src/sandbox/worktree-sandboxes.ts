import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import type { GlobalSettings } from '../core/settings.ts'
import { openGit } from '../git/open-git.ts'
import { type Bubblewrap, ensureEmptyFile } from './bubblewrap.ts'
import type { SandboxBackend } from './sandbox.ts'
import { openWorktreeSandbox } from './worktree-sandbox.ts'

export interface WorktreeSandboxesOptions {
  /** Cadre's home: hidden from every sandboxed process (its token, database, keys). */
  home: string
  /** Where worktrees live, `<root>/<project>/<task>`; hidden too, but for a process's own one. */
  root: string
  /** Hidden too, looked up as each workspace opens: the user's credential stores and what the settings add. */
  alsoHidden?: () => Promise<readonly string[]>
  /** Isolates processes; absent, they run with the user's own rights. */
  bubblewrap?: Bubblewrap
  /** Seen read-only by every workspace's processes though hidden with the home (the agents Cadre installed). */
  exposed?: readonly string[]
}

/** Where task worktrees live: the global setting, else `$CADRE_HOME/worktrees` (read at start-up). */
export const worktreeRoot = (home: string, settings: Pick<GlobalSettings, 'worktreeRoot'>): string =>
  resolve(home, settings.worktreeRoot ?? 'worktrees')

/** `inner` lies inside `outer` (or is it). */
const within = (outer: string, inner: string) => !relative(outer, inner).startsWith('..')

/** Task workspaces as git worktrees on their own branches (the default backend). */
export const createWorktreeSandboxes = ({
  home,
  root,
  bubblewrap,
  exposed = [],
  alsoHidden = async () => [],
}: WorktreeSandboxesOptions): SandboxBackend => {
  // A worktree root inside Cadre's home is hidden with it.
  const cadreOwn = within(home, root) ? [home] : [home, root]
  const locate = ({ projectId, taskId }: { projectId: string; taskId: string }) =>
    join(root, projectId, taskId)
  const stateOf = ({ projectId, taskId }: { projectId: string; taskId: string }) =>
    join(home, 'agent-state', projectId, taskId)
  // Per repository, the worktree bookkeeping of this server one task at a time.
  const queues = new Map<string, Promise<unknown>>()
  const serializeFor =
    (repository: string) =>
    <T>(work: () => Promise<T>): Promise<T> => {
      const next = (queues.get(repository) ?? Promise.resolve()).catch(() => {}).then(work)
      queues.set(repository, next)
      return next
    }
  return {
    locate,
    async create(spec) {
      const stateDir = stateOf(spec)
      mkdirSync(stateDir, { recursive: true, mode: 0o700 })
      const sandbox = await openWorktreeSandbox({
        stateDir,
        repository: spec.projectPath,
        serialize: serializeFor(spec.projectPath),
        path: locate(spec),
        branch: spec.branch,
        base: spec.baseBranch,
        isolation: bubblewrap && {
          bubblewrap,
          hidden: [...cadreOwn, ...(await alsoHidden())],
          // In Cadre's home, hidden itself: no sandboxed process can write to it.
          emptyFile: ensureEmptyFile(join(home, 'empty-file')),
          exposed: [...exposed, ...(spec.exposed ?? [])],
          network: spec.network,
        },
      })
      return {
        ...sandbox,
        info: {
          kind: 'worktree',
          branch: sandbox.branch,
          isolation: sandbox.isolation,
          created: sandbox.created,
          stateDir,
        },
      }
    },
    async destroy(spec) {
      const path = locate(spec)
      const git = openGit(spec.projectPath, { timeoutMs: 120_000 })
      if (existsSync(path)) await git.raw(['worktree', 'remove', '--force', path])
      await git.raw(['worktree', 'prune'])
      rmSync(stateOf(spec), { recursive: true, force: true })
    },
  }
}
