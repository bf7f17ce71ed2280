import { execFileSync } from 'node:child_process'
import { readFileSync } from 'node:fs'

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100

/**
 * CPU seconds of a process (`self`, user + system) and of its children that have ended and been
 * waited for (`children`: the kernel adds each reaped child's own time, and that of the children it
 * reaped, to its parent). Zero when the process is gone. Resolution: one clock tick (10 ms).
 */
export const cpuSeconds = (pid: number | 'self'): { self: number; children: number } => {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8')
    // The fields after the command name (which may hold spaces and parentheses), from `state` on.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ')
    const [utime, stime, cutime, cstime] = fields.slice(11, 15).map(Number) as [
      number,
      number,
      number,
      number,
    ]
    return { self: (utime + stime) / ticksPerSecond, children: (cutime + cstime) / ticksPerSecond }
  } catch {
    return { self: 0, children: 0 }
  }
}

/**
 * A clock of CPU seconds spent so far by what is named: this thread (exact, from the kernel's
 * per-thread count, so a sampler in a worker is left out), the children this process has reaped,
 * and another process (a server) with the children it has reaped. Read it before and after.
 */
export const cpuClock = (what: { thread?: boolean; children?: boolean; pid?: number }) => (): number => {
  const thread = what.thread ? process.threadCpuUsage() : { user: 0, system: 0 }
  const other = what.pid === undefined ? { self: 0, children: 0 } : cpuSeconds(what.pid)
  return (
    (thread.user + thread.system) / 1e6 +
    (what.children ? cpuSeconds('self').children : 0) +
    other.self +
    other.children
  )
}
