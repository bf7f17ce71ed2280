import { type ChildProcess, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { V1Container, V1NetworkPolicy, V1Pod, V1Secret } from '@kubernetes/client-node'
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1'
import { Pod, Secret } from 'kubernetes-models/v1'
import { WebSocketServer } from 'ws'
import { createFakePortForward } from './fake-kubernetes-port-forward.ts'

/**
 * A fake of the Kubernetes API routes Cadre uses — pods (create, read, list by label, delete, log,
 * exec, portforward), secrets and network policies — for tests, since no API server can run on
 * these machines.
 *
 * It is strict where the real one is: every body is validated against the Kubernetes schemas
 * (kubernetes-models) and the API's name and label rules, answering 422 `Invalid` as the real
 * server does; names collide with 409, missing objects are 404 `Status`es. Exec speaks the real
 * WebSocket channel protocol (`v5.channel.k8s.io`: channels 0–3, 255 to close stdin; the exit
 * status as a `Status` on channel 3); port-forward speaks the kubelet's (`v4.channel.k8s.io`, in
 * `fake-kubernetes-port-forward.ts`).
 *
 * Pods run for real on this machine, as a kubelet would run them, with one difference: there is no
 * image. Each container is a bubblewrap root made of this machine's /usr and /etc (so an image is
 * taken to have sh and git), a private /tmp, and the pod's volumes at their mount paths (emptyDir:
 * a folder of the pod's; hostPath: that path). Init containers run first, in order; the pod is
 * `Running` when its containers have started, `Failed` when an init container fails or its
 * `activeDeadlineSeconds` pass. The processes are on this machine's network (the test's loopback).
 */
export interface FakeKubernetes extends AsyncDisposable {
  readonly url: string
  /** A kubeconfig whose current context is this server and namespace. */
  readonly kubeconfig: string
  readonly namespace: string
  /** Every request, as `METHOD path` (query left out). */
  readonly requests: string[]
  /** Every body refused as invalid (422), with why: a correct client has none. */
  readonly invalid: string[]
  readonly pods: Map<string, V1Pod>
  readonly secrets: Map<string, V1Secret>
  readonly networkPolicies: Map<string, V1NetworkPolicy>
  /** Ends a pod the way a lost node or a passed deadline would: its processes die, it is `Failed`. */
  fail(name: string, reason: string): void
}

interface PodRuntime {
  dir: string
  processes: Set<ChildProcess>
  logs: Map<string, string>
  deadline?: NodeJS.Timeout
}

const dns1123 = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/
const labelValue = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/
const labelKey =
  /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]*[A-Za-z0-9])?$/

const status = (code: number, reason: string, message: string) => ({
  kind: 'Status',
  apiVersion: 'v1',
  metadata: {},
  status: 'Failure',
  message,
  reason,
  code,
})

class ApiError extends Error {
  readonly code: number
  readonly reason: string
  constructor(code: number, reason: string, message: string) {
    super(message)
    this.code = code
    this.reason = reason
  }
}

/** The API server's checks that the schemas do not make: names, labels, the namespace. */
const checkMetadata = (kind: string, body: { metadata?: V1Pod['metadata'] }, namespace: string) => {
  const name = body.metadata?.name ?? ''
  const invalid = (what: string) => new ApiError(422, 'Invalid', `${kind} "${name}" is invalid: ${what}`)
  if (!dns1123.test(name) || name.length > (kind === 'Pod' ? 63 : 253))
    throw invalid('metadata.name: a lowercase RFC 1123 name')
  if (body.metadata?.namespace && body.metadata.namespace !== namespace)
    throw invalid('metadata.namespace: does not match the namespace of the request')
  for (const [key, value] of Object.entries(body.metadata?.labels ?? {})) {
    if (!labelKey.test(key) || key.split('/').at(-1)!.length > 63)
      throw invalid(`metadata.labels: key ${key}`)
    if (!labelValue.test(value) || value.length > 63) throw invalid(`metadata.labels: value ${value}`)
  }
}

/** A schema check by kubernetes-models, answered as the API server answers one. */
const validated = <T>(kind: string, make: () => { validate(): void; toJSON(): unknown }): T => {
  try {
    const model = make()
    model.validate()
    return JSON.parse(JSON.stringify(model.toJSON())) as T
  } catch (error) {
    throw new ApiError(422, 'Invalid', `${kind} is invalid: ${(error as Error).message}`)
  }
}

const readBody = async (req: IncomingMessage): Promise<unknown> => {
  const chunks: Buffer[] = []
  for await (const chunk of req) chunks.push(chunk as Buffer)
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'))
  } catch {
    throw new ApiError(400, 'BadRequest', 'the body is not JSON')
  }
}

const matchesSelector = (labels: Record<string, string> = {}, selector: string | null) =>
  !selector ||
  selector.split(',').every((term) => {
    const [key = '', value] = term.split('=')
    return value === undefined ? key in labels : labels[key] === value
  })

export const startFakeKubernetes = async (namespace = 'cadre-test'): Promise<FakeKubernetes> => {
  const root = mkdtempSync(join(tmpdir(), 'cadre-fake-kube-'))
  const requests: string[] = []
  const invalid: string[] = []
  const pods = new Map<string, V1Pod>()
  const runtimes = new Map<string, PodRuntime>()
  const secrets = new Map<string, V1Secret>()
  const networkPolicies = new Map<string, V1NetworkPolicy>()

  /** The container's environment as the kubelet makes it: its values, its secrets' keys. */
  const environmentOf = (container: V1Container): Record<string, string> => {
    const env: Record<string, string> = {
      PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
    }
    for (const source of container.envFrom ?? []) {
      const secret = secrets.get(source.secretRef?.name ?? '')
      if (!secret)
        throw new ApiError(400, 'CreateContainerConfigError', `secret "${source.secretRef?.name}" not found`)
      for (const [key, value] of Object.entries(secret.data ?? {}))
        env[key] = Buffer.from(value, 'base64').toString()
    }
    for (const variable of container.env ?? []) {
      const ref = variable.valueFrom?.secretKeyRef
      if (ref) {
        const value = secrets.get(ref.name ?? '')?.data?.[ref.key]
        if (value === undefined)
          throw new ApiError(400, 'CreateContainerConfigError', `secret "${ref.name}" has no key ${ref.key}`)
        env[variable.name] = Buffer.from(value, 'base64').toString()
      } else env[variable.name] = variable.value ?? ''
    }
    return env
  }

  /** A process in a container of the pod: its root, its volumes, its working directory. */
  const startIn = (pod: V1Pod, container: V1Container, argv: string[]): ChildProcess => {
    const runtime = runtimes.get(pod.metadata!.name!)!
    const mounts = (container.volumeMounts ?? []).flatMap((mount) => {
      const volume = pod.spec!.volumes!.find((candidate) => candidate.name === mount.name)!
      const source = volume.hostPath?.path ?? join(runtime.dir, 'volumes', mount.name)
      mkdirSync(source, { recursive: true })
      return ['--bind', source, mount.mountPath]
    })
    const child = spawn(
      'bwrap',
      [
        ...[
          '--ro-bind',
          '/usr',
          '/usr',
          '--ro-bind',
          '/etc',
          '/etc',
          '--dev',
          '/dev',
          '--bind',
          '/proc',
          '/proc',
        ],
        ...[
          '--symlink',
          'usr/bin',
          '/bin',
          '--symlink',
          'usr/lib',
          '/lib',
          '--symlink',
          'usr/lib64',
          '/lib64',
        ],
        ...['--symlink', 'usr/sbin', '/sbin', '--tmpfs', '/tmp', ...mounts],
        ...['--chdir', container.workingDir ?? '/', '--', ...argv],
      ],
      { env: environmentOf(container), stdio: ['pipe', 'pipe', 'pipe'], detached: true },
    )
    runtime.processes.add(child)
    child.on('close', () => runtime.processes.delete(child))
    return child
  }

  const killAll = (runtime: PodRuntime) => {
    clearTimeout(runtime.deadline)
    for (const child of runtime.processes) {
      try {
        process.kill(-child.pid!, 'SIGKILL')
      } catch {
        // Gone already.
      }
    }
  }

  const fail = (name: string, reason: string) => {
    const pod = pods.get(name)
    const runtime = runtimes.get(name)
    if (!pod || !runtime) return
    killAll(runtime)
    pod.status = { ...pod.status, phase: 'Failed', reason, message: `the pod was ended: ${reason}` }
  }

  /** The kubelet's work: init containers in order, then the containers; the pod's phase as it goes. */
  const runPod = async (pod: V1Pod) => {
    const name = pod.metadata!.name!
    const runtime = runtimes.get(name)!
    if (pod.spec?.activeDeadlineSeconds)
      runtime.deadline = setTimeout(
        () => fail(name, 'DeadlineExceeded'),
        pod.spec.activeDeadlineSeconds * 1000,
      )
    for (const init of pod.spec?.initContainers ?? []) {
      const child = startIn(pod, init, [...(init.command ?? []), ...(init.args ?? [])])
      let log = ''
      child.stdout!.on('data', (chunk: Buffer) => {
        log += chunk
      })
      child.stderr!.on('data', (chunk: Buffer) => {
        log += chunk
      })
      child.stdin!.end()
      const exitCode = await new Promise<number>((resolve) =>
        child.on('close', (code) => resolve(code ?? 137)),
      )
      runtime.logs.set(init.name, log)
      pod.status!.initContainerStatuses = [
        ...(pod.status!.initContainerStatuses ?? []),
        {
          name: init.name,
          image: init.image!,
          imageID: '',
          ready: exitCode === 0,
          restartCount: 0,
          state: { terminated: { exitCode, reason: exitCode === 0 ? 'Completed' : 'Error' } },
        },
      ]
      if (exitCode !== 0) {
        pod.status!.phase = 'Failed'
        return
      }
    }
    if (pod.status!.phase === 'Failed') return
    for (const container of pod.spec!.containers) {
      const child = startIn(pod, container, [...(container.command ?? []), ...(container.args ?? [])])
      child.stdin!.end()
      child.stdout!.resume()
      child.stderr!.resume()
    }
    pod.status!.phase = 'Running'
    pod.status!.containerStatuses = pod.spec!.containers.map((container) => ({
      name: container.name,
      image: container.image!,
      imageID: '',
      ready: true,
      restartCount: 0,
      state: { running: { startedAt: new Date() } },
    }))
  }

  const collections = {
    pods: {
      kind: 'Pod',
      map: pods,
      validate: (body: unknown) => validated<V1Pod>('Pod', () => new Pod(body as never)),
      created: (pod: V1Pod) => {
        const name = pod.metadata!.name!
        pod.status = { phase: 'Pending' }
        const dir = join(root, name)
        mkdirSync(dir, { recursive: true })
        runtimes.set(name, { dir, processes: new Set(), logs: new Map() })
        void runPod(pod)
      },
      deleted: (name: string) => {
        const runtime = runtimes.get(name)
        if (!runtime) return
        killAll(runtime)
        runtimes.delete(name)
        rmSync(runtime.dir, { recursive: true, force: true })
      },
    },
    secrets: {
      kind: 'Secret',
      map: secrets,
      validate: (body: unknown) => {
        const secret = validated<V1Secret>('Secret', () => new Secret(body as never))
        // The API server keeps stringData as data.
        const data = { ...secret.data }
        for (const [key, value] of Object.entries(secret.stringData ?? {}))
          data[key] = Buffer.from(value).toString('base64')
        return { ...secret, data, stringData: undefined }
      },
      created: () => {},
      deleted: () => {},
    },
    networkpolicies: {
      kind: 'NetworkPolicy',
      map: networkPolicies,
      validate: (body: unknown) =>
        validated<V1NetworkPolicy>('NetworkPolicy', () => new NetworkPolicy(body as never)),
      created: () => {},
      deleted: () => {},
    },
  } as const

  const route =
    /^\/(?:api\/v1|apis\/networking\.k8s\.io\/v1)\/namespaces\/([^/]+)\/(pods|secrets|networkpolicies)(?:\/([^/]+))?(?:\/(log|exec|portforward))?$/

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push(`${req.method} ${url.pathname}`)
    const match = route.exec(url.pathname)
    if (!match)
      throw new ApiError(404, 'NotFound', `the server could not find the requested resource ${url.pathname}`)
    const [, ns, plural = '', name, sub] = match
    if (ns !== namespace) throw new ApiError(404, 'NotFound', `namespaces "${ns}" not found`)
    const collection = collections[plural as keyof typeof collections]
    if (url.pathname.startsWith('/apis/') !== (plural === 'networkpolicies'))
      throw new ApiError(404, 'NotFound', `${plural} are not served at ${url.pathname}`)
    const json = (code: number, body: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    if (!name) {
      if (req.method === 'GET') {
        const selector = url.searchParams.get('labelSelector')
        const items = [...collection.map.values()].filter((item) =>
          matchesSelector(item.metadata?.labels, selector),
        )
        return json(200, { kind: `${collection.kind}List`, apiVersion: 'v1', metadata: {}, items })
      }
      if (req.method === 'POST') {
        const body = collection.validate(await readBody(req))
        checkMetadata(collection.kind, body as V1Pod, namespace)
        const itemName = body.metadata!.name!
        if (collection.map.has(itemName))
          throw new ApiError(409, 'AlreadyExists', `${plural} "${itemName}" already exists`)
        const stored = {
          ...body,
          metadata: { ...body.metadata, namespace, uid: `uid-${itemName}`, creationTimestamp: new Date() },
        }
        ;(collection.map as Map<string, typeof stored>).set(itemName, stored)
        collection.created(stored as never)
        return json(201, stored)
      }
      throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${plural}`)
    }
    const item = collection.map.get(name)
    if (!item) throw new ApiError(404, 'NotFound', `${plural} "${name}" not found`)
    if (sub === 'log' && plural === 'pods') {
      res.writeHead(200, { 'content-type': 'text/plain' })
      return res.end(runtimes.get(name)?.logs.get(url.searchParams.get('container') ?? '') ?? '')
    }
    if (sub) throw new ApiError(400, 'BadRequest', `${sub} takes a WebSocket upgrade`)
    if (req.method === 'GET') return json(200, item)
    if (req.method === 'DELETE') {
      collection.map.delete(name)
      collection.deleted(name)
      return json(200, item)
    }
    throw new ApiError(405, 'MethodNotAllowed', `${req.method} is not allowed on ${plural}/${name}`)
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      const apiError = error instanceof ApiError ? error : new ApiError(500, 'InternalError', String(error))
      if (apiError.code === 422) invalid.push(apiError.message)
      res.writeHead(apiError.code, { 'content-type': 'application/json' })
      res.end(JSON.stringify(status(apiError.code, apiError.reason, apiError.message)))
    })
  })

  // Exec: the channel protocol over a WebSocket, stdin closed by channel 255 (v5).
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) =>
      offered.has('v5.channel.k8s.io')
        ? 'v5.channel.k8s.io'
        : offered.has('v4.channel.k8s.io')
          ? 'v4.channel.k8s.io'
          : false,
  })
  const portForwards = createFakePortForward({ namespace, pods, requests })
  server.on('upgrade', (req, socket, head) => {
    if (portForwards.upgrade(req, socket, head)) return
    const url = new URL(req.url ?? '/', 'http://fake')
    requests.push(`EXEC ${url.pathname}`)
    const match = route.exec(url.pathname)
    const pod = match?.[2] === 'pods' && match[4] === 'exec' ? pods.get(match[3] ?? '') : undefined
    const container = pod?.spec?.containers.find(
      (candidate) => candidate.name === url.searchParams.get('container'),
    )
    const command = url.searchParams.getAll('command')
    const refuse = (code: number, message: string) =>
      socket.end(
        `HTTP/1.1 ${code} Refused\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(status(code, 'BadRequest', message))}`,
      )
    if (!pod || !container) return refuse(404, `no pod or container for ${url.pathname}`)
    if (pod.status?.phase !== 'Running')
      return refuse(400, `pod ${pod.metadata?.name} is not running (${pod.status?.phase})`)
    if (command.length === 0) return refuse(400, 'you must specify at least one command for the container')
    sockets.handleUpgrade(req, socket, head, (ws) => {
      const child = startIn(pod, container, command)
      const send = (channel: number, data: Buffer) => {
        if (ws.readyState === ws.OPEN) ws.send(Buffer.concat([Buffer.from([channel]), data]))
      }
      child.stdout!.on('data', (chunk: Buffer) => send(1, chunk))
      child.stderr!.on('data', (chunk: Buffer) => send(2, chunk))
      child.stdin!.on('error', () => {})
      ws.on('message', (data: Buffer) => {
        if (data[0] === 0) child.stdin!.write(data.subarray(1))
        else if (data[0] === 255 && data[1] === 0) child.stdin!.end()
      })
      // A client that goes away leaves the process running, as with a real cluster.
      child.on('close', (code, signal) => {
        const exitCode = code ?? 128 + (signal === 'SIGKILL' ? 9 : 15)
        const final =
          exitCode === 0
            ? { metadata: {}, status: 'Success' }
            : {
                metadata: {},
                status: 'Failure',
                message: `command terminated with non-zero exit code: exit status ${exitCode}`,
                reason: 'NonZeroExitCode',
                details: { causes: [{ reason: 'ExitCode', message: String(exitCode) }] },
              }
        send(3, Buffer.from(JSON.stringify(final)))
        ws.close()
      })
    })
  })

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  const kubeconfig = join(root, 'kubeconfig')
  writeFileSync(
    kubeconfig,
    `apiVersion: v1
kind: Config
clusters:
- name: fake
  cluster:
    server: ${url}
    insecure-skip-tls-verify: true
users:
- name: tester
  user:
    token: fake-token
contexts:
- name: fake
  context:
    cluster: fake
    user: tester
    namespace: ${namespace}
current-context: fake
`,
  )
  return {
    url,
    kubeconfig,
    namespace,
    requests,
    invalid,
    pods,
    secrets,
    networkPolicies,
    fail,
    async [Symbol.asyncDispose]() {
      for (const runtime of runtimes.values()) killAll(runtime)
      sockets.close()
      portForwards.close()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
      rmSync(root, { recursive: true, force: true })
    },
  }
}
