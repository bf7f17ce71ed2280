import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { existsSync } from 'node:fs'
import { killMarked } from './marked-processes.ts'
import { createCapture, defaultMaxOutputBytes } from './output-capture.ts'
import type { ExecRequest, ExecResult, OutputStream } from './sandbox.ts'

/** The environment variable marking every process of one exec (see `markedProcesses`). */
export const execMarker = 'CADRE_EXEC_ID'

/** After SIGTERM, how long a process group gets before SIGKILL. */
const termGraceMs = 2000
/** After the main process exits, how long leftover children may keep its output open. */
const drainMs = 200

/** Signals a whole process group; it may already be gone. */
export const signalGroup = (groupId: number, signal: NodeJS.Signals): void => {
  try {
    process.kill(-groupId, signal)
  } catch {}
}

/**
 * Why a process could not start. Node blames the program (`spawn /usr/bin/bwrap ENOENT`) when it
 * is the folder to run in that is missing, as when a workspace is deleted under a running task.
 */
const spawnFailure = (error: NodeJS.ErrnoException, cwd: string): string =>
  error.code === 'ENOENT' && !existsSync(cwd)
    ? `the folder ${cwd} to run in does not exist (was the workspace deleted?)`
    : error.message

/**
 * Runs a process as the leader of its own process group, so a timeout or a cancel ends everything
 * it started; resolves when it has ended and its output is read (children it left holding the
 * output open are killed shortly after it exits).
 */
export const runProcess = (
  request: ExecRequest & { cwd: string; env: Record<string, string> },
): Promise<ExecResult> =>
  new Promise((resolveResult) => {
    const started = performance.now()
    const [file, ...args] = Array.isArray(request.command)
      ? (request.command as string[])
      : ['/bin/sh', '-c', (request.command as { shell: string }).shell]
    // Every process the command starts inherits this mark, so none escapes a kill by leaving the
    // group (a daemon) or being out of reach of group signals (a sandbox's own PID namespace).
    const mark = randomUUID()
    const child = spawn(file ?? '', args, {
      cwd: request.cwd,
      env: { ...request.env, [execMarker]: mark },
      detached: true,
      // No input is /dev/null, not an empty pipe: Node's pipes are sockets, and bash, seeing its
      // input is a socket, takes itself for a remote shell and sources the user's ~/.bashrc.
      stdio: [request.stdin === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    const limit = request.maxOutputBytes ?? defaultMaxOutputBytes
    const output = { stdout: createCapture(limit), stderr: createCapture(limit) }
    let timedOut = false
    let cancelled = false
    let exit: { code: number | null; signal: NodeJS.Signals | null } | undefined
    let settled = false
    const timers: NodeJS.Timeout[] = []

    const killAll = () => {
      if (child.pid !== undefined) signalGroup(child.pid, 'SIGKILL')
      killMarked(execMarker, mark)
    }
    const kill = () => {
      if (child.pid === undefined) return
      signalGroup(child.pid, 'SIGTERM')
      timers.push(setTimeout(killAll, termGraceMs).unref())
    }
    const onAbort = () => {
      cancelled = true
      kill()
    }
    const finish = (spawnError?: Error) => {
      if (settled) return
      settled = true
      for (const timer of timers) clearTimeout(timer)
      request.signal?.removeEventListener('abort', onAbort)
      if (spawnError) output.stderr.add(`${spawnFailure(spawnError, request.cwd)}\n`)
      resolveResult({
        exitCode: spawnError ? 127 : (exit?.code ?? null),
        signal: exit?.signal ?? null,
        timedOut,
        cancelled,
        stdout: output.stdout.text,
        stderr: output.stderr.text,
        truncated: output.stdout.truncated || output.stderr.truncated,
        durationMs: Math.round(performance.now() - started),
      })
    }

    for (const stream of ['stdout', 'stderr'] as OutputStream[]) {
      child[stream]?.setEncoding('utf8')
      child[stream]?.on('data', (text: string) => {
        output[stream].add(text)
        request.onOutput?.(stream, text)
      })
    }
    if (child.stdin) {
      child.stdin.on('error', () => {}) // a process that does not read its input must not fail the run
      if (typeof request.stdin === 'string') child.stdin.end(request.stdin)
      else request.stdin?.pipe(child.stdin)
    }
    child.once('error', (error) => finish(error))
    child.once('spawn', () => {
      if (child.pid !== undefined) request.onStart?.(child.pid)
      if (request.signal?.aborted) onAbort()
      else request.signal?.addEventListener('abort', onAbort, { once: true })
      if (request.timeoutMs) {
        timers.push(
          setTimeout(() => {
            timedOut = true
            kill()
          }, request.timeoutMs).unref(),
        )
      }
    })
    child.once('exit', (code, signal) => {
      exit = { code, signal }
      // Background children may hold the output open: give them a moment, then end the group.
      timers.push(setTimeout(killAll, drainMs).unref())
    })
    child.once('close', () => finish())
  })
