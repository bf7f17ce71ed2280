import type { Duplex, Readable } from 'node:stream'

/** Where a process's output came from. */
export type OutputStream = 'stdout' | 'stderr'

/** A process to run in a workspace: an argv run directly, or a command line run by `/bin/sh -c`. */
export interface ExecRequest {
  command: readonly string[] | { shell: string }
  /** Working directory relative to the workspace root (default: the root); refused outside it. */
  cwd?: string
  /** Added to the sandbox's minimal environment; Cadre's own environment is never inherited. */
  env?: Readonly<Record<string, string>>
  /**
   * Text written to the process's stdin, which is then closed; or a stream piped to it as it comes
   * (a process spoken to over its stdin). Default: no input.
   */
  stdin?: string | Readable
  /** The whole process group is killed when this passes; 0 or absent: no limit. */
  timeoutMs?: number
  /** Aborting kills the whole process group. */
  signal?: AbortSignal
  /** Each piece of output as it arrives. */
  onOutput?: (stream: OutputStream, text: string) => void
  /** Called once the process exists, with the id of its process group (for recovery after a crash). */
  onStart?: (processGroupId: number) => void
  /** At most this much of each stream is kept in the result (default 1 MiB); all of it is streamed. */
  maxOutputBytes?: number
}

export interface ExecResult {
  /** null when the process was ended by a signal. */
  exitCode: number | null
  signal: NodeJS.Signals | null
  timedOut: boolean
  cancelled: boolean
  stdout: string
  stderr: string
  /** Output beyond `maxOutputBytes` was streamed but not kept. */
  truncated: boolean
  durationMs: number
  /** Killed for going over the workspace's memory limit (container workspaces). */
  outOfMemory?: true
}

export interface FileEntry {
  /** Relative to the workspace root, with `/` separators. */
  path: string
  type: 'file' | 'directory' | 'symlink' | 'other'
  size: number
}

/**
 * An isolated place where a task's agent works. Every path is relative to the workspace root (an
 * absolute path must lie inside it); one that resolves outside, through `..` or a symlink, is
 * refused with a `forbidden` CadreError, and nothing is read or written.
 */
export interface Sandbox extends AsyncDisposable {
  /** The workspace root as the processes in it see it. */
  readonly root: string
  /** Runs a process in its own process group and resolves when it has ended and its output is read. */
  exec(request: ExecRequest): Promise<ExecResult>
  /** The file's bytes; `not_found` when there is none. */
  readFile(path: string): Promise<Buffer>
  /** Writes the file, creating missing parent directories. */
  writeFile(path: string, data: string | Uint8Array): Promise<void>
  /** The entries under a directory (recursively when asked), sorted by path, at most `limit`. */
  list(path: string, options?: { recursive?: boolean; limit?: number }): Promise<FileEntry[]>
  /** Ends every process still running in the workspace; the workspace itself is kept or removed by its backend. */
  close(): Promise<void>
  /**
   * A TCP connection to a port on the workspace's own loopback, where its processes listen (a dev
   * server), for a workspace whose network is not this machine's (a container). Absent where a
   * process's port is this machine's own.
   */
  connect?(port: number): Promise<Duplex>
}

/** What a backend needs to make (or find again) a task's workspace. */
export interface WorkspaceSpec {
  taskId: string
  projectId: string
  /** The project's repository. */
  projectPath: string
  /** The task's git branch, created from `baseBranch` when it does not exist. */
  branch: string
  baseBranch: string
  network: 'on' | 'off'
  /** Where its processes run: the worktree itself (default), or a container of the task's own. */
  kind?: 'worktree' | 'docker' | 'kubernetes'
  /**
   * For a container or pod: its image and limits; a pod's wall time and the Kubernetes Secrets
   * that become its environment.
   */
  container?: {
    image?: string
    memoryMb?: number
    cpus?: number
    pids?: number
    deadlineHours?: number
    secrets?: readonly string[]
  }
  /** Folders its processes must see read-only wherever they are (the program of an external agent). */
  exposed?: readonly string[]
}

/** How a workspace came to be and how its processes are held. */
export interface WorkspaceInfo {
  kind: 'worktree' | 'docker' | 'kubernetes'
  branch: string
  /** none: processes run with the user's own rights (bubblewrap is missing or unusable here). */
  isolation: 'bubblewrap' | 'container' | 'none'
  /** Made by this call: new, so its setup has not run yet. */
  created: boolean
  /** The task's private state folder (an external agent's home, config, sessions), writable by its processes. */
  stateDir: string
}

export interface Workspace extends Sandbox {
  readonly info: WorkspaceInfo
  /**
   * For a workspace with a clone of its own (a pod): pushes the task's branch and refs to the
   * project's repository, where reviews and merges read them. Absent where they are one repository.
   */
  publish?(): Promise<void>
}

/** Creates, finds and removes task workspaces of one kind. */
export interface SandboxBackend {
  /** The task's workspace, created on first use and found again afterwards. */
  create(spec: WorkspaceSpec): Promise<Workspace>
  /** Where the task's workspace is (or would be) on this machine. */
  locate(spec: Pick<WorkspaceSpec, 'taskId' | 'projectId' | 'kind'>): string
  /** Removes the task's workspace; its branch and commits stay in the repository. */
  destroy(spec: WorkspaceSpec): Promise<void>
}
