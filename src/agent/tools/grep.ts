import { z } from 'zod'
import { CadreError } from '../../core/errors.ts'
import { defineTool } from './define-tool.ts'

const maxMatchesPerFile = 50

export const grepTool = defineTool({
  name: 'grep',
  description:
    'Search the workspace for a regular expression (ripgrep syntax), leaving out what .gitignore ignores. ' +
    'Answers path:line:text for each match. Narrow it with path (a directory or file) and glob (e.g. "*.ts").',
  input: z.strictObject({
    pattern: z.string().min(1),
    path: z.string().min(1).default('.').describe('directory or file relative to the workspace root'),
    glob: z.string().min(1).optional().describe('only files whose path matches, e.g. "src/**/*.ts"'),
    ignore_case: z.boolean().optional(),
  }),
  readOnly: true,
  kind: 'search',
  async run({ pattern, path, glob, ignore_case }, { sandbox, signal }) {
    await sandbox.list(path, { limit: 1 }).catch((error: unknown) => {
      // A file is fine to search; only a path outside the workspace or a missing one is refused.
      if (error instanceof CadreError && error.code === 'not_found') return sandbox.readFile(path)
      throw error
    })
    const { rgPath } = await import('@vscode/ripgrep')
    const result = await sandbox.exec({
      command: [
        rgPath,
        '--line-number',
        '--with-filename',
        '--no-heading',
        '--color=never',
        '--max-columns=300',
        '--max-columns-preview',
        `--max-count=${maxMatchesPerFile}`,
        ...(ignore_case ? ['--ignore-case'] : []),
        ...(glob ? ['--glob', glob] : []),
        '--regexp',
        pattern,
        '--',
        path,
      ],
      signal,
      timeoutMs: 60_000,
    })
    if (result.exitCode === 1) return `no matches for ${JSON.stringify(pattern)} in ${path}`
    if (result.exitCode !== 0) {
      throw new CadreError(
        'bad_request',
        `grep failed: ${result.stderr.trim() || `exit code ${result.exitCode}`}`,
      )
    }
    // Searching "." prefixes every path with "./": paths are shown from the workspace root.
    return result.stdout.trimEnd().replace(/^\.\//gm, '')
  },
})
