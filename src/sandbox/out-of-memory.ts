import type { ExecResult } from './sandbox.ts'

/** Reads the container's cgroup memory events (v2, else v1): where the kernel counts its OOM kills. */
export const oomEventsCommand = {
  shell: 'cat /sys/fs/cgroup/memory.events /sys/fs/cgroup/memory/memory.oom_control 2>/dev/null',
}

/** The `oom_kill` count in what `oomEventsCommand` printed. */
export const oomKillsIn = (events: string): number => Number(/^oom_kill (\d+)/m.exec(events)?.[1] ?? 0)

/** After a container's process died: whether the container lives on, or died too (and why). */
export type ContainerFate = 'alive' | 'ended' | 'ended-for-memory'

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Tells a process killed for memory from one killed otherwise, in a container with a memory
 * limit: one that died by SIGKILL (exit 137) while the container's OOM-kill count grew. Engines
 * do not all say so themselves (Docker's `OOMKilled` is false for an exec; podman never sets it).
 * The count is read before the first process, not when the workspace is opened (most openings run
 * none), and a few times after a kill, since it can lag the kill a moment on a busy machine.
 * The kernel may take the container's own process too (`oomKills` says `ended`): `revive` then
 * starts the container again (its count starts over) and says whether the engine saw it killed
 * for memory.
 */
export const watchOutOfMemory = (
  oomKills: () => Promise<number | 'ended'>,
  revive: () => Promise<ContainerFate>,
) => {
  let killed: number | undefined
  const baseline = async () => {
    const kills = await oomKills()
    if (kills !== 'ended') return kills
    await revive()
    return 0
  }
  return async (run: () => Promise<ExecResult>): Promise<ExecResult> => {
    killed ??= await baseline()
    const before = killed
    const result = await run()
    if (result.exitCode !== 137 || result.cancelled || result.timedOut) return result
    let kills = await oomKills()
    for (let look = 0; kills !== 'ended' && kills <= before && look < 5; look++) {
      await pause(100)
      kills = await oomKills()
    }
    if (kills === 'ended') {
      killed = undefined
      return (await revive()) === 'ended-for-memory' ? { ...result, outOfMemory: true } : result
    }
    killed = kills
    return kills > before ? { ...result, outOfMemory: true } : result
  }
}
