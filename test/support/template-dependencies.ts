import { execFileSync } from 'node:child_process'
import { rmSync, symlinkSync } from 'node:fs'
import { join, resolve } from 'node:path'

const cadreModules = resolve(import.meta.dirname, '../../node_modules')

/**
 * A template's dependencies, from Cadre's own (the tests reach no registry), put into a task's
 * worktree from here: hard-linked (a second's work, and seen by its sandbox even when Cadre itself
 * is under /tmp, which sandboxes replace with their own), else linked to where they are.
 */
export const provideDependencies = (worktree: string) => {
  try {
    execFileSync('cp', ['-al', cadreModules, join(worktree, 'node_modules')], { stdio: 'ignore' })
  } catch {
    rmSync(join(worktree, 'node_modules'), { recursive: true, force: true })
    symlinkSync(cadreModules, join(worktree, 'node_modules'))
  }
}
