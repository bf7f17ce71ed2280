import type { Sandbox } from '../sandbox/sandbox.ts'
import { runGit } from './workspace-git.ts'

export type FileChange = 'added' | 'modified' | 'deleted' | 'renamed' | 'copied' | 'type_changed'

export interface FileDiff {
  path: string
  /** Where a renamed or copied file came from. */
  oldPath?: string
  status: FileChange
  /** null for a binary file. */
  additions: number | null
  deletions: number | null
  binary: boolean
  /** The unified diff of the file; absent when the whole diff was too large to include it. */
  patch?: string
}

export interface WorkspaceDiff {
  /** The commit compared against. */
  from: string
  /** The tree compared. */
  to: string
  files: FileDiff[]
  stats: { files: number; additions: number; deletions: number }
  /** Why this diff should not be taken as normal work (it deletes most of the repository). */
  suspicious?: string
  /** Some files' patches were left out to keep the answer small: ask for them one by one (`path`). */
  truncated: boolean
}

/** Patches of all files together are kept below this; past it, files come with stats only. */
const maxPatchBytes = 2 * 1024 * 1024

const statusOf: Record<string, FileChange> = {
  A: 'added',
  M: 'modified',
  D: 'deleted',
  R: 'renamed',
  C: 'copied',
  T: 'type_changed',
}

/** `git diff --name-status -z`: a status, then one path (two for renames and copies). */
const parseNameStatus = (out: string) => {
  const fields = out.split('\0')
  const files: { status: FileChange; path: string; oldPath?: string }[] = []
  for (let i = 0; i < fields.length - 1; ) {
    const letter = fields[i++]!.charAt(0)
    const status = statusOf[letter] ?? 'modified'
    if (letter === 'R' || letter === 'C') {
      const oldPath = fields[i++]!
      files.push({ status, oldPath, path: fields[i++]! })
    } else files.push({ status, path: fields[i++]! })
  }
  return files
}

/** `git diff --numstat -z`: counts (`-` for binary), then the path, or an empty field and two paths. */
const parseNumstat = (out: string) => {
  const counts = new Map<string, { additions: number | null; deletions: number | null }>()
  const fields = out.split('\0')
  for (let i = 0; i < fields.length - 1; ) {
    const [added = '', deleted = '', path = ''] = fields[i++]!.split('\t')
    // A rename gives an empty path field, then the old path and the new one.
    if (path === '') i++
    const target = path === '' ? fields[i++]! : path
    counts.set(target, {
      additions: added === '-' ? null : Number(added),
      deletions: deleted === '-' ? null : Number(deleted),
    })
  }
  return counts
}

/** A whole `git diff` patch cut into one piece per file, in the order git wrote them. */
const splitPatch = (patch: string): string[] =>
  patch === '' ? [] : patch.split(/^(?=diff --git )/m).filter((piece) => piece.startsWith('diff --git '))

/**
 * What changed from a commit to a tree of the workspace: each file with its status, line counts
 * and unified patch; optionally one file only. A change that deletes most of the repository is
 * flagged as suspicious.
 */
export const diffWorkspace = async (
  sandbox: Sandbox,
  from: string,
  to: string,
  options: { path?: string } = {},
): Promise<WorkspaceDiff> => {
  // A literal pathspec: the path is a file's name, never git's pathspec magic (`:(glob)…`, `:!…`).
  const range = ['--find-renames', from, to, ...(options.path ? ['--', `:(literal)${options.path}`] : [])]
  const [nameStatus, numstat, patch] = await Promise.all([
    runGit(sandbox, ['diff', '-z', '--name-status', ...range]),
    runGit(sandbox, ['diff', '-z', '--numstat', ...range]),
    runGit(sandbox, ['diff', '--no-color', '--no-ext-diff', ...range]),
  ])
  const counts = parseNumstat(numstat)
  const patches = splitPatch(patch)
  let budget = maxPatchBytes
  let truncated = false
  const files = parseNameStatus(nameStatus).map((file, index): FileDiff => {
    const count = counts.get(file.path) ?? { additions: null, deletions: null }
    const piece = patches[index]
    const fits = piece !== undefined && Buffer.byteLength(piece) <= budget
    if (fits) budget -= Buffer.byteLength(piece)
    else truncated = true
    return { ...file, ...count, binary: count.additions === null, ...(fits && { patch: piece }) }
  })
  const stats = {
    files: files.length,
    additions: files.reduce((sum, file) => sum + (file.additions ?? 0), 0),
    deletions: files.reduce((sum, file) => sum + (file.deletions ?? 0), 0),
  }
  const suspicious = options.path ? undefined : await deletesMost(sandbox, from, files)
  return { from, to, files, stats, ...(suspicious && { suspicious }), truncated }
}

/** Why the change looks destructive: it deletes more than half the files the repository had. */
const deletesMost = async (sandbox: Sandbox, from: string, files: readonly FileDiff[]) => {
  const deleted = files.filter((file) => file.status === 'deleted').length
  if (deleted < 10) return undefined
  const before = (await runGit(sandbox, ['ls-tree', '-r', '-z', '--name-only', from])).split('\0').length - 1
  if (deleted <= before / 2) return undefined
  return `it deletes ${deleted} of the ${before} files the repository had: look before you merge`
}
