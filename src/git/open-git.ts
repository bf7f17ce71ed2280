import { type SimpleGit, simpleGit } from 'simple-git'

/**
 * simple-git on a folder with the repository's hooks and fsmonitor switched off, so nothing a
 * repository contains (and an agent may have written) ever runs on the host through Cadre's git.
 */
export const openGit = (dir: string, options: { timeoutMs?: number } = {}): SimpleGit =>
  simpleGit({
    baseDir: dir,
    config: ['core.hooksPath=/dev/null', 'core.fsmonitor=false'],
    // simple-git guards these settings because they could name code to run; here they name none.
    unsafe: { allowUnsafeHooksPath: true, allowUnsafeFsMonitor: true },
    timeout: { block: options.timeoutMs ?? 15_000 },
  })
