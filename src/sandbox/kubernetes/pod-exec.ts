import { PassThrough, type Readable, Writable } from 'node:stream'
import { StringDecoder } from 'node:string_decoder'
import type { V1Status } from '@kubernetes/client-node'
import { CadreError } from '../../core/errors.ts'
import {
  cancelledBeforeStart,
  capturedResult,
  createCapture,
  defaultMaxOutputBytes,
  stopOnCancelOrTimeout,
} from '../output-capture.ts'
import { execMarker } from '../run-process.ts'
import type { ExecRequest, ExecResult, OutputStream } from '../sandbox.ts'
import type { KubeApi } from './kube-api.ts'

/** A container of a running pod. */
export interface PodTarget {
  kube: KubeApi
  pod: string
  container: string
}

/** After the main process exits, how long leftover children may keep its output open. */
const drainMs = 200

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

/** A value quoted for a POSIX shell. */
const shellQuote = (value: string) => `'${value.replaceAll("'", `'\\''`)}'`

/**
 * Runs in the pod around every command. The exec API takes no environment or working directory,
 * and a command line is seen by the API server's audit log, so both come over stdin first: a line
 * count, then `export` lines. Then the command runs as the wrapper's child with the rest of stdin
 * (waited for, with the shell's own "Killed" note on it silenced),
 * and the wrapper says on stderr when it began (its pid) and when it ended: the stream itself may
 * stay open as long as a child it left holds it.
 */
const wrapper = `IFS= read -r n || exit 125
s=; i=0
while [ "$i" -lt "$n" ]; do IFS= read -r l; s="$s$l
"; i=$((i + 1)); done
eval "$s"
cd -- "$1" || exit 126
shift
printf '\\036CADRE-START %s %d\\n' "$${execMarker}" "$$" >&2
exec 3<&0
"$@" 0<&3 3<&- &
wait "$!" 2>/dev/null
c=$?
printf '\\036CADRE-EXIT %s %d\\n' "$${execMarker}" "$c" >&2
exit "$c"`

/**
 * Kills every process of the pod whose environment holds `$1` (a mark, or the start of marks),
 * read from its /proc by one grep over all of them: a process per process is too slow on a busy pod.
 */
const killScript = `for file in $(grep -lF -- "$1" /proc/[0-9]*/environ 2>/dev/null); do
  pid=\${file#/proc/}
  kill -9 "\${pid%/environ}" 2>/dev/null
done
exit 0`

/** The exit code in an exec's final status: 0 on success, the code Kubernetes names otherwise. */
const exitCodeOf = (status: V1Status): number | null => {
  if (status.status === 'Success') return 0
  const code = status.details?.causes?.find((cause) => cause.reason === 'ExitCode')?.message
  return code === undefined ? null : Number(code)
}

/** One exec through the API, output to the given writers; resolves with its final status. */
const rawExec = async (
  target: PodTarget,
  command: string[],
  streams: { stdout: Writable; stderr: Writable; stdin: Readable | null },
): Promise<V1Status> => {
  let status: V1Status | undefined
  const socket = await target.kube.exec.exec(
    target.kube.namespace,
    target.pod,
    target.container,
    command,
    streams.stdout,
    streams.stderr,
    streams.stdin,
    false,
    (received) => {
      status = received
    },
  )
  await new Promise<void>((resolve) => {
    if (socket.readyState === socket.CLOSED) resolve()
    socket.addEventListener('close', () => resolve())
  })
  if (!status) {
    throw new CadreError('unavailable', `the exec in pod ${target.pod} ended without an exit status`)
  }
  return status
}

const sink = (onText: (text: string) => void) => {
  const decoder = new StringDecoder('utf8')
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      onText(decoder.write(chunk))
      done()
    },
    final(done) {
      onText(decoder.end())
      done()
    },
  })
}

/**
 * Ends every process in the pod whose mark begins with `mark`: a whole mark (marks are never the
 * start of one another: they have a fixed width), or a workspace's prefix of all its marks.
 */
export const killMarkedInPod = async (target: PodTarget, mark: string): Promise<void> => {
  const pattern = `${execMarker}=${mark}`
  await rawExec(target, ['/bin/sh', '-c', killScript, 'sh', pattern], {
    stdout: sink(() => {}),
    stderr: sink(() => {}),
    stdin: null,
  }).catch(() => {})
}

/**
 * Runs one process in a pod's container through the Kubernetes exec API (its WebSocket channel
 * protocol), with the environment and working directory given, its output streamed, its stdin
 * given (text, or a stream), a time limit and a cancel. Every process carries the mark it is given
 * (letters, digits, dashes); ending it kills every process with that mark in the pod, so nothing
 * it started survives.
 */
export const execInPod = async (
  target: PodTarget & { cwd: string; env: Record<string, string>; mark: string },
  request: ExecRequest,
): Promise<ExecResult> => {
  if (request.signal?.aborted) return cancelledBeforeStart
  const started = performance.now()
  const { mark } = target
  const argv = Array.isArray(request.command)
    ? (request.command as string[])
    : ['/bin/sh', '-c', (request.command as { shell: string }).shell]
  const limit = request.maxOutputBytes ?? defaultMaxOutputBytes
  const output = { stdout: createCapture(limit), stderr: createCapture(limit) }
  const emit = (stream: OutputStream, text: string) => {
    if (text === '') return
    output[stream].add(text)
    request.onOutput?.(stream, text)
  }
  // The wrapper's control lines are taken out of stderr (held back while one may be arriving in
  // pieces): the process started, with its pid in the pod; it exited.
  let mainExited: () => void = () => {}
  const exited = new Promise<void>((resolve) => {
    mainExited = resolve
  })
  const control = new RegExp(`\\u001eCADRE-(START|EXIT) ${mark} (\\d+)\\n`)
  let held = ''
  let trailerSeen = false
  const onStderr = (text: string) => {
    held += text
    for (let found = control.exec(held); found; found = control.exec(held)) {
      emit('stderr', held.slice(0, found.index))
      held = held.slice(found.index + found[0].length)
      if (found[1] === 'START') request.onStart?.(Number(found[2]))
      else {
        trailerSeen = true
        mainExited()
      }
    }
    const start = held.lastIndexOf('\u001e')
    const mayBeControl = start >= 0 && held.length - start < mark.length + 40
    emit('stderr', mayBeControl ? held.slice(0, start) : held)
    held = mayBeControl ? held.slice(start) : ''
  }

  const environment = Object.entries({ ...target.env, [execMarker]: mark })
    .map(([name, value]) => `export ${name}=${shellQuote(value)}`)
    .join('\n')
  const stdin = new PassThrough()
  stdin.write(`${environment.split('\n').length}\n${environment}\n`)
  if (typeof request.stdin === 'string') stdin.end(request.stdin)
  else if (request.stdin) (request.stdin as Readable).pipe(stdin)
  else stdin.end()

  // One kill at a time: another is sent only once the last has been carried out.
  let killing = false
  const end = () => {
    if (killing) return
    killing = true
    void killMarkedInPod(target, mark).finally(() => {
      killing = false
    })
  }
  const stop = stopOnCancelOrTimeout(request, end)
  try {
    const finished = rawExec(target, ['/bin/sh', '-c', wrapper, 'sh', target.cwd, ...argv], {
      stdout: sink((text) => emit('stdout', text)),
      stderr: sink(onStderr),
      stdin,
    })
    let done = false
    void finished.then(
      () => {
        done = true
      },
      () => {
        done = true
      },
    )
    // A kill may come before the process exists (cancelled while starting): repeated until it ends.
    void (async () => {
      while (!done) {
        await Promise.race([finished.catch(() => {}), exited, pause(250)])
        if (done) return
        if (trailerSeen) {
          // Children holding the output open get a moment, then are ended.
          await Promise.race([finished.catch(() => {}), pause(drainMs)])
          if (!done) end()
          return
        }
        if (stop.stopping) end()
      }
    })()
    const status = await finished
    const exitCode = exitCodeOf(status)
    emit('stderr', held)
    return capturedResult(output, stop.state, exitCode, started)
  } finally {
    stop.release()
  }
}
