import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { runProcess } from './run-process.ts'

const env = { PATH: process.env.PATH ?? '/usr/bin:/bin' }

describe('a process that cannot start', () => {
  it('says its folder is gone, not its program, when the workspace was deleted', async () => {
    const workspace = mkdtempSync(join(tmpdir(), 'cadre-gone-'))
    rmSync(workspace, { recursive: true })
    const result = await runProcess({ command: ['/bin/sh', '-c', 'true'], cwd: workspace, env })
    expect(result.exitCode).toBe(127)
    expect(result.stderr).toBe(
      `the folder ${workspace} to run in does not exist (was the workspace deleted?)\n`,
    )
  })

  it('names the program when it is the program that is missing', async () => {
    const result = await runProcess({ command: ['/nonexistent/agent'], cwd: tmpdir(), env })
    expect(result.exitCode).toBe(127)
    expect(result.stderr).toBe('spawn /nonexistent/agent ENOENT\n')
  })
})
