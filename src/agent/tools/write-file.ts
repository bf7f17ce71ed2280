import { z } from 'zod'
import { defineTool } from './define-tool.ts'

export const writeFileTool = defineTool({
  name: 'write_file',
  description:
    'Create a file, or replace a whole file, with the given content (parent directories are created). ' +
    'To change part of an existing file use edit_file.',
  input: z.strictObject({
    path: z.string().min(1).describe('relative to the workspace root'),
    content: z.string(),
  }),
  readOnly: false,
  kind: 'file_edit',
  async run({ path, content }, { sandbox }) {
    await sandbox.writeFile(path, content)
    const lines = content === '' ? 0 : content.split('\n').length - (content.endsWith('\n') ? 1 : 0)
    return `wrote ${path} (${lines} lines, ${Buffer.byteLength(content)} bytes)`
  },
})
