import {
  existsSync,
  linkSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { PassThrough } from 'node:stream'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { CadreError } from '../core/errors.ts'
import type { Sandbox } from './sandbox.ts'

/**
 * A `sleep` no other process runs, to find it again from outside: a sandbox may give its processes
 * their own PID namespace, so the pids they print mean nothing here.
 */
const uniqueSleep = () => `sleep ${(30 + Math.random()).toFixed(9)}`

/** Whether a process whose command line is `command` is running on this machine. */
const isRunning = (command: string) =>
  readdirSync('/proc').some((entry) => {
    if (!/^\d+$/.test(entry)) return false
    try {
      return readFileSync(`/proc/${entry}/cmdline`, 'utf8').replaceAll('\0', ' ').trim() === command
    } catch {
      return false
    }
  })

const eventually = async (check: () => boolean, what: string) => {
  const deadline = Date.now() + 5000
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}

const codeOf = (promise: Promise<unknown>) =>
  promise.then(
    () => 'resolved',
    (error: unknown) => (error instanceof CadreError ? error.code : String(error)),
  )

/** What every Sandbox backend must do; `open` makes a workspace over a fresh directory. */
export const describeSandboxContract = (name: string, open: (directory: string) => Promise<Sandbox>) =>
  describe(`Sandbox contract: ${name}`, () => {
    let directory: string
    let outside: string
    let sandbox: Sandbox
    beforeEach(async () => {
      const base = mkdtempSync(join(tmpdir(), 'cadre-sandbox-'))
      directory = join(base, 'workspace')
      outside = join(base, 'outside')
      mkdirSync(directory)
      mkdirSync(outside)
      writeFileSync(join(outside, 'secret.txt'), 'outside the workspace\n')
      sandbox = await open(directory)
    })
    afterEach(() => sandbox.close())

    describe('processes', () => {
      it('runs an argv without a shell and a command line with one, with exit codes and both streams', async () => {
        expect(await sandbox.exec({ command: ['printf', '%s', 'a $HOME b'] })).toMatchObject({
          exitCode: 0,
          stdout: 'a $HOME b',
          stderr: '',
          timedOut: false,
          cancelled: false,
          truncated: false,
        })
        expect(await sandbox.exec({ command: { shell: 'echo out; echo err >&2; exit 3' } })).toMatchObject({
          exitCode: 3,
          stdout: 'out\n',
          stderr: 'err\n',
        })
        const missing = await sandbox.exec({ command: ['no-such-command-anywhere'] })
        expect(missing.exitCode).toBe(127)
        expect(missing.stderr).toMatch(/no-such-command-anywhere/)
      })

      it('runs in a directory of the workspace, never outside it', async () => {
        mkdirSync(join(directory, 'sub'))
        const pwd = await sandbox.exec({ command: ['pwd'], cwd: 'sub' })
        expect(pwd.stdout.trim()).toBe(join(sandbox.root, 'sub'))
        expect(await codeOf(sandbox.exec({ command: ['pwd'], cwd: '..' }))).toBe('forbidden')
      })

      it("gives the given environment and none of Cadre's own", async () => {
        process.env.CADRE_SANDBOX_TEST_SECRET = 'must-not-leak-into-processes'
        try {
          const env = await sandbox.exec({ command: ['env'], env: { GIVEN: 'yes' } })
          expect(env.stdout).toContain('GIVEN=yes\n')
          expect(env.stdout).toMatch(/^PATH=/m)
          expect(env.stdout).not.toContain('must-not-leak-into-processes')
        } finally {
          delete process.env.CADRE_SANDBOX_TEST_SECRET
        }
      })

      it('passes stdin, streams output as it comes, and keeps at most the limit', async () => {
        const seen: string[] = []
        let ended = false
        const running = sandbox.exec({
          command: { shell: 'cat; sleep 0.3; echo second' },
          stdin: 'first\n',
          onOutput: (stream, text) => seen.push(`${stream}:${text}:${ended ? 'after' : 'before'}`),
        })
        await eventually(() => seen.length > 0, 'the first output')
        expect(seen).toEqual(['stdout:first\n:before'])
        const result = await running
        ended = true
        expect(result.stdout).toBe('first\nsecond\n')
        const big = await sandbox.exec({ command: { shell: 'yes x | head -c 5000' }, maxOutputBytes: 100 })
        expect(big).toMatchObject({ truncated: true, exitCode: 0 })
        expect(big.stdout).toHaveLength(100)
      })

      it('holds a conversation over stdin: each answer written after the process spoke', async () => {
        const input = new PassThrough()
        let output = ''
        const running = sandbox.exec({
          command: { shell: 'echo ready; read a; echo "got $a"; read b; echo "got $b"' },
          stdin: input,
          onOutput: (_stream, text) => {
            output += text
            if (text.includes('ready')) input.write('one\n')
            if (text.includes('got one')) input.end('two\n')
          },
        })
        const result = await running
        expect(result).toMatchObject({ exitCode: 0 })
        expect(output).toBe('ready\ngot one\ngot two\n')
      })

      it('kills the whole process group on timeout and on cancel', async () => {
        const sleeps = [uniqueSleep(), uniqueSleep()]
        const started: string[] = []
        const timedOut = await sandbox.exec({
          command: { shell: `${sleeps[0]} & echo started; wait` },
          timeoutMs: 300,
          onOutput: (_stream, text) => started.push(text),
        })
        expect(timedOut).toMatchObject({ timedOut: true, cancelled: false })
        expect(timedOut.exitCode === null || timedOut.exitCode > 128).toBe(true)

        const controller = new AbortController()
        const cancelled = sandbox.exec({
          command: { shell: `${sleeps[1]} & echo started; wait` },
          signal: controller.signal,
          onOutput: (_stream, text) => started.push(text),
        })
        // Cancelled once the background sleep is really running (not just forked).
        await eventually(() => isRunning(sleeps[1]!), 'the background sleep to run')
        controller.abort()
        expect(await cancelled).toMatchObject({ cancelled: true, timedOut: false })
        expect(started).toHaveLength(2)
        await eventually(() => !sleeps.some(isRunning), 'the background sleeps to be gone')
      })

      it('leaves nothing running when cancelled at any moment, even while the process is starting', async () => {
        for (let attempt = 0; attempt < 15; attempt++) {
          const sleep = uniqueSleep()
          const controller = new AbortController()
          const running = sandbox.exec({ command: ['bash', '-c', sleep], signal: controller.signal })
          setTimeout(() => controller.abort(), attempt % 5)
          const started = performance.now()
          expect(await running).toMatchObject({ cancelled: true })
          expect(performance.now() - started).toBeLessThan(3000)
          await eventually(() => !isRunning(sleep), 'the cancelled command to be gone')
        }
      })

      it('ends when the command does, even if a child it left holds the output open', async () => {
        let group = 0
        const result = await sandbox.exec({
          command: { shell: `${uniqueSleep()} & echo started` },
          onStart: (id) => {
            group = id
          },
        })
        expect(result).toMatchObject({ exitCode: 0, stdout: 'started\n' })
        expect(result.durationMs).toBeLessThan(5000)
        expect(group).toBeGreaterThan(0)
      })

      it('ends background processes when closed', async () => {
        const sleep = uniqueSleep()
        await sandbox.exec({ command: { shell: `nohup ${sleep} >/dev/null 2>&1 &` } })
        await sandbox.close()
        await eventually(() => !isRunning(sleep), 'the background process to be gone')
      })
    })

    describe('files', () => {
      it('writes, reads and lists files, creating parent directories', async () => {
        await sandbox.writeFile('src/deep/a.txt', 'alpha\n')
        await sandbox.writeFile('b.txt', Buffer.from('beta'))
        expect((await sandbox.readFile('src/deep/a.txt')).toString()).toBe('alpha\n')
        expect((await sandbox.readFile(join(sandbox.root, 'b.txt'))).toString()).toBe('beta')
        expect(await sandbox.list('.', { recursive: true })).toEqual([
          { path: 'b.txt', type: 'file', size: 4 },
          { path: 'src', type: 'directory', size: expect.any(Number) },
          { path: 'src/deep', type: 'directory', size: expect.any(Number) },
          { path: 'src/deep/a.txt', type: 'file', size: 6 },
        ])
        expect((await sandbox.list('.', { recursive: true, limit: 2 })).map((e) => e.path)).toEqual([
          'b.txt',
          'src',
        ])
        expect(await sandbox.list('src')).toEqual([
          { path: 'src/deep', type: 'directory', size: expect.any(Number) },
        ])
      })

      it('says clearly what is missing', async () => {
        expect(await codeOf(sandbox.readFile('nope.txt'))).toBe('not_found')
        expect(await codeOf(sandbox.list('nope'))).toBe('not_found')
        await sandbox.writeFile('dir/x', '')
        expect(await codeOf(sandbox.readFile('dir'))).toBe('bad_request')
      })

      it('refuses every way out of the workspace, and writes nothing outside', async () => {
        symlinkSync(join(outside, 'secret.txt'), join(directory, 'link-to-file'))
        symlinkSync(outside, join(directory, 'link-to-dir'))
        symlinkSync(join(outside, 'not-yet.txt'), join(directory, 'dangling'))
        linkSync(join(outside, 'secret.txt'), join(directory, 'hardlink'))
        const escapes = [
          '../outside/secret.txt',
          'sub/../../outside/secret.txt',
          join(outside, 'secret.txt'),
          '/etc/passwd',
          'link-to-file',
          'link-to-dir/secret.txt',
          'link-to-dir/new.txt',
          'dangling',
          'hardlink',
          'a\0b',
        ]
        for (const path of escapes) {
          expect(await codeOf(sandbox.readFile(path)), `read ${path}`).toBe('forbidden')
          expect(await codeOf(sandbox.writeFile(path, 'x')), `write ${path}`).toBe('forbidden')
        }
        expect(await codeOf(sandbox.list('link-to-dir'))).toBe('forbidden')
        expect(existsSync(join(outside, 'new.txt'))).toBe(false)
        expect(existsSync(join(outside, 'not-yet.txt'))).toBe(false)
        expect((await import('node:fs')).readFileSync(join(outside, 'secret.txt'), 'utf8')).toBe(
          'outside the workspace\n',
        )
      })

      it('never writes git metadata, whatever path leads there', async () => {
        // A worktree has its own `.git` link; a plain directory is given one.
        if (!existsSync(join(directory, '.git'))) writeFileSync(join(directory, '.git'), 'gitdir: /nowhere\n')
        symlinkSync(join(directory, '.git'), join(directory, 'gitlink'))
        for (const path of ['.git', '.git/hooks/pre-commit', './.git/config', 'sub/../.git/x', 'gitlink']) {
          expect(await codeOf(sandbox.writeFile(path, 'x')), `write ${path}`).toBe('forbidden')
        }
        expect((await sandbox.list('.')).map((entry) => entry.path)).toEqual(['gitlink'])
      })

      it('follows a symbolic link that stays inside', async () => {
        await sandbox.writeFile('real/file.txt', 'inside')
        symlinkSync(join(directory, 'real'), join(directory, 'alias'))
        expect((await sandbox.readFile('alias/file.txt')).toString()).toBe('inside')
      })
    })
  })
