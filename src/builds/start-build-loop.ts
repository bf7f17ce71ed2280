import type { EventBus } from '../events/event-bus.ts'
import { advanceBuild, type BuildDeps } from './advance-build.ts'

export interface BuildLoop {
  /** Looks at the builds now (a task of one changed, or a person acted on one). */
  wake(): void
  /** Stops stepping; a step under way is left to end (or to the next start, which takes it again). */
  stop(): void
}

/** How long a server's right to drive a build lasts; it is renewed while the server works on it. */
const leaseMs = 60_000

export interface BuildLoopOptions {
  /** This server, as the driver of the builds it steps. */
  driver: string
  /** A server of this home known dead (this machine, its process gone): its builds are taken at once. */
  takeOverFrom?: string
  intervalMs?: number
}

/**
 * Steps every build that is under way, every few seconds and whenever something wakes it: one
 * step at a time per build, builds side by side. Everything a build is lives in the database, so
 * a server started again goes on with each from where it was. A build is driven by one server at
 * a time, the one holding its lease: servers sharing a database never step the same build.
 */
export const startBuildLoop = (
  deps: BuildDeps,
  { driver, takeOverFrom, intervalMs = 3000 }: BuildLoopOptions,
): BuildLoop => {
  const shutdown = new AbortController()
  const stepping = new Map<string, Promise<void>>()
  const again = new Set<string>()
  let timer: NodeJS.Timeout | undefined

  const step = (buildId: string) => {
    if (stepping.has(buildId)) {
      again.add(buildId)
      return
    }
    const claim = () =>
      deps.store.builds.claim(buildId, driver, new Date(Date.now() + leaseMs).toISOString(), takeOverFrom)
    const work = (async () => {
      if (!(await claim())) return
      // A long step (a regression run, a browser check) keeps its lease.
      const renew = setInterval(() => void claim().catch(() => {}), leaseMs / 3)
      try {
        await advanceBuild(deps, buildId, shutdown.signal)
      } finally {
        clearInterval(renew)
      }
    })()
      .catch((error: unknown) =>
        deps.log.warn({ err: error, buildId }, 'a build step failed; it is tried again'),
      )
      .finally(() => {
        stepping.delete(buildId)
        if (again.delete(buildId) && !shutdown.signal.aborted) step(buildId)
      })
    stepping.set(buildId, work)
  }

  const look = async () => {
    timer = undefined
    if (shutdown.signal.aborted) return
    try {
      const builds = await deps.store.builds.list({ status: ['running', 'pausing', 'waiting', 'paused'] })
      for (const build of builds) step(build.id)
    } catch (error) {
      deps.log.warn({ err: error }, 'could not read the builds')
    }
    if (!shutdown.signal.aborted) timer = setTimeout(look, intervalMs)
  }
  timer = setTimeout(look, 0)

  return {
    wake() {
      if (shutdown.signal.aborted) return
      clearTimeout(timer)
      timer = setTimeout(look, 50)
    },
    stop() {
      shutdown.abort()
      clearTimeout(timer)
    },
  }
}

/** The bus, telling `onChange` whenever a task's status changes (a build's agent may have ended). */
export const watchTaskChanges = (bus: EventBus, onChange: () => void): EventBus => ({
  ...bus,
  publish(event) {
    bus.publish(event)
    if (event.type === 'task.status_changed') onChange()
  },
})
