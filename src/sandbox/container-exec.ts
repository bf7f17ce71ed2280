import { randomUUID } from 'node:crypto'
import { Duplex, PassThrough, type Readable } from 'node:stream'
import type Docker from 'dockerode'
import { killMarked } from './marked-processes.ts'
import {
  cancelledBeforeStart,
  capturedResult,
  createCapture,
  defaultMaxOutputBytes,
  stopOnCancelOrTimeout,
} from './output-capture.ts'
import { execMarker } from './run-process.ts'
import type { ExecRequest, ExecResult, OutputStream } from './sandbox.ts'

export interface ContainerExec {
  docker: Docker
  container: Docker.Container
  /** `uid:gid` the processes run as (the workspace owner). */
  user: string
  cwd: string
  env: Record<string, string>
  /** Told each process's mark, so closing the workspace can end what it left in the background. */
  onMark?: (mark: string) => void
}

/** After the main process exits, how long leftover children may keep its output open. */
const drainMs = 200

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/**
 * Runs one process inside a running container through the engine's exec API, with its output
 * streamed, its stdin given (text, or a stream), a time limit and a cancel. Every process it starts
 * carries a mark of its own in its environment; ending it kills every process with that mark (the
 * engine runs on this machine, so they are in its /proc): nothing it started survives, wherever
 * it went. A command that cannot be found exits 127, as a shell says.
 */
export const execInContainer = async (target: ContainerExec, request: ExecRequest): Promise<ExecResult> => {
  // Cancelled before it began: nothing is made.
  if (request.signal?.aborted) return cancelledBeforeStart
  const started = performance.now()
  const mark = randomUUID()
  target.onMark?.(mark)
  const argv = Array.isArray(request.command)
    ? (request.command as string[])
    : ['/bin/sh', '-c', (request.command as { shell: string }).shell]
  const limit = request.maxOutputBytes ?? defaultMaxOutputBytes
  const output = { stdout: createCapture(limit), stderr: createCapture(limit) }
  const end = () => killMarked(execMarker, mark)
  const stop = stopOnCancelOrTimeout(request, end)
  try {
    const exec = await target.container.exec({
      Cmd: ['/bin/sh', '-c', 'exec "$@"', 'sh', ...argv],
      Env: Object.entries({ ...target.env, [execMarker]: mark }).map(([name, value]) => `${name}=${value}`),
      WorkingDir: target.cwd,
      User: target.user,
      AttachStdin: request.stdin !== undefined,
      AttachStdout: true,
      AttachStderr: true,
      Tty: false,
    })
    const stream = (await exec.start({
      hijack: true,
      stdin: request.stdin !== undefined,
    })) as NodeJS.ReadWriteStream
    // Listened for at once: a short process's stream may end before anything below has run.
    const ended = new Promise<void>((resolve) => {
      stream.on('end', resolve)
      stream.on('close', resolve)
      stream.on('error', () => resolve())
    })
    const streams = { stdout: new PassThrough(), stderr: new PassThrough() }
    for (const name of ['stdout', 'stderr'] as OutputStream[]) {
      streams[name].setEncoding('utf8')
      streams[name].on('data', (text: string) => {
        output[name].add(text)
        request.onOutput?.(name, text)
      })
    }
    target.docker.modem.demuxStream(stream, streams.stdout, streams.stderr)
    if (typeof request.stdin === 'string') stream.end(request.stdin)
    else if (request.stdin) (request.stdin as Readable).pipe(stream)
    // Watched until the process itself has exited (the engine says so): its host pid reported once
    // known (for recovery after a crash), a cancel that came while it was being made (or forking)
    // carried out. Looked at often at first, then at most once a second for a long command.
    let done = false
    void ended.then(() => {
      done = true
    })
    let reported = false
    for (let wait = 25; !done; wait = Math.min(wait * 2, 1000)) {
      const { Pid, Running } = await exec.inspect()
      if (Pid > 0 && !reported) {
        reported = true
        request.onStart?.(Pid)
      }
      if (stop.stopping) end()
      if (!Running) break
      await Promise.race([ended, pause(wait)])
    }
    // Children it left holding its output open get a moment, then are ended; children that let go
    // of it (a dev server) live on until the workspace closes.
    if (!done) await Promise.race([ended, pause(drainMs)])
    if (!done) end()
    await ended
    const { ExitCode } = await exec.inspect()
    return capturedResult(output, stop.state, ExitCode, started)
  } finally {
    stop.release()
  }
}

/**
 * Reaches 127.0.0.1:<port> inside the container with whatever the image has: nc (busybox's too),
 * socat, node, or bash's /dev/tcp. It relays its stdin and stdout to the connection.
 */
const bridgeScript = `p="$1"
if command -v nc >/dev/null 2>&1; then exec nc 127.0.0.1 "$p"; fi
if command -v busybox >/dev/null 2>&1; then exec busybox nc 127.0.0.1 "$p"; fi
if command -v socat >/dev/null 2>&1; then exec socat - "TCP:127.0.0.1:$p"; fi
if command -v node >/dev/null 2>&1; then exec node -e 'const s=require("net").connect(+process.argv[1],"127.0.0.1");process.stdin.pipe(s);s.pipe(process.stdout);s.on("error",()=>process.exit(1))' "$p"; fi
if command -v bash >/dev/null 2>&1; then exec bash -c 'exec 3<>"/dev/tcp/127.0.0.1/$0" || exit 1; cat <&3 & cat >&3; wait' "$p"; fi
echo "nothing in the image reaches a port (no nc, socat, node or bash)" >&2
exit 127`

/**
 * A TCP connection to a port on the container's own loopback, relayed by a process in the
 * container through the engine's exec API: what is written goes to the port, what the port sends
 * is read. It carries a mark like every process, so closing the workspace ends it.
 */
export const connectInContainer = async (target: ContainerExec, port: number): Promise<Duplex> => {
  const mark = randomUUID()
  target.onMark?.(mark)
  const exec = await target.container.exec({
    Cmd: ['/bin/sh', '-c', bridgeScript, 'bridge', String(port)],
    Env: Object.entries({ ...target.env, [execMarker]: mark }).map(([name, value]) => `${name}=${value}`),
    WorkingDir: target.cwd,
    User: target.user,
    AttachStdin: true,
    AttachStdout: true,
    AttachStderr: true,
    Tty: false,
  })
  const stream = (await exec.start({ hijack: true, stdin: true })) as unknown as Duplex
  const incoming = new PassThrough()
  target.docker.modem.demuxStream(stream, incoming, new PassThrough())
  stream.on('end', () => incoming.end())
  stream.on('close', () => incoming.end())
  const connection = Duplex.from({ readable: incoming, writable: stream })
  connection.on('close', () => {
    stream.destroy()
    killMarked(execMarker, mark)
  })
  return connection
}
