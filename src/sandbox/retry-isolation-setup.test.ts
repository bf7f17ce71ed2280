import { existsSync, mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Readable } from 'node:stream'
import { beforeAll, describe, expect, it } from 'vitest'
import { findBubblewrap } from './bubblewrap.ts'
import { openDirectorySandbox } from './directory-sandbox.ts'
import type { Sandbox } from './sandbox.ts'

/**
 * A sandbox whose bubblewrap fails its set-up the first `failures` times (a bind of a place that
 * is not there, as when a host's mount vanishes under it), then isolates as usual.
 */
const flakySandbox = async (failures: number) => {
  const bwrap = ['/usr/bin/bwrap', '/usr/local/bin/bwrap', '/bin/bwrap'].find(existsSync)
  let calls = 0
  const directory = mkdtempSync(join(tmpdir(), 'cadre-flaky-bwrap-'))
  const sandbox = await openDirectorySandbox(directory, {
    isolate: (command, cwd) => [
      bwrap ?? 'bwrap',
      '--ro-bind',
      '/',
      '/',
      ...(++calls <= failures ? ['--ro-bind', join(directory, 'vanished-mount'), '/mnt'] : []),
      '--chdir',
      cwd,
      '--',
      ...command,
    ],
  })
  return { sandbox, calls: () => calls }
}

describe('a sandboxed process whose bubblewrap fails to set up', () => {
  beforeAll(async () => {
    if (!(await findBubblewrap())) throw new Error('bubblewrap is not usable here: install "bubblewrap"')
  })

  const run = async (sandbox: Sandbox, command: string[], stdin?: string | Readable) => {
    const streamed: string[] = []
    const result = await sandbox.exec({ command, stdin, onOutput: (_stream, text) => streamed.push(text) })
    return { result, streamed: streamed.join('') }
  }

  it('is run again, its complaint never shown, and runs once in the end', async () => {
    const { sandbox, calls } = await flakySandbox(2)
    const { result, streamed } = await run(sandbox, ['sh', '-c', 'echo ran; echo warned >&2'], 'input')
    expect(calls()).toBe(3)
    expect(result).toMatchObject({ exitCode: 0, stdout: 'ran\n', stderr: 'warned\n' })
    expect(streamed).toBe('ran\nwarned\n')
  })

  it('gives up after three tries, with bubblewrap’s words as the failure', async () => {
    const { sandbox, calls } = await flakySandbox(5)
    const { result, streamed } = await run(sandbox, ['true'])
    expect(calls()).toBe(3)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^bwrap: .*vanished-mount/)
    expect(streamed).toBe(result.stderr)
  })

  it('is not run again when its input came from a stream, which cannot be given twice', async () => {
    const { sandbox, calls } = await flakySandbox(1)
    const { result } = await run(sandbox, ['cat'], Readable.from(['streamed input']))
    expect(calls()).toBe(1)
    expect(result.exitCode).toBe(1)
    expect(result.stderr).toMatch(/^bwrap: /)
  })

  it('streams a command’s own stderr as it comes, even one that begins like bubblewrap’s', async () => {
    const { sandbox, calls } = await flakySandbox(0)
    const { result, streamed } = await run(sandbox, [
      'sh',
      '-c',
      'echo "bwrap: said by the command" >&2; echo second line >&2; exit 1',
    ])
    expect(calls()).toBe(1)
    expect(result).toMatchObject({ exitCode: 1, stderr: 'bwrap: said by the command\nsecond line\n' })
    expect(streamed).toBe(result.stderr)
  })

  it('is not run again for a complaint of a bwrap the command ran itself: the command may have done its work', async () => {
    const { sandbox, calls } = await flakySandbox(0)
    const { result, streamed } = await run(sandbox, [
      'sh',
      '-c',
      'echo "bwrap: No permissions to create new namespace" >&2; exit 1',
    ])
    expect(calls()).toBe(1)
    expect(result).toMatchObject({ exitCode: 1, stderr: 'bwrap: No permissions to create new namespace\n' })
    expect(streamed).toBe(result.stderr)
  })
})
