import { lstat, mkdir, readdir, readFile, realpath, writeFile } from 'node:fs/promises'
import { dirname, join, resolve } from 'node:path'
import { CadreError, notFound } from '../core/errors.ts'
import { resolveWorkspacePath, workspaceRelative } from './resolve-workspace-path.ts'
import { retryIsolationSetup } from './retry-isolation-setup.ts'
import { runProcess, signalGroup } from './run-process.ts'
import type { ExecRequest, FileEntry, Sandbox } from './sandbox.ts'

const defaultListLimit = 10_000

const groupHasMembers = (group: number) => {
  try {
    process.kill(-group, 0)
    return true
  } catch {
    return false
  }
}

/** The environment every process starts from: enough to work, none of Cadre's own (its secrets). */
const baseEnvironment = (root: string): Record<string, string> => ({
  PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
  HOME: process.env.HOME ?? root,
  LANG: process.env.LANG ?? 'C.UTF-8',
  TERM: 'dumb',
  PWD: root,
})

const entryType = (entry: { isFile(): boolean; isDirectory(): boolean; isSymbolicLink(): boolean }) =>
  entry.isSymbolicLink() ? 'symlink' : entry.isDirectory() ? 'directory' : entry.isFile() ? 'file' : 'other'

const missingAsNotFound = (path: string) => (error: unknown) => {
  const code = (error as NodeJS.ErrnoException).code
  if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound('file', path)
  if (code === 'EISDIR') throw new CadreError('bad_request', `${path} is a directory`)
  throw error
}

export interface DirectorySandboxOptions {
  /** Wraps each process's argv so it runs isolated (bubblewrap); absent, processes run as they are. */
  isolate?: (command: readonly string[], cwd: string) => string[]
}

/**
 * Git metadata is never written through the file tools, whatever path leads there: a hook or a
 * config written there would run on the host at the next git command.
 */
const refuseGitMetadata = (root: string, target: string, path: string) => {
  if (workspaceRelative(root, target).split('/')[0] === '.git') {
    throw new CadreError('forbidden', `${path}: git metadata is read-only to the agent`, {
      details: { path },
    })
  }
}

/** A sandbox that is simply a directory on this machine: the project's own, or a task's worktree. */
export const openDirectorySandbox = async (
  directory: string,
  options: DirectorySandboxOptions = {},
): Promise<Sandbox> => {
  const root = await realpath(directory)
  const groups = new Set<number>()
  const inside = (path: string) => resolveWorkspacePath(root, path)

  const list = async (path: string, { recursive = false, limit = defaultListLimit } = {}) => {
    const start = await inside(path)
    const entries: FileEntry[] = []
    const walk = async (dir: string): Promise<void> => {
      const children = await readdir(dir, { withFileTypes: true }).catch(missingAsNotFound(path))
      for (const child of children.sort((a, b) => a.name.localeCompare(b.name))) {
        if (entries.length >= limit) return
        // Git metadata is not one of the workspace's files.
        if (dir === root && child.name === '.git') continue
        const full = join(dir, child.name)
        const info = await lstat(full).catch(() => undefined)
        if (!info) continue
        entries.push({ path: workspaceRelative(root, full), type: entryType(child), size: info.size })
        if (recursive && child.isDirectory()) await walk(full)
      }
    }
    await walk(start)
    return entries
  }

  const close = async () => {
    for (const group of groups) signalGroup(group, 'SIGKILL')
    groups.clear()
  }

  return {
    root,
    async exec(request) {
      const cwd = await inside(request.cwd ?? '.')
      const argv = Array.isArray(request.command)
        ? (request.command as readonly string[])
        : ['/bin/sh', '-c', (request.command as { shell: string }).shell]
      const start = async (onOutput: ExecRequest['onOutput']) => {
        let group: number | undefined
        const result = await runProcess({
          ...request,
          command: options.isolate ? options.isolate(argv, cwd) : argv,
          cwd,
          env: { ...baseEnvironment(root), ...request.env, PWD: cwd },
          onOutput,
          onStart: (id) => {
            group = id
            groups.add(id)
            request.onStart?.(id)
          },
        })
        // A group whose leader ended may still hold background children (a dev server): `close`
        // ends them. An empty group is forgotten at once, so its id, once reused, is never signalled.
        if (group !== undefined && !groupHasMembers(group)) groups.delete(group)
        return result
      }
      return options.isolate ? retryIsolationSetup(request, start) : start(request.onOutput)
    },
    async readFile(path) {
      return readFile(await inside(path)).catch(missingAsNotFound(path))
    },
    async writeFile(path, data) {
      refuseGitMetadata(root, resolve(root, path), path)
      const target = await inside(path)
      refuseGitMetadata(root, target, path)
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, data)
    },
    list,
    close,
    [Symbol.asyncDispose]: close,
  }
}
