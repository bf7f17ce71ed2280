import { randomBytes } from 'node:crypto'
import { connect } from 'node:net'
import { createDeltaCoalescer } from '../agent/delta-coalescer.ts'
import { CadreError } from '../core/errors.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import { commitEvents, type EventDeps } from '../events/commit-events.ts'
import type { ExecResult } from '../sandbox/sandbox.ts'
import type { Redactor } from '../secrets/redactor.ts'
import { freePort } from '../server/free-port.ts'
import { sendMessage } from '../tasks/send-message.ts'
import {
  openTaskWorkspace,
  type TaskWorkspace,
  type WorkspaceDeps,
} from '../workspaces/open-task-workspace.ts'
import { createErrorFeedback } from './error-feedback.ts'
import { forwardPort, httpAnswers, type PortForwarder } from './port-forwarder.ts'
import { type PreviewProxy, startPreviewProxy } from './preview-proxy.ts'

export interface PreviewDeps extends WorkspaceDeps, EventDeps {
  redactor: Redactor
  onFailure?: (error: unknown) => void
}

export interface PreviewLink {
  /** Opens the preview (its origin with its token). */
  url: string
  /** The preview's own origin. */
  origin: string
}

interface RunningPreview extends PreviewLink {
  stop(reason: string): Promise<void>
}

/** How long a dev server may take to answer on its port. */
const readyTimeoutMs = 120_000
const keptOutputChars = 4000

/** Tasks whose agent has finished for good: errors are stored, but nobody is told. */
const settledForGood = new Set(['done', 'cancelled', 'backlog'])

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect({ port, host: '127.0.0.1' })
    socket.once('connect', () => {
      socket.destroy()
      resolve(true)
    })
    socket.once('error', () => resolve(false))
  })

/** Ports of local URLs a dev server printed (`Local: http://localhost:5173/`). */
const printedPorts = (output: string) =>
  [...output.matchAll(/https?:\/\/(?:localhost|127\.0\.0\.1|\[::1\]|0\.0\.0\.0):(\d{2,5})/g)].map((match) =>
    Number(match[1]),
  )

/**
 * Live previews of tasks' work: the project's dev command run in the task's workspace on a port
 * Cadre gives it (`$PORT`), ready when that port (or one it printed) answers, its output streamed
 * live; served through a proxy on an origin of its own (`preview-proxy.ts`). The errors the page
 * reports are stored as events and, unless the project says not to, told to the task's agent.
 * One preview per task; it ends on request, when its dev command ends, or when the server stops.
 */
export const createPreviews = (deps: PreviewDeps) => {
  const running = new Map<string, RunningPreview>()
  const starting = new Map<string, Promise<PreviewLink>>()

  const record = (taskId: string, events: EventInput[]) =>
    commitEvents(deps, (_session, emit) => emit(taskId, events)).then(() => {})

  const launch = async (taskId: string): Promise<PreviewLink> => {
    const opened: TaskWorkspace = await openTaskWorkspace(deps, taskId)
    const { project, workspace, spec } = opened
    const command = project.settings.devCommand?.trim()
    const refuse = async (message: string) => {
      await workspace.close()
      return new CadreError('bad_request', message)
    }
    if (!command) {
      throw await refuse(
        `project ${project.id} has no dev command to preview with: set it (PATCH /api/projects/${project.id} {"settings": {"devCommand": "npm run dev -- --port $PORT"}})`,
      )
    }
    // A container's or pod's ports are reached through it (its network may even be off); a
    // worktree's dev server listens on this machine, so its sandbox needs this machine's network.
    const forwarded = workspace.connect?.bind(workspace)
    if (!forwarded && (workspace.info.kind !== 'worktree' || spec.network === 'off')) {
      throw await refuse(
        `task ${taskId}'s workspace (${workspace.info.kind}, network ${spec.network}) cannot be reached from here: a worktree's dev server listens on this machine, so its sandbox needs the network on to be previewed (a Docker, podman or Kubernetes workspace is reached through its engine, network on or off)`,
      )
    }
    // Each port asked for in the container gets a port here, on first use.
    const forwarders = new Map<number, Promise<PortForwarder>>()
    const local = async (inside: number) => {
      if (!forwarded) return inside
      if (!forwarders.has(inside)) forwarders.set(inside, forwardPort(forwarded, inside))
      return (await forwarders.get(inside)!).port
    }
    const closeForwarders = async () => {
      for (const forwarder of forwarders.values()) (await forwarder).close()
    }
    const reachable = async (inside: number) =>
      forwarded ? httpAnswers(await local(inside)) : answers(inside)
    const devPort = await freePort()
    const controller = new AbortController()
    const output = createDeltaCoalescer(
      (event: EventInput<LiveEventType>) =>
        deps.bus.publish({
          ...event,
          taskId,
          projectId: project.id,
          at: new Date().toISOString(),
        } as never),
      { redactor: deps.redactor },
    )
    let printed = ''
    const exec = workspace.exec({
      command: { shell: command },
      env: { PORT: String(devPort), HOST: '127.0.0.1', BROWSER: 'none' },
      signal: controller.signal,
      maxOutputBytes: 64 * 1024,
      onOutput: (_stream, text) => {
        printed = (printed + text).slice(-keptOutputChars)
        output.push({ type: 'preview.output', data: { blockId: 'preview', text } })
      },
    })
    let ended: ExecResult | undefined
    void exec.then((result) => {
      ended = result
    })
    // Ready when the given port answers, or a port the command printed a local URL for.
    const deadline = Date.now() + readyTimeoutMs
    let port: number | undefined
    while (port === undefined) {
      for (const candidate of [devPort, ...printedPorts(printed)]) {
        if (await reachable(candidate)) port = candidate
        if (port !== undefined) break
      }
      if (port !== undefined) break
      if (ended || Date.now() > deadline) {
        controller.abort()
        await exec
        output.flush()
        await closeForwarders()
        await workspace.close()
        const why =
          ended && !ended.cancelled
            ? `ended (exit ${ended.exitCode ?? 'killed'})`
            : 'did not answer on its port in 2 minutes'
        throw new CadreError(
          'bad_request',
          `the dev command (${command}) ${why}:\n${printed.trim().split('\n').slice(-10).join('\n')}`,
        )
      }
      await new Promise((resolve) => setTimeout(resolve, 150))
    }

    // The link's token goes to whoever started the preview (the UI opens it); it is never in an
    // event or a log line, which name the origin only.
    const token = randomBytes(24).toString('base64url')
    const feedback = createErrorFeedback({
      record: (events) => record(taskId, events),
      tell: project.settings.previewErrorsToAgent
        ? async (text) => {
            const task = await deps.store.tasks.get(taskId)
            if (task && !settledForGood.has(task.status)) await sendMessage(deps, taskId, { text })
          }
        : undefined,
      onFailure: deps.onFailure,
    })
    let proxy: PreviewProxy
    try {
      proxy = await startPreviewProxy({
        target: `http://127.0.0.1:${await local(port)}`,
        token,
        onErrors: (report) => feedback.add(report),
      })
    } catch (error) {
      controller.abort()
      await exec
      await closeForwarders()
      await workspace.close()
      throw error
    }
    await record(taskId, [{ type: 'preview.started', data: { url: proxy.origin, devPort: port, command } }])

    let stopping: Promise<void> | undefined
    const stop = (reason: string) => {
      stopping ??= (async () => {
        running.delete(taskId)
        controller.abort()
        const result = await exec
        output.flush()
        await proxy.close()
        await closeForwarders()
        await feedback.close().catch((error: unknown) => deps.onFailure?.(error))
        await workspace.close()
        await record(taskId, [
          {
            type: 'preview.stopped',
            data: {
              reason,
              exitCode: result.cancelled ? null : result.exitCode,
              output: printed.slice(-keptOutputChars),
            },
          },
        ])
      })()
      return stopping
    }
    void exec.then(() => {
      if (running.get(taskId)?.stop === stop)
        stop('the dev command ended').catch((error: unknown) => deps.onFailure?.(error))
    })
    const preview = { url: proxy.link, origin: proxy.origin, stop }
    running.set(taskId, preview)
    return preview
  }

  return {
    /** The task's preview, started when it is not running (and answering) yet. */
    async start(taskId: string): Promise<PreviewLink> {
      const current = running.get(taskId)
      if (current) return { url: current.url, origin: current.origin }
      const pending = starting.get(taskId) ?? launch(taskId)
      starting.set(taskId, pending)
      try {
        const { url, origin } = await pending
        return { url, origin }
      } finally {
        starting.delete(taskId)
      }
    },
    /** Stops the task's preview; false when it had none. */
    async stop(taskId: string, reason = 'stopped on request'): Promise<boolean> {
      const current = running.get(taskId)
      if (!current) return false
      await current.stop(reason)
      return true
    },
    /** The task's preview, when one runs. */
    get(taskId: string): PreviewLink | undefined {
      const current = running.get(taskId)
      return current && { url: current.url, origin: current.origin }
    },
    async stopAll(reason: string) {
      await Promise.all([...running.values()].map((preview) => preview.stop(reason)))
    },
  }
}

export type Previews = ReturnType<typeof createPreviews>
