import { execFileSync } from 'node:child_process'
import { mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDirectorySandbox } from '../../sandbox/directory-sandbox.ts'
import type { Sandbox } from '../../sandbox/sandbox.ts'
import { maxToolOutputChars, type ToolContext } from './define-tool.ts'
import { editFileTool } from './edit-file.ts'
import { grepTool } from './grep.ts'
import { listFilesTool } from './list-files.ts'
import { readFileTool } from './read-file.ts'
import { writeFileTool } from './write-file.ts'

describe('file tools', () => {
  let directory: string
  let sandbox: Sandbox
  let context: ToolContext
  beforeEach(async () => {
    directory = join(mkdtempSync(join(tmpdir(), 'cadre-tools-')), 'repo')
    execFileSync('git', ['init', '-q', directory])
    sandbox = await openDirectorySandbox(directory)
    context = { sandbox, signal: new AbortController().signal }
  })
  afterEach(() => sandbox.close())

  const file = (path: string) => readFileSync(join(directory, path), 'utf8')

  it('read_file numbers lines and reads ranges, saying where to read on', async () => {
    writeFileSync(join(directory, 'a.txt'), Array.from({ length: 12 }, (_, i) => `line ${i + 1}`).join('\n'))
    expect(await readFileTool.execute({ path: 'a.txt', offset: 10 }, context)).toEqual({
      output: '10\tline 10\n11\tline 11\n12\tline 12',
      isError: false,
    })
    expect((await readFileTool.execute({ path: 'a.txt', offset: 2, limit: 2 }, context)).output).toBe(
      '2\tline 2\n3\tline 3\n[lines 2–3 of 12; read on with offset 4]',
    )
  })

  it('read_file reports each failure to the model as an error result', async () => {
    writeFileSync(join(directory, 'bin'), Buffer.from([1, 0, 2]))
    writeFileSync(join(directory, 'short.txt'), 'one\n')
    symlinkSync('/etc/hostname', join(directory, 'escape'))
    const cases: [unknown, RegExp][] = [
      [{ path: 'missing.txt' }, /file "missing.txt" does not exist/],
      [{ path: 'bin' }, /bin is a binary file/],
      [{ path: 'short.txt', offset: 5 }, /short.txt has 1 lines; offset 5 is past the end/],
      [{ path: '../outside' }, /is outside the workspace/],
      [{ path: 'escape' }, /leads outside the workspace through a symbolic link/],
      [{ path: 'a.txt', offset: 0 }, /invalid input for read_file: offset: /],
      [{ file: 'a.txt' }, /invalid input for read_file: .*path/],
    ]
    for (const [input, message] of cases) {
      const result = await readFileTool.execute(input, context)
      expect(result.isError, JSON.stringify(input)).toBe(true)
      expect(result.output).toMatch(message)
    }
  })

  it('cuts oversized output with a note', async () => {
    writeFileSync(join(directory, 'wide.txt'), `${'x'.repeat(1999)}\n`.repeat(40))
    const result = await readFileTool.execute({ path: 'wide.txt' }, context)
    expect(result.output.length).toBeLessThan(maxToolOutputChars + 200)
    expect(result.output).toMatch(/\[output truncated: showed 30000 of \d+ characters; ask for less/)
  })

  it('write_file creates files and their directories, and refuses a path outside', async () => {
    expect(await writeFileTool.execute({ path: 'src/new.ts', content: 'a\nb\n' }, context)).toEqual({
      output: 'wrote src/new.ts (2 lines, 4 bytes)',
      isError: false,
    })
    expect(file('src/new.ts')).toBe('a\nb\n')
    expect((await writeFileTool.execute({ path: '/tmp/x', content: '' }, context)).isError).toBe(true)
  })

  it('edit_file applies several exact edits at once, or none', async () => {
    writeFileSync(join(directory, 'c.ts'), 'const a = 1\nconst b = 2\nconst a2 = 1\n')
    const edit = (edits: unknown) => editFileTool.execute({ path: 'c.ts', edits }, context)
    expect(
      await edit([
        { old_text: 'const b = 2', new_text: 'const b = 3' },
        { old_text: '= 1', new_text: '= $&10', replace_all: true },
      ]),
    ).toEqual({ output: 'edited c.ts (2 edits)', isError: false })
    expect(file('c.ts')).toBe('const a = $&10\nconst b = 3\nconst a2 = $&10\n')

    const ambiguous = await edit([
      { old_text: 'const b = 3', new_text: 'x' },
      { old_text: '$&10', new_text: '1' },
    ])
    expect(ambiguous).toEqual({
      output:
        'old_text occurs 2 times in c.ts (edit 2): add surrounding lines to make it unique, or set replace_all',
      isError: true,
    })
    const missing = await edit([{ old_text: 'nowhere', new_text: 'x' }])
    expect(missing.output).toBe('old_text not found in c.ts: read the file and copy the text exactly')
    expect(file('c.ts')).toBe('const a = $&10\nconst b = 3\nconst a2 = $&10\n')
    expect((await edit([{ old_text: '', new_text: 'x' }])).output).toMatch(/must not be empty/)
    expect(
      (await editFileTool.execute({ path: 'nope.ts', edits: [{ old_text: 'a', new_text: 'b' }] }, context))
        .output,
    ).toMatch(/does not exist/)
  })

  it('list_files leaves out what .gitignore ignores and filters by glob', async () => {
    writeFileSync(join(directory, '.gitignore'), 'dist/\n*.log\n')
    for (const path of ['src/a.ts', 'src/b.js', 'dist/out.js', 'debug.log', 'README.md']) {
      await sandbox.writeFile(path, '')
    }
    expect((await listFilesTool.execute({}, context)).output).toBe(
      '.gitignore\nREADME.md\nsrc/a.ts\nsrc/b.js',
    )
    expect((await listFilesTool.execute({ pattern: 'src/**/*.ts' }, context)).output).toBe('src/a.ts')
    expect((await listFilesTool.execute({ path: 'src' }, context)).output).toBe('src/a.ts\nsrc/b.js')
    expect((await listFilesTool.execute({ pattern: '*.py' }, context)).output).toBe(
      'no files match *.py under .',
    )
    expect((await listFilesTool.execute({ path: '..' }, context)).isError).toBe(true)
  })

  it('grep finds matches with ripgrep, leaving out ignored files, and says clearly when there are none', async () => {
    writeFileSync(join(directory, '.gitignore'), 'dist/\n')
    await sandbox.writeFile('src/a.ts', 'export const answer = 42\nconst other = 1\n')
    await sandbox.writeFile('src/b.js', 'const ANSWER = "no"\n')
    await sandbox.writeFile('dist/a.js', 'answer\n')
    expect(await grepTool.execute({ pattern: 'answer' }, context)).toEqual({
      output: 'src/a.ts:1:export const answer = 42',
      isError: false,
    })
    expect(
      (await grepTool.execute({ pattern: 'answer', ignore_case: true, glob: '*.js' }, context)).output,
    ).toBe('src/b.js:1:const ANSWER = "no"')
    expect((await grepTool.execute({ pattern: 'other', path: 'src/a.ts' }, context)).output).toBe(
      'src/a.ts:2:const other = 1',
    )
    expect((await grepTool.execute({ pattern: 'nowhere' }, context)).output).toBe(
      'no matches for "nowhere" in .',
    )
    const bad = await grepTool.execute({ pattern: '(' }, context)
    expect(bad.isError).toBe(true)
    expect(bad.output).toMatch(/^grep failed: rg: regex parse error/)
    expect((await grepTool.execute({ pattern: 'x', path: '../' }, context)).output).toMatch(
      /outside the workspace/,
    )
  })
})
