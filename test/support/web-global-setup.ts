import { execFileSync } from 'node:child_process'
import { join } from 'node:path'

/**
 * Builds the web UI once, before any test runs, as `npm start` does. Every test server serves it;
 * a test building it again would empty its folder under the others (GET / answering 503 meanwhile).
 */
export default function buildWebUi(): void {
  execFileSync(
    process.execPath,
    [
      join('node_modules', 'vite', 'bin', 'vite.js'),
      'build',
      '--config',
      'web/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: join(import.meta.dirname, '..', '..'), stdio: ['ignore', 'ignore', 'inherit'] },
  )
}
