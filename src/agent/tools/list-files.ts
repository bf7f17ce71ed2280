import { matchesGlob } from 'node:path'
import { z } from 'zod'
import { defineTool, type ToolContext } from './define-tool.ts'

const maxListed = 1000

/** Files git would track (ignored ones left out); null outside a git repository. */
const gitFiles = async ({ sandbox, signal }: ToolContext, directory: string) => {
  const result = await sandbox.exec({
    command: [
      'git',
      '-c',
      'core.fsmonitor=false',
      'ls-files',
      '--cached',
      '--others',
      '--exclude-standard',
      '-z',
      '--',
      directory,
    ],
    signal,
    timeoutMs: 30_000,
    maxOutputBytes: 16 * 1024 * 1024,
  })
  if (result.exitCode !== 0) return null
  return result.stdout.split('\0').filter(Boolean)
}

export const listFilesTool = defineTool({
  name: 'list_files',
  description:
    'List the files under a directory of the workspace (all of it by default), leaving out what .gitignore ' +
    'ignores; pattern filters them with a glob such as "src/**/*.ts".',
  input: z.strictObject({
    path: z.string().min(1).default('.').describe('directory relative to the workspace root'),
    pattern: z.string().min(1).optional().describe('glob matched against the path from the workspace root'),
  }),
  readOnly: true,
  kind: 'search',
  async run({ path, pattern }, context) {
    await context.sandbox.list(path, { limit: 1 }) // refuses a path outside, or a missing one, clearly
    const files =
      (await gitFiles(context, path)) ??
      (await context.sandbox.list(path, { recursive: true }))
        .filter((e) => e.type === 'file')
        .map((e) => e.path)
    const matching = (pattern ? files.filter((file) => matchesGlob(file, pattern)) : files).sort()
    if (matching.length === 0)
      return pattern ? `no files match ${pattern} under ${path}` : `no files under ${path}`
    const shown = matching.slice(0, maxListed)
    const more =
      matching.length > maxListed ? `\n[${matching.length - maxListed} more; narrow the path or pattern]` : ''
    return shown.join('\n') + more
  },
})
