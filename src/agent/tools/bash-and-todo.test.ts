import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { openDirectorySandbox } from '../../sandbox/directory-sandbox.ts'
import type { Sandbox } from '../../sandbox/sandbox.ts'
import { bashTool } from './bash.ts'
import { todoTool } from './todo.ts'

describe('bash and todo tools', () => {
  let sandbox: Sandbox
  beforeEach(async () => {
    sandbox = await openDirectorySandbox(mkdtempSync(join(tmpdir(), 'cadre-bash-')))
  })
  afterEach(() => sandbox.close())
  const context = () => ({ sandbox, signal: new AbortController().signal })

  it('bash gives the exit code and both streams, streaming output as it comes', async () => {
    const live: string[] = []
    const result = await bashTool.execute(
      { command: 'mkdir -p sub && cd sub && pwd && echo oops >&2 && exit 4' },
      { ...context(), onOutput: (text) => live.push(text) },
    )
    expect(result).toEqual({
      output: `exit code 4\n${sandbox.root}/sub\n[stderr]\noops`,
      isError: true, // a command that did not exit 0 failed
      exitCode: 4,
    })
    expect(live.join('')).toContain(`${sandbox.root}/sub`)
    expect((await bashTool.execute({ command: 'pwd', cwd: 'sub' }, context())).output).toBe(
      `exit code 0\n${sandbox.root}/sub`,
    )
  })

  it('bash stops the command and its children on timeout and on cancel', async () => {
    expect((await bashTool.execute({ command: 'sleep 5', timeout_seconds: 1 }, context())).output).toMatch(
      /^timed out after 1 s; the command and everything it started were stopped/,
    )
    const controller = new AbortController()
    const running = bashTool.execute({ command: 'sleep 5 & sleep 5' }, { sandbox, signal: controller.signal })
    setTimeout(() => controller.abort(), 100)
    // bash may add its own note on the killed job ("Terminated")
    expect((await running).output).toMatch(/^cancelled; the command and everything it started were stopped/)
  })

  it('bash refuses bad input and a directory outside the workspace', async () => {
    expect((await bashTool.execute({ command: '  ' }, context())).output).toMatch(
      /invalid input for bash: command/,
    )
    expect((await bashTool.execute({ command: 'ls', timeout_seconds: 601 }, context())).isError).toBe(true)
    expect((await bashTool.execute({ command: 'ls', cwd: '..' }, context())).output).toMatch(
      /outside the workspace/,
    )
  })

  it('todo shows the plan and allows one item in progress at a time', async () => {
    const plan = {
      items: [
        { text: 'read the code', status: 'done' },
        { text: 'fix the bug', status: 'in_progress' },
        { text: 'run the tests', status: 'pending' },
      ],
    }
    expect(await todoTool.execute(plan, context())).toEqual({
      output: '[x] read the code\n[~] fix the bug\n[ ] run the tests',
      isError: false,
    })
    const two = {
      items: [
        { text: 'a', status: 'in_progress' },
        { text: 'b', status: 'in_progress' },
      ],
    }
    expect((await todoTool.execute(two, context())).output).toBe(
      'invalid input for todo: items: at most one item can be in_progress',
    )
    expect((await todoTool.execute({ items: [] }, context())).output).toBe('plan cleared')
  })
})
