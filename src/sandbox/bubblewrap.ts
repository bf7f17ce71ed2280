import { execFile } from 'node:child_process'
import { existsSync, realpathSync, type Stats, statSync, writeFileSync } from 'node:fs'
import { promisify } from 'node:util'

const run = promisify(execFile)

/** What a sandboxed process may see and change. Paths are absolute host paths, seen at the same place inside. */
export interface IsolationLayout {
  /** The workspace: writable. */
  workspace: string
  /**
   * Hidden: a directory behind an empty one, anything else (a file, a socket) behind an empty file;
   * skipped when missing (Cadre's home with its token, database, keys and other workspaces; the
   * user's credentials; the container engines' and the user's agent sockets).
   */
  hidden: readonly string[]
  /** An empty, read-only file of the host's, put over each hidden file (`/dev/null` cannot: binds are nodev). */
  emptyFile: string
  /** Seen read-only even inside a hidden place (the agents Cadre installed, in its home); skipped when missing. */
  exposed?: readonly string[]
  /** Writable besides the workspace (the repository's git directory, so commits work). */
  writable: readonly string[]
  /** Read-only even inside a writable place (git hooks and config, the worktree's `.git` link). */
  readOnly: readonly string[]
  network: 'on' | 'off'
}

export interface Bubblewrap {
  /** The bwrap command line that runs `command` (an argv) inside the layout, in `cwd`. */
  wrap(layout: IsolationLayout, command: readonly string[], cwd: string): string[]
}

/**
 * The bwrap arguments that hide one place, looked at as the command starts (it may come or go). A
 * symbolic link is followed here: bwrap would follow it inside the new root, where an absolute
 * one leads nowhere.
 */
const hide = (path: string, emptyFile: string): string[] => {
  let real: string
  let found: Stats
  try {
    real = realpathSync(path)
    found = statSync(real)
  } catch {
    // Missing, or not reachable by this user: nothing a process of its could read either.
    return []
  }
  return found.isDirectory() ? ['--tmpfs', real] : ['--ro-bind', emptyFile, real]
}

/**
 * The rest of the filesystem read-only, a private /tmp, the hidden places empty, the workspace and
 * the writable places writable, the read-only ones bound again on top; its own PID namespace (so
 * everything it started dies with it) and session (no typing into Cadre's terminal); no network
 * unless the layout allows it.
 */
const wrapCommand = (
  bwrap: string,
  layout: IsolationLayout,
  command: readonly string[],
  cwd: string,
): string[] => [
  bwrap,
  '--ro-bind',
  '/',
  '/',
  '--dev',
  '/dev',
  '--proc',
  '/proc',
  '--tmpfs',
  '/tmp',
  ...[...new Set(layout.hidden)].flatMap((path) => hide(path, layout.emptyFile)),
  ...(layout.exposed ?? []).filter((path) => existsSync(path)).flatMap((path) => ['--ro-bind', path, path]),
  '--bind',
  layout.workspace,
  layout.workspace,
  ...layout.writable.flatMap((path) => ['--bind', path, path]),
  // Each must exist (the backend creates an empty hooks directory), or it could be created inside.
  ...layout.readOnly.flatMap((path) => ['--ro-bind', path, path]),
  ...(layout.network === 'off' ? ['--unshare-net'] : []),
  '--unshare-pid',
  '--unshare-ipc',
  '--die-with-parent',
  '--new-session',
  '--chdir',
  cwd,
  '--',
  // Through a shell's exec, so a command that is not found exits 127 and says so, as unsandboxed.
  '/bin/sh',
  '-c',
  'exec "$@"',
  'sh',
  ...command,
]

/**
 * An empty file at `path` (made once, read-only) to put over hidden files: in a place sandboxed
 * processes cannot write to, or one could fill every hidden file at once.
 */
export const ensureEmptyFile = (path: string): string => {
  try {
    writeFileSync(path, '', { flag: 'wx', mode: 0o444 })
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
  }
  return path
}

let found: Promise<Bubblewrap | undefined> | undefined

/**
 * bubblewrap, when it is installed and can create namespaces here (proved by running `true` in
 * it once); undefined otherwise, and processes then run without isolation.
 */
export const findBubblewrap = (): Promise<Bubblewrap | undefined> => {
  found ??= (async () => {
    const bwrap = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'].find((path) => existsSync(path))
    if (!bwrap) return undefined
    try {
      await run(bwrap, ['--ro-bind', '/', '/', '--unshare-net', '--unshare-pid', '--', '/bin/true'], {
        timeout: 10_000,
      })
    } catch {
      return undefined
    }
    return { wrap: (layout, command, cwd) => wrapCommand(bwrap, layout, command, cwd) }
  })()
  return found
}
