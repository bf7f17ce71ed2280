import type { CadreEvent, StreamMessage, StreamRequest } from '../api/types.ts'

export type StreamState = 'connecting' | 'open' | 'reconnecting'

type Listener = (event: CadreEvent) => void

/**
 * The one WebSocket to `/api/stream`, shared by the page. It keeps, per followed task, the last
 * stored seq delivered, and after a drop or a server restart reconnects with backoff and asks for
 * exactly what came after: nothing lost, nothing twice.
 */
export class EventStream {
  #socket: WebSocket | undefined
  #state: StreamState = 'connecting'
  #attempt = 0
  #closed = false
  readonly #tasks = new Map<string, { after: number; listeners: Set<Listener> }>()
  readonly #projects = new Map<string, Set<Listener>>()
  /** The last seq seen per task of a followed project (its cursor on reconnect). */
  readonly #projectCursors = new Map<string, Record<string, number>>()
  readonly #stateListeners = new Set<(state: StreamState) => void>()

  constructor(
    private readonly url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/api/stream`,
  ) {
    this.#connect()
  }

  get state(): StreamState {
    return this.#state
  }

  onState(listener: (state: StreamState) => void): () => void {
    this.#stateListeners.add(listener)
    return () => this.#stateListeners.delete(listener)
  }

  /** Every event of the task after `after` (the last stored seq the caller holds), then live ones. */
  followTask(taskId: string, after: number, listener: Listener): () => void {
    const held = this.#tasks.get(taskId)
    if (held) {
      held.listeners.add(listener)
    } else {
      this.#tasks.set(taskId, { after, listeners: new Set([listener]) })
      this.#send({ op: 'subscribe', taskId, after })
    }
    return () => {
      const entry = this.#tasks.get(taskId)
      entry?.listeners.delete(listener)
      if (entry && entry.listeners.size === 0) {
        this.#tasks.delete(taskId)
        this.#send({ op: 'unsubscribe', taskId })
      }
    }
  }

  /** Every event of a project's tasks from now on (and, after a reconnect, what was missed). */
  followProject(projectId: string, listener: Listener): () => void {
    const listeners = this.#projects.get(projectId)
    if (listeners) listeners.add(listener)
    else {
      this.#projects.set(projectId, new Set([listener]))
      this.#projectCursors.set(projectId, {})
      this.#send({ op: 'subscribe', projectId, cursors: {} })
    }
    return () => {
      const held = this.#projects.get(projectId)
      held?.delete(listener)
      if (held && held.size === 0) {
        this.#projects.delete(projectId)
        this.#projectCursors.delete(projectId)
        this.#send({ op: 'unsubscribe', projectId })
      }
    }
  }

  close(): void {
    this.#closed = true
    this.#socket?.close()
  }

  #setState(state: StreamState) {
    if (state === this.#state) return
    this.#state = state
    for (const listener of this.#stateListeners) listener(state)
  }

  #send(request: StreamRequest) {
    if (this.#socket?.readyState === WebSocket.OPEN) this.#socket.send(JSON.stringify(request))
  }

  #connect() {
    const socket = new WebSocket(this.url)
    this.#socket = socket
    socket.onopen = () => {
      this.#attempt = 0
      this.#setState('open')
      // Everything followed, from where each left off.
      for (const [taskId, { after }] of this.#tasks) this.#send({ op: 'subscribe', taskId, after })
      for (const [projectId, cursors] of this.#projectCursors) {
        this.#send({ op: 'subscribe', projectId, cursors })
      }
    }
    socket.onmessage = (message) => this.#receive(JSON.parse(String(message.data)) as StreamMessage)
    socket.onclose = () => {
      if (this.#closed) return
      this.#setState('reconnecting')
      // 0.25 s, 0.5 s, 1 s … up to 5 s between attempts, with a little jitter.
      const delay = Math.min(5000, 250 * 2 ** this.#attempt) * (0.8 + Math.random() * 0.4)
      this.#attempt++
      setTimeout(() => this.#connect(), delay)
    }
  }

  #receive(message: StreamMessage) {
    if (message.kind !== 'event') return
    const { event } = message
    const task = this.#tasks.get(event.taskId)
    const cursors = this.#projectCursors.get(event.projectId)
    let forTask = task !== undefined
    let forProject = cursors !== undefined
    if ('seq' in event) {
      // A stored event already held (a replay overlapping what came live) is not delivered twice.
      if (task) forTask = event.seq > task.after
      if (task && forTask) task.after = event.seq
      if (cursors) forProject = event.seq > (cursors[event.taskId] ?? 0)
      if (cursors && forProject) cursors[event.taskId] = event.seq
    }
    if (forTask) for (const listener of task?.listeners ?? []) listener(event)
    if (forProject) for (const listener of this.#projects.get(event.projectId) ?? []) listener(event)
  }
}
