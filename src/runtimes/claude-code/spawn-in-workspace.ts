import { EventEmitter } from 'node:events'
import { PassThrough } from 'node:stream'
import type { Workspace } from '../../sandbox/sandbox.ts'

/** What the Claude Agent SDK asks of a custom spawn (its `SpawnOptions`). */
export interface SdkSpawnOptions {
  command: string
  args: string[]
  cwd?: string
  env: Record<string, string | undefined>
  /** Aborted by the SDK after its graceful close (stdin ended, a short grace). */
  signal: AbortSignal
}

/** A process of the workspace as the SDK drives it: its stdin and stdout, its end, a kill. */
export class WorkspaceProcess extends EventEmitter {
  readonly stdin = new PassThrough()
  readonly stdout = new PassThrough()
  exitCode: number | null = null
  signalCode: NodeJS.Signals | null = null
  killed = false
  readonly #stop = new AbortController()

  constructor(workspace: Workspace, options: SdkSpawnOptions, extra: ProcessExtras) {
    super()
    const env = Object.fromEntries(
      Object.entries({ ...options.env, ...extra.env }).filter(
        (entry): entry is [string, string] => entry[1] !== undefined,
      ),
    )
    workspace
      .exec({
        command: [options.command, ...options.args],
        ...(options.cwd && { cwd: options.cwd }),
        env,
        stdin: this.stdin,
        signal: AbortSignal.any([this.#stop.signal, options.signal, extra.signal]),
        // All of it is streamed to the SDK; the result keeps little (nothing reads it).
        maxOutputBytes: 64 * 1024,
        onOutput: (stream, text) => {
          if (stream === 'stdout') this.stdout.write(text)
          else extra.onStderr?.(text)
        },
      })
      .then(
        (result) => {
          this.exitCode = result.exitCode
          this.signalCode = result.signal
          this.stdout.end()
          this.emit('exit', result.exitCode, result.signal)
        },
        (error: unknown) => {
          this.stdout.end()
          this.emit('error', error)
        },
      )
  }

  kill(_signal: NodeJS.Signals): boolean {
    // The workspace ends the whole process group (and all it started), whichever signal was asked.
    this.killed = true
    this.#stop.abort()
    return true
  }
}

interface ProcessExtras {
  /** Added to the environment the SDK gives (Cadre's run marker). */
  env?: Readonly<Record<string, string>>
  /** The run's own signal: a cancel kills at once, without the SDK's grace. */
  signal: AbortSignal
  onStderr?: (text: string) => void
}

/**
 * The SDK's `spawnClaudeCodeProcess` for one run: Claude Code runs inside the task's workspace, as
 * isolated as any process there, and speaks to the SDK over its stdin and stdout.
 */
export const spawnInWorkspace =
  (workspace: Workspace, extras: ProcessExtras) =>
  (options: SdkSpawnOptions): WorkspaceProcess =>
    new WorkspaceProcess(workspace, options, extras)
