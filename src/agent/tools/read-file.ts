import { z } from 'zod'
import { CadreError } from '../../core/errors.ts'
import { defineTool } from './define-tool.ts'

const defaultLineLimit = 2000
const maxLineChars = 2000

export const readFileTool = defineTool({
  name: 'read_file',
  description:
    'Read a text file of the workspace, with line numbers. For a large file read a range with offset ' +
    '(first line, from 1) and limit (number of lines).',
  input: z.strictObject({
    path: z.string().min(1).describe('relative to the workspace root'),
    offset: z.int().min(1).optional().describe('first line to read, from 1'),
    limit: z.int().min(1).max(10_000).optional().describe(`lines to read (default ${defaultLineLimit})`),
  }),
  readOnly: true,
  kind: 'file_read',
  async run({ path, offset = 1, limit = defaultLineLimit }, { sandbox }) {
    const bytes = await sandbox.readFile(path)
    if (bytes.subarray(0, 8000).includes(0)) throw new CadreError('bad_request', `${path} is a binary file`)
    const lines = bytes.toString('utf8').split('\n')
    if (lines.at(-1) === '') lines.pop()
    if (lines.length === 0) return `${path} is empty`
    if (offset > lines.length) {
      throw new CadreError(
        'bad_request',
        `${path} has ${lines.length} lines; offset ${offset} is past the end`,
      )
    }
    const shown = lines.slice(offset - 1, offset - 1 + limit)
    const width = String(offset + shown.length - 1).length
    const numbered = shown.map((line, index) => {
      const text = line.length > maxLineChars ? `${line.slice(0, maxLineChars)}… [line cut]` : line
      return `${String(offset + index).padStart(width)}\t${text}`
    })
    const last = offset + shown.length - 1
    const more =
      last < lines.length
        ? `\n[lines ${offset}–${last} of ${lines.length}; read on with offset ${last + 1}]`
        : ''
    return numbered.join('\n') + more
  },
})
