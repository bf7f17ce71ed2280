import { claimQueuedTask } from './claim-queued-task.ts'
import { executeRun, type RunDeps } from './execute-run.ts'

export interface SchedulerOptions {
  workerId: string
  /** A worker known to be dead (this server's previous life): its runs are taken over at once. */
  deadWorkerId?: string
  /** Runs at once on this server; the rest wait in queue order. */
  concurrency: number
  /** How often the queue and stale leases are looked at. */
  pollMs?: number
  /** A run not heartbeaten for this long is taken over by another worker (or this one after a restart). */
  leaseMs?: number
}

export interface Scheduler {
  readonly workerId: string
  /** Looks at the queue now instead of at the next poll. */
  wake(): void
  /** Stops claiming, stops the running loops and waits for them; their runs resume at the next start. */
  stop(): Promise<void>
}

/**
 * Claims queued tasks up to the concurrency limit and runs them, keeping each run's lease alive;
 * takes over runs whose lease expired (their server died) and resumes them from their events.
 */
export const startScheduler = (deps: RunDeps, options: SchedulerOptions): Scheduler => {
  const { workerId, deadWorkerId } = options
  const pollMs = options.pollMs ?? 500
  const leaseMs = options.leaseMs ?? 15_000
  const shutdown = new AbortController()
  const running = new Map<string, Promise<void>>()
  const leaseUntil = () => new Date(Date.now() + leaseMs).toISOString()
  let ticking = false
  let wokenMeanwhile = false

  const launch = (claim: Awaited<ReturnType<typeof claimQueuedTask>> & object, resumed = false) => {
    const heartbeat = setInterval(() => {
      void deps.store.runs.heartbeat(claim.run.id, workerId, leaseUntil()).catch((error: unknown) => {
        deps.log.warn({ err: error, runId: claim.run.id }, 'lease heartbeat failed')
      })
    }, leaseMs / 3)
    const done = executeRun(deps, claim.task, claim.run, shutdown.signal, { resumed })
      .catch((error: unknown) => deps.log.error({ err: error, runId: claim.run.id }, 'run ended abnormally'))
      .finally(() => {
        clearInterval(heartbeat)
        running.delete(claim.run.id)
        wake()
      })
    running.set(claim.run.id, done)
  }

  const tick = async (): Promise<void> => {
    if (shutdown.signal.aborted) return
    // A wake during a tick is not lost: the tick runs once more when it ends.
    if (ticking) {
      wokenMeanwhile = true
      return
    }
    ticking = true
    try {
      for (const stale of await deps.store.runs.listStale(new Date().toISOString(), deadWorkerId)) {
        if (running.size >= options.concurrency) break
        const run = await deps.store.runs.takeOver(
          stale.id,
          workerId,
          leaseUntil(),
          new Date().toISOString(),
          deadWorkerId,
        )
        const task = run && (await deps.store.tasks.get(run.taskId))
        if (run && task?.status === 'running') launch({ task, run }, true)
        else if (run)
          await deps.store.runs.update(run.id, {
            status: 'cancelled',
            outcome: `task is ${task?.status ?? 'gone'}`,
          })
      }
      while (running.size < options.concurrency && !shutdown.signal.aborted) {
        const claim = await claimQueuedTask(deps, {
          workerId,
          // Only tasks of agents this server can run: the built-in one, and the external ones installed here.
          agents: ['builtin', ...(deps.runtimes?.keys() ?? [])],
          leaseExpiresAt: leaseUntil,
        })
        if (!claim) break
        launch(claim)
      }
    } catch (error) {
      deps.log.error({ err: error }, 'scheduling failed; trying again shortly')
    } finally {
      ticking = false
    }
    if (wokenMeanwhile) {
      wokenMeanwhile = false
      await tick()
    }
  }
  const wake = () => void tick()
  const poll = setInterval(wake, pollMs)
  wake()

  return {
    workerId,
    wake,
    async stop() {
      clearInterval(poll)
      shutdown.abort()
      await Promise.all(running.values())
    },
  }
}
