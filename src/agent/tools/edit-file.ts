import { z } from 'zod'
import { CadreError } from '../../core/errors.ts'
import { defineTool } from './define-tool.ts'

const Edit = z.strictObject({
  old_text: z.string().min(1, 'must not be empty: to create a file use write_file'),
  new_text: z.string(),
  replace_all: z.boolean().optional().describe('replace every occurrence instead of exactly one'),
})

const occurrences = (text: string, part: string) => {
  let count = 0
  for (let at = text.indexOf(part); at !== -1; at = text.indexOf(part, at + part.length)) count++
  return count
}

export const editFileTool = defineTool({
  name: 'edit_file',
  description:
    'Replace exact text in a file. Each old_text must occur exactly once (include surrounding lines to ' +
    'make it unique) unless replace_all is set. Edits apply in order, all or none.',
  input: z.strictObject({
    path: z.string().min(1).describe('relative to the workspace root'),
    edits: z.array(Edit).min(1).max(100),
  }),
  readOnly: false,
  kind: 'file_edit',
  async run({ path, edits }, { sandbox }) {
    let text = (await sandbox.readFile(path)).toString('utf8')
    edits.forEach((edit, index) => {
      const which = edits.length > 1 ? ` (edit ${index + 1})` : ''
      const count = occurrences(text, edit.old_text)
      if (count === 0) {
        throw new CadreError(
          'bad_request',
          `old_text not found in ${path}${which}: read the file and copy the text exactly`,
        )
      }
      if (count > 1 && !edit.replace_all) {
        throw new CadreError(
          'bad_request',
          `old_text occurs ${count} times in ${path}${which}: add surrounding lines to make it unique, or set replace_all`,
        )
      }
      text = edit.replace_all
        ? text.split(edit.old_text).join(edit.new_text)
        : text.replace(edit.old_text, () => edit.new_text)
    })
    await sandbox.writeFile(path, text)
    return `edited ${path} (${edits.length} ${edits.length === 1 ? 'edit' : 'edits'})`
  },
})
