import { spawn } from 'node:child_process'
import { createHmac, timingSafeEqual } from 'node:crypto'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { PassThrough, pipeline, type Readable } from 'node:stream'
import { createGunzip } from 'node:zlib'

/** Where a task's workspace away from this machine (a pod) fetches its project and pushes its work. */
export const gitHttpPath = (taskId: string) => `/git/${taskId}.git`

/**
 * The task's own token for Cadre's git endpoint: derived from the access token, so nothing is
 * stored, it survives restarts, and every one dies when the access token changes. It opens the
 * task's project for reading and the task's own refs for pushing; nothing else.
 */
export const taskGitToken = (accessToken: string, taskId: string): string =>
  createHmac('sha256', accessToken).update(`cadre-git-v1:${taskId}`).digest('base64url')

/** What the endpoint needs to know of a task. */
export interface GitTask {
  taskId: string
  repository: string
  branch: string
}

export interface GitHttpDeps {
  /** The task and its project's repository; undefined when there is no such task. */
  task(taskId: string): Promise<GitTask | undefined>
  accessToken: string
}

/** The refs a task may write: its branch, its checkpoints, its archive. */
export const taskRefs = (task: GitTask) => ({
  exact: [`refs/heads/${task.branch}`, `refs/cadre/archive/${task.taskId}`],
  prefix: `refs/cadre/${task.taskId}/`,
})

const mayPush = (task: GitTask, ref: string) => {
  const { exact, prefix } = taskRefs(task)
  return exact.includes(ref) || (ref.startsWith(prefix) && !ref.slice(prefix.length).includes('..'))
}

/**
 * Git's settings for serving: no hooks, no fsmonitor; other tasks' hidden refs stay hidden from
 * fetches and pushes alike (git refuses a push to a hidden ref too), the task's own are shown.
 */
const serveConfig = (task: GitTask) => [
  '-c',
  'core.hooksPath=/dev/null',
  '-c',
  'core.fsmonitor=false',
  '-c',
  'transfer.hideRefs=refs/cadre/',
  '-c',
  `transfer.hideRefs=!refs/cadre/${task.taskId}/`,
  '-c',
  `transfer.hideRefs=!refs/cadre/archive/${task.taskId}`,
]

const services = new Set(['git-upload-pack', 'git-receive-pack'])

const answer = (res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
  if (res.headersSent) {
    res.destroy()
    return
  }
  res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', ...headers })
  res.end(`${text}\n`)
}

/** The token a git client sent: `Authorization: Bearer`, or basic auth with it as the password. */
const tokenOf = (req: IncomingMessage): string | undefined => {
  const header = req.headers.authorization ?? ''
  const bearer = /^Bearer (.+)$/i.exec(header)?.[1]
  if (bearer) return bearer.trim()
  const basic = /^Basic (.+)$/i.exec(header)?.[1]
  if (!basic) return undefined
  const decoded = Buffer.from(basic, 'base64').toString('utf8')
  return decoded.slice(decoded.indexOf(':') + 1)
}

const sameToken = (expected: string, given: string | undefined) =>
  given !== undefined &&
  given.length === expected.length &&
  timingSafeEqual(Buffer.from(expected), Buffer.from(given))

const pktLine = (text: string) => `${(text.length + 4).toString(16).padStart(4, '0')}${text}`

/** A git service's process over the repository, its stdout piped to the response. */
const runService = (
  res: ServerResponse,
  task: GitTask,
  service: string,
  args: string[],
  input?: Readable,
  prefix?: string,
) => {
  const git = spawn('git', [...serveConfig(task), service.slice('git-'.length), ...args, task.repository], {
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0' },
  })
  let stderr = ''
  git.stderr.setEncoding('utf8').on('data', (text: string) => {
    stderr = (stderr + text).slice(-4000)
  })
  res.writeHead(200, {
    'content-type': `application/x-${service}-${args.includes('--advertise-refs') ? 'advertisement' : 'result'}`,
    'cache-control': 'no-cache',
  })
  if (prefix) res.write(prefix)
  git.stdout.pipe(res)
  // A body that fails (a client gone, gzip that is not) ends git, which would wait for the rest for good.
  input?.on('error', () => git.kill('SIGKILL'))
  if (input) input.pipe(git.stdin).on('error', () => git.kill('SIGKILL'))
  else git.stdin.end()
  res.on('close', () => {
    if (git.exitCode === null) git.kill('SIGKILL')
  })
  git.on('error', (error) => answer(res, 500, `git could not run: ${error.message}`))
  git.on('close', (code) => {
    if (code !== 0 && !res.writableEnded) res.destroy(new Error(stderr.trim() || `git exited ${code}`))
  })
}

/**
 * The commands at the head of a push (`<old> <new> <ref>` pkt-lines up to a flush), read before
 * anything reaches git so that a push to a ref the task does not own is refused whole; the bytes
 * read are handed on with the rest of the body.
 */
const readPushCommands = (body: Readable): Promise<{ refs: string[]; rest: Readable }> =>
  new Promise((resolve, reject) => {
    let head = Buffer.alloc(0)
    const refs: string[] = []
    let offset = 0
    const stop = () => {
      body.off('data', onData)
      body.off('end', onEnd)
      body.off('error', reject)
    }
    // Read by hand, not by async iteration, which would destroy the body when left early: the
    // pack after the commands must still reach git.
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk])
      try {
        for (;;) {
          if (head.length < offset + 4) break
          const length = Number.parseInt(head.subarray(offset, offset + 4).toString('latin1'), 16)
          if (Number.isNaN(length)) throw new Error('the push is not in git pkt-line form')
          if (length === 0) {
            stop()
            const rest = new PassThrough()
            rest.write(head)
            // pipeline, not pipe: the body's failure reaches git's side as `rest`'s.
            pipeline(body, rest, () => {})
            return resolve({ refs, rest })
          }
          if (head.length < offset + length) break
          const line = head.subarray(offset + 4, offset + length).toString('utf8')
          const command = line.split('\0')[0]!.replace(/\n$/, '')
          const parts = command.split(' ')
          if (parts.length === 3 && /^[0-9a-f]{40,64}$/.test(parts[0]!)) refs.push(parts[2]!)
          else if (!command.startsWith('shallow '))
            throw new Error(`git sent a push command Cadre does not take: ${command.slice(0, 80)}`)
          offset += length
        }
        if (head.length > 1024 * 1024) throw new Error('the push commands are too long')
      } catch (error) {
        stop()
        reject(error)
      }
    }
    const onEnd = () => {
      stop()
      reject(new Error('the push ended before its commands did'))
    }
    body.on('data', onData)
    body.on('end', onEnd)
    body.on('error', reject)
  })

/**
 * Git's smart HTTP protocol for one task: `GET /git/<task>.git/info/refs?service=…`, then
 * `POST /git/<task>.git/git-upload-pack` (fetch: the whole project, read-only) or
 * `…/git-receive-pack` (push: only the task's own refs). Authenticated by the task's git token;
 * answers plain text a git client prints when something is refused.
 */
export const handleGitHttp = async (req: IncomingMessage, res: ServerResponse, deps: GitHttpDeps) => {
  const url = new URL(req.url ?? '/', 'http://cadre')
  const match = /^\/git\/([A-Za-z0-9_-]{1,64})\.git\/(info\/refs|git-upload-pack|git-receive-pack)$/.exec(
    url.pathname,
  )
  if (!match) return answer(res, 404, `no git repository at ${url.pathname}`)
  const [, taskId = '', action = ''] = match
  const token = tokenOf(req)
  if (!sameToken(taskGitToken(deps.accessToken, taskId), token)) {
    return answer(res, 401, `the task's git token is missing or wrong for ${taskId}`, {
      'www-authenticate': 'Basic realm="cadre"',
    })
  }
  const task = await deps.task(taskId)
  if (!task) return answer(res, 404, `no task ${taskId}`)
  if (action === 'info/refs') {
    const service = url.searchParams.get('service') ?? ''
    if (req.method !== 'GET' || !services.has(service))
      return answer(res, 400, 'only the smart protocol is served: GET info/refs?service=git-upload-pack')
    return runService(
      res,
      task,
      service,
      ['--stateless-rpc', '--advertise-refs'],
      undefined,
      `${pktLine(`# service=${service}\n`)}0000`,
    )
  }
  if (req.method !== 'POST') return answer(res, 405, `${action} takes POST`)
  // pipeline, not pipe: a body that is not gzip fails the stream, where a piped one threw the error
  // out of the whole server.
  const body: Readable =
    req.headers['content-encoding'] === 'gzip' ? pipeline(req, createGunzip(), () => {}) : req
  if (action === 'git-upload-pack') return runService(res, task, action, ['--stateless-rpc'], body)
  let push: Awaited<ReturnType<typeof readPushCommands>>
  try {
    push = await readPushCommands(body)
  } catch (error) {
    return answer(res, 400, (error as Error).message)
  }
  const refused = push.refs.filter((ref) => !mayPush(task, ref))
  if (refused.length > 0) {
    req.resume()
    return answer(
      res,
      403,
      `task ${taskId} may push only its branch ${task.branch} and its own refs, not ${refused.join(', ')}`,
    )
  }
  runService(res, task, action, ['--stateless-rpc'], push.rest)
}
