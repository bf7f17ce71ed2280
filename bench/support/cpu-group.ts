import { existsSync, mkdirSync, readFileSync, rmdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { cpuClock } from './cpu-time.ts'

export interface CpuGroup {
  /** The file listing the group's processes, one pid a line. */
  procsFile: string
  /** Puts a process in the group; the processes it starts from then on are in it too. */
  add(pid: number): void
  /** CPU seconds spent so far by every process while in the group, orphans and daemons included. */
  seconds(): number
  /** Moves what is left back to the root group and removes the group. */
  remove(): void
}

// Where a control group's CPU time is kept: cgroup v1's cpuacct (nanoseconds), or v2's cpu.stat.
const hierarchies = [
  {
    root: '/sys/fs/cgroup/cpuacct',
    read: (dir: string) => Number(readFileSync(join(dir, 'cpuacct.usage'), 'utf8')) / 1e9,
  },
  ...['/sys/fs/cgroup', '/sys/fs/cgroup/unified'].map((root) => ({
    root,
    read: (dir: string) =>
      Number(/usage_usec (\d+)/.exec(readFileSync(join(dir, 'cpu.stat'), 'utf8'))?.[1]) / 1e6,
  })),
]

let counter = 0

/**
 * A control group of its own for the CPU time of a process tree: unlike a parent's count of its
 * reaped children, it sees processes that were orphaned, double-forked or never waited for (a
 * bubblewrap sandbox's init is one). Undefined when no writable hierarchy is here (not root).
 */
export const cpuGroup = (): CpuGroup | undefined => {
  for (const { root, read } of hierarchies) {
    const dir = join(root, `cadre-bench-${process.pid}-${counter++}`)
    try {
      mkdirSync(dir)
      read(dir)
    } catch {
      continue
    }
    const procsFile = join(dir, 'cgroup.procs')
    const remove = () => {
      process.removeListener('exit', remove)
      if (!existsSync(dir)) return
      for (const pid of readFileSync(procsFile, 'utf8').split('\n').filter(Boolean)) {
        try {
          writeFileSync(join(root, 'cgroup.procs'), pid)
        } catch {}
      }
      try {
        rmdirSync(dir)
      } catch {}
    }
    // Left behind by a benchmark that failed, the group would outlive it.
    process.once('exit', remove)
    return {
      procsFile,
      add: (pid) => writeFileSync(procsFile, String(pid)),
      seconds: () => read(dir),
      remove,
    }
  }
  return undefined
}

export interface ProcessTree {
  /** CPU seconds spent so far by the process and everything it started since. */
  read(): number
  /** Whether a control group counts it (else: the process's own time and its reaped children's). */
  exact: boolean
  /** The file listing the tree's processes, when a control group holds them. */
  procsFile?: string
  dispose(): void
}

/**
 * A process and everything it starts from now on, for their CPU time and membership: a control
 * group when one can be made, else the process's own time and that of the children it reaped
 * (cpu-time.ts), which misses a sandbox's orphans.
 */
export const processTree = (pid: number): ProcessTree => {
  const group = cpuGroup()
  if (!group) return { read: cpuClock({ pid }), exact: false, dispose: () => {} }
  group.add(pid)
  return { read: group.seconds, exact: true, procsFile: group.procsFile, dispose: group.remove }
}
