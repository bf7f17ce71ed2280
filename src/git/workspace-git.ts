import { CadreError } from '../core/errors.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'

/** Who Cadre's own commits (checkpoints, archives) are by. */
export const cadreIdentity = {
  GIT_AUTHOR_NAME: 'Cadre',
  GIT_AUTHOR_EMAIL: 'cadre@localhost',
  GIT_COMMITTER_NAME: 'Cadre',
  GIT_COMMITTER_EMAIL: 'cadre@localhost',
}

/** Cadre's git never runs what a repository (or an agent) put in its hooks or fsmonitor setting. */
const safe = ['-c', 'core.hooksPath=/dev/null', '-c', 'core.fsmonitor=false', '-c', 'core.quotePath=false']

const gitTimeoutMs = 120_000

/** What git said went wrong: its fatal and error lines, else the end of what it printed. */
const gitSaid = (result: { stdout: string; stderr: string; exitCode: number | null }) => {
  const lines = (result.stderr || result.stdout).trim().split('\n')
  const errors = lines.filter((line) => /^(fatal|error):/.test(line))
  return (errors.length > 0 ? errors : lines.slice(-3)).join(' ') || `exit ${result.exitCode}`
}

/**
 * Runs git in the workspace through the sandbox's exec (so it serves worktrees, containers and pods
 * alike); the trimmed stdout, or a CadreError with what git said.
 */
export const runGit = async (
  sandbox: Sandbox,
  args: readonly string[],
  options: { env?: Record<string, string>; allowExit?: readonly number[]; stdin?: string } = {},
): Promise<string> => {
  const result = await sandbox.exec({
    command: ['git', ...safe, ...args],
    env: options.env,
    stdin: options.stdin,
    timeoutMs: gitTimeoutMs,
    maxOutputBytes: 64 * 1024 * 1024,
  })
  if (result.exitCode === 0 || (result.exitCode !== null && options.allowExit?.includes(result.exitCode))) {
    return result.stdout.replace(/\n$/, '')
  }
  throw new CadreError('internal', `git ${args[0]} failed in the workspace: ${gitSaid(result)}`)
}

/** A shell script of git commands (`g` is Cadre's safe git) run in one exec; its trimmed output. */
const runGitScript = async (sandbox: Sandbox, body: string, env: Record<string, string> = {}) => {
  const script = `set -e
g() { git ${safe.join(' ')} "$@"; }
${body}`
  const result = await sandbox.exec({ command: ['/bin/sh', '-c', script], env, timeoutMs: gitTimeoutMs })
  if (result.exitCode !== 0) {
    throw new CadreError('internal', `git failed in the workspace: ${gitSaid(result)}`)
  }
  return result.stdout.trim()
}

/**
 * A script against a scratch index, made in the sandbox's private temp and living as long as the
 * one exec: git commands on it never touch the workspace's own index.
 */
const withScratchIndex = (sandbox: Sandbox, body: string, env: Record<string, string> = {}) =>
  runGitScript(
    sandbox,
    `export GIT_INDEX_FILE="$(mktemp)"
trap 'rm -f "$GIT_INDEX_FILE"' EXIT
${body}`,
    env,
  )

/**
 * Whether the task changed anything: files not committed yet, or commits on its branch past
 * `base`. One exec for both questions.
 */
export const workspaceChanged = async (sandbox: Sandbox, base: string): Promise<boolean> => {
  const lines = (
    await runGitScript(sandbox, 'g status --porcelain\ng rev-list --count "$CADRE_BASE..HEAD"', {
      CADRE_BASE: base,
    })
  ).split('\n')
  const ahead = Number(lines.pop())
  return lines.some((line) => line.trim() !== '') || ahead > 0
}

/**
 * The scratch index starts as a copy of the workspace's own, whose file stats let `git add -A` look
 * only at files that changed instead of hashing every file again; without one, from HEAD.
 */
const startFromOwnIndex = `own="$(env -u GIT_INDEX_FILE git rev-parse --git-path index)"
if [ -f "$own" ]; then cp "$own" "$GIT_INDEX_FILE"; else g read-tree HEAD; fi`

/** The tree of everything in the workspace now — tracked, changed and untracked files, not ignored ones. */
export const workspaceTree = (sandbox: Sandbox): Promise<string> =>
  withScratchIndex(sandbox, `${startFromOwnIndex}\ng add -A\ng write-tree`)

export interface Snapshot {
  commit: string
  tree: string
  /** The branch's commit the snapshot was taken on (its parent). */
  head: string
}

/**
 * Commits everything in the workspace as it is — untracked files too — on a ref of its own,
 * leaving the branch, the index and the files untouched. Nothing is made when the files are still
 * `unlessTree`.
 */
export const snapshotWorkspace = async (
  sandbox: Sandbox,
  ref: string,
  message: string,
  options: { unlessTree?: string } = {},
): Promise<Snapshot | undefined> => {
  const out = await withScratchIndex(
    sandbox,
    `${startFromOwnIndex}
g add -A
tree=$(g write-tree)
head=$(g rev-parse HEAD)
if [ "$tree" = "$CADRE_UNLESS_TREE" ]; then echo unchanged; exit 0; fi
commit=$(printf '%s\\n' "$CADRE_MESSAGE" | g commit-tree "$tree" -p "$head")
g update-ref "$CADRE_REF" "$commit"
echo "$commit $tree $head"`,
    { ...cadreIdentity, CADRE_REF: ref, CADRE_MESSAGE: message, CADRE_UNLESS_TREE: options.unlessTree ?? '' },
  )
  if (out === 'unchanged') return undefined
  const [commit = '', tree = '', head = ''] = out.split(' ')
  return { commit, tree, head }
}

/**
 * Puts the workspace back as a snapshot left it: the branch at the commit it was taken on, the
 * index matching it, and the files exactly the snapshot's (files added since are removed; ignored
 * files stay).
 */
export const restoreSnapshot = async (sandbox: Sandbox, snapshot: Pick<Snapshot, 'commit' | 'head'>) => {
  await runGit(sandbox, ['reset', '-q', snapshot.head])
  await withScratchIndex(
    sandbox,
    `g read-tree "$CADRE_COMMIT"
g checkout-index -a -f
g ls-files -z --others --exclude-standard | xargs -0 -r rm -f --`,
    { CADRE_COMMIT: snapshot.commit },
  )
}

/**
 * Removes the lock files a git process killed mid-way left behind in this workspace: its own index
 * and HEAD, its branch, and `ownRefs` (the task's hidden refs). Only for when nothing of the task
 * can be running (a run starting after its server died): a live git would lose its lock.
 */
export const clearStaleLocks = async (sandbox: Sandbox, ownRefs: readonly string[]): Promise<void> => {
  await runGitScript(
    sandbox,
    `gitdir=$(g rev-parse --absolute-git-dir)
common=$(g rev-parse --path-format=absolute --git-common-dir)
rm -f "$gitdir"/*.lock
branch=$(g symbolic-ref -q HEAD || true)
if [ -n "$branch" ]; then rm -f "$common/$branch.lock"; fi
for ref in $CADRE_REFS; do rm -f "$common/$ref.lock" "$common/$ref"/*.lock; done`,
    { CADRE_REFS: ownRefs.join(' ') },
  )
}
