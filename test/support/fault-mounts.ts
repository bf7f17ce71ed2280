import { execFileSync, spawn } from 'node:child_process'
import { join } from 'node:path'
import { collectOutput, launcher, systemNode } from './cli.ts'

/**
 * A mount namespace of its own, held open by a sleeping process, for faults of the file system
 * under Cadre: a home on a small tmpfs that can be filled, a home bind-mounted read-only. We run
 * as root, so file modes stop nothing; a mount does, and only the processes entered into this
 * namespace see it (nothing leaks to the machine, and it vanishes with its last process). It works
 * inside the tests' own `bwrap --unshare-net` too, where root keeps CAP_SYS_ADMIN over its mounts.
 */
export interface FaultMounts extends AsyncDisposable {
  /** The path of `path` as the namespace sees it, reachable from outside (through /proc/<pid>/root). */
  inside(path: string): string
  /** Runs a command in the namespace (a mount, a remount); throws with its stderr when it fails. */
  run(command: string[]): string
  /** Starts `cadre …` in the namespace; the same shape as `spawnCli`. */
  spawnCli(args: string[], env: NodeJS.ProcessEnv): ReturnType<typeof spawnIn>
  close(): Promise<void>
}

const spawnIn = (holder: number, command: string[], env: NodeJS.ProcessEnv) => {
  const child = spawn('nsenter', ['-t', String(holder), '-m', '--', ...command], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return collectOutput(child)
}

/** Whether this machine lets us make mount namespaces (root, or CAP_SYS_ADMIN): the suite needs it. */
export const canMount = (): boolean => {
  try {
    execFileSync('unshare', ['-m', '--propagation', 'private', 'mount', '-t', 'tmpfs', 'tmpfs', '/mnt'], {
      stdio: 'ignore',
    })
    return true
  } catch {
    return false
  }
}

/** A new mount namespace in which `setup` (shell commands: mounts) has run. */
export const startFaultMounts = async (setup: string): Promise<FaultMounts> => {
  const holder = spawn(
    'unshare',
    ['-m', '--propagation', 'private', 'sh', '-c', `${setup} && exec sleep 86400`],
    {
      stdio: ['ignore', 'ignore', 'pipe'],
    },
  )
  let stderr = ''
  holder.stderr!.on('data', (chunk) => (stderr += chunk))
  const gone = new Promise<number | null>((resolve) => holder.on('close', resolve))
  // Ready once the holder sleeps: its command line is then `sleep`.
  const deadline = Date.now() + 10_000
  for (;;) {
    const exitCode = await Promise.race([gone, new Promise((resolve) => setTimeout(resolve, 20, 'alive'))])
    if (exitCode !== 'alive') throw new Error(`could not set up the mount namespace (${exitCode}): ${stderr}`)
    const command = execFileSync('cat', [`/proc/${holder.pid}/cmdline`]).toString()
    if (command.startsWith('sleep')) break
    if (Date.now() > deadline) throw new Error('the mount namespace took too long to set up')
  }
  const pid = holder.pid!
  const close = async () => {
    holder.kill('SIGKILL')
    await gone
  }
  return {
    inside: (path) => join(`/proc/${pid}/root`, path),
    run: (command) =>
      execFileSync('nsenter', ['-t', String(pid), '-m', '--', ...command], {
        encoding: 'utf8',
        stdio: 'pipe',
      }),
    spawnCli: (args, env) => spawnIn(pid, [systemNode(), launcher, ...args], env),
    close,
    [Symbol.asyncDispose]: close,
  }
}
