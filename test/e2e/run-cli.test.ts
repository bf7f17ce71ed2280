import { execFile, execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { SimServer } from '../../src/sim/sim-server.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { closedPortUrl } from '../support/answering-server.ts'
import { launcher, runCli, systemNode } from '../support/cli.ts'
import { createGitRepo } from '../support/git-repo.ts'

const run = promisify(execFile)

describe('cadre run and cadre demo, with no server running', () => {
  let sim: SimServer
  let nowhere: string
  beforeAll(async () => {
    sim = await startSimulator({
      scenarios: [
        {
          name: 'notes',
          rules: [
            {
              when: { toolResult: 'none' },
              reply: [
                { text: 'Adding the notes.' },
                { toolCall: { tool: 'write_file', input: { path: 'NOTES.md', content: '# Notes\n' } } },
              ],
            },
            { reply: [{ text: 'Added NOTES.md.' }] },
          ],
        },
      ],
    })
    nowhere = await closedPortUrl() // so no server of the machine's own is found
  })
  afterAll(() => sim.close())

  const env = () => ({
    CADRE_HOME: mkdtempSync(join(tmpdir(), 'cadre-run-')),
    CADRE_URL: nowhere,
    CADRE_TOKEN: '',
    ANTHROPIC_BASE_URL: sim.url,
    ANTHROPIC_API_KEY: 'sk-ant-sim-0123456789abcdef',
  })

  it('runs a task end to end in its own server, showing each step and a summary', async () => {
    const repo = createGitRepo()
    mkdirSync(join(repo, '.cadre'))
    writeFileSync(join(repo, '.cadre', 'setup.sh'), 'echo ready\n')
    execFileSync('git', ['-C', repo, 'add', '-A'])
    execFileSync('git', ['-C', repo, '-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-qm', 'setup'])
    const result = await runCli(
      ['run', 'Add a NOTES.md', '--project', repo, '--model', 'anthropic:claude-sonnet-4-5'],
      env(),
    )
    expect(result.stderr).toBe('')
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      /^▸ Add a NOTES\.md {2}\(task tsk_\w+, builtin, anthropic:claude-sonnet-4-5, auto\)\n/,
    )
    expect(result.stdout).toMatch(/\n {2}✓ setup \.cadre\/setup\.sh {2}\d+\.\ds\n/)
    expect(result.stdout).toContain('Adding the notes.\n  ✓ write_file NOTES.md  ')
    const summary =
      /✔ Finished with changes — [\d,]+ tokens in, [\d,]+ out, \$0\.\d{4}, [\d.]+s; changes to review in (\S+) \(branch (cadre\/add-a-notes-md-\w+)\): cadre task diff tsk_\w+, then cadre task merge tsk_\w+/
    expect(result.stdout).toMatch(summary)
    const [, worktree = ''] = summary.exec(result.stdout) ?? []
    expect(readFileSync(join(worktree, 'NOTES.md'), 'utf8')).toBe('# Notes\n')
    expect(existsSync(join(repo, 'NOTES.md'))).toBe(false) // the user's checkout is untouched
  })

  it('says what to set when the model cannot be used', async () => {
    const result = await runCli(
      ['run', 'anything', '--project', createGitRepo(), '--model', 'openai:gpt-5.5'],
      { ...env(), OPENAI_API_KEY: '' },
    )
    expect(result.code).toBe(2)
    expect(result.stderr).toMatch(
      /^cadre: model openai:gpt-5\.5 cannot be used: no API key for provider openai: set OPENAI_API_KEY/,
    )
  })

  it('shows a whole run on a sample repository with the simulator, no key needed', async () => {
    const result = await runCli(['demo'], { CADRE_HOME: mkdtempSync(join(tmpdir(), 'cadre-demo-test-')) })
    expect(result.code).toBe(0)
    expect(result.stdout).toMatch(
      / {2}✓ todo {2}\d+\.\ds\n {6}\[~\] Read the name from the command line\n {6}\[ \] Check it/,
    )
    expect(result.stdout).toContain('  ✓ edit_file greet.js  ')
    expect(result.stdout).toContain('  ✓ bash node greet.js Cadre  ')
    expect(result.stdout).toContain('✔ Finished with changes')
    expect(result.stdout).toContain('set ANTHROPIC_API_KEY')
    expect(result.stdout + result.stderr).not.toMatch(/thinking \d+s/) // no spinner off a terminal
  })

  it('shows, on a terminal, a spinner saying what the run is doing and for how long', async () => {
    // `script` gives the CLI a pseudo-terminal; CI variables would make the spinner stand down.
    const { CI: _ci, GITHUB_ACTIONS: _gha, ...env } = process.env
    const { stdout } = await run('script', ['-qec', `${systemNode()} ${launcher} demo`, '/dev/null'], {
      env: { ...env, CADRE_HOME: mkdtempSync(join(tmpdir(), 'cadre-demo-tty-')) },
      timeout: 60_000,
    })
    expect(stdout).toMatch(/thinking \d+s/)
    expect(stdout).toMatch(/edit_file greet\.js \d+s/)
    expect(stdout).toContain('✔ Finished with changes')
  })
})
