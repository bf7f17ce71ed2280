import { posix } from 'node:path'
import { CadreError, notFound } from '../core/errors.ts'
import type { ExecRequest, ExecResult, FileEntry, Sandbox } from './sandbox.ts'

const defaultListLimit = 10_000

/**
 * Resolves `$2` (an absolute path, already inside the root lexically) the way the host-side
 * workspaces do: the longest existing prefix through its symlinks, the rest appended; refusing a
 * dangling symlink, a way out through a symlink, and a second name of a file (a hard link).
 * Exit 3 with the reason on stdout: refused; 4: not there; 5: a directory where a file was wanted.
 */
const resolver = `root=$1 p=$2 rest=
refuse() { printf '%s' "$1"; exit 3; }
while [ ! -e "$p" ] && [ ! -L "$p" ]; do rest="/\${p##*/}$rest"; p=\${p%/*}; [ -n "$p" ] || p=/; done
if [ -L "$p" ] && [ ! -e "$p" ]; then refuse 'goes through a symbolic link whose target does not exist'; fi
real=$(readlink -f -- "$p")$rest
case "$real" in "$root" | "$root"/*) ;; *) refuse 'leads outside the workspace through a symbolic link' ;; esac
if [ -z "$rest" ] && [ -f "$real" ] && [ "$(stat -c %h -- "$real")" -gt 1 ]; then refuse 'is a hard link to a file that may be outside'; fi
`

const scripts = {
  read: `${resolver}[ -d "$real" ] && exit 5
[ -e "$real" ] || exit 4
base64 < "$real"`,
  write: `${resolver}case "$real" in "$root"/.git | "$root"/.git/*) refuse 'git metadata is read-only to the agent' ;; esac
[ -d "$real" ] && exit 5
mkdir -p -- "\${real%/*}" && base64 -d > "$real"`,
  // Entries as "type/size/path", one per line; git metadata at the root is not one of them.
  list: `${resolver}[ -d "$real" ] || exit 4
find "$real" -mindepth 1 $3 -path "$root/.git" -prune -o -exec stat -c '%F/%s/%n' {} +`,
}

const typeOf = (described: string): FileEntry['type'] =>
  described.includes('regular')
    ? 'file'
    : described === 'directory'
      ? 'directory'
      : described === 'symbolic link'
        ? 'symlink'
        : 'other'

/** Paths in the order a depth-first walk with sorted children gives (the host workspaces' order). */
const byWalkOrder = (a: FileEntry, b: FileEntry) => {
  const left = a.path.split('/')
  const right = b.path.split('/')
  for (let i = 0; i < Math.min(left.length, right.length); i++) {
    const order = left[i]!.localeCompare(right[i]!)
    if (order !== 0) return order
  }
  return left.length - right.length
}

/**
 * A workspace's file operations done through its own processes (for workspaces whose files are
 * not on this machine: a pod), confined exactly as a host workspace's are: every way out
 * (`..`, absolute paths, symlinks, hard links) refused with `forbidden`, git metadata never
 * written. Needs `sh`, `readlink -f`, `stat -c`, `find` and `base64` inside (busybox has them).
 */
export const execFiles = (
  root: string,
  exec: (request: ExecRequest) => Promise<ExecResult>,
): Pick<Sandbox, 'readFile' | 'writeFile' | 'list'> => {
  const refuse = (path: string, why: string) =>
    new CadreError('forbidden', `${path}: ${why}; only paths inside the workspace can be used`, {
      details: { path },
    })
  /** The path made absolute, refused when it leaves the root by its very letters. */
  const lexical = (path: string) => {
    if (path.includes('\0')) throw refuse(JSON.stringify(path), 'contains a NUL character')
    const wanted = posix.resolve(root, path)
    if (wanted !== root && !wanted.startsWith(`${root}/`)) throw refuse(path, 'is outside the workspace')
    return wanted
  }
  const run = async (script: string, path: string, args: string[], stdin?: string): Promise<string> => {
    const result = await exec({
      command: ['/bin/sh', '-c', `set -u\n${script}`, 'sh', root, lexical(path), ...args],
      stdin,
      maxOutputBytes: 512 * 1024 * 1024,
      timeoutMs: 120_000,
    })
    if (result.exitCode === 0) return result.stdout
    if (result.exitCode === 3) throw refuse(path, result.stdout)
    if (result.exitCode === 4) throw notFound('file', path)
    if (result.exitCode === 5) throw new CadreError('bad_request', `${path} is a directory`)
    throw new CadreError(
      'internal',
      `the workspace could not work on ${path}: ${result.stderr.trim() || `exit ${result.exitCode}`}`,
    )
  }
  return {
    async readFile(path) {
      return Buffer.from(await run(scripts.read, path, []), 'base64')
    },
    async writeFile(path, data) {
      if (posix.relative(root, lexical(path)).split('/')[0] === '.git') {
        throw refuse(path, 'git metadata is read-only to the agent')
      }
      await run(scripts.write, path, [], Buffer.from(data).toString('base64'))
    },
    async list(path, { recursive = false, limit = defaultListLimit } = {}) {
      const out = await run(scripts.list, path, recursive ? [''] : ['-maxdepth 1'])
      const entries: FileEntry[] = []
      for (const line of out.split('\n')) {
        const [type = '', size = '', ...name] = line.split('/')
        if (name.length === 0) continue
        entries.push({
          path: posix.relative(root, `/${name.join('/')}`),
          type: typeOf(type),
          size: Number(size),
        })
      }
      return entries.sort(byWalkOrder).slice(0, limit)
    },
  }
}
