import { randomBytes } from 'node:crypto'
import { once } from 'node:events'
import { createServer, type Server, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import WebSocket from 'ws'
import { type FakeKubernetes, startFakeKubernetes } from '../../../test/support/fake-kubernetes.ts'
import { CadreError } from '../../core/errors.ts'
import { connectKubernetes, type KubeApi } from './kube-api.ts'
import { connectInPod } from './pod-port-forward.ts'
import { openPodSandbox } from './pod-sandbox.ts'

let cluster: FakeKubernetes
let kube: KubeApi
const pod = 'forwarded'

const startPod = async (name: string) => {
  await kube.core.createNamespacedPod({
    namespace: kube.namespace,
    body: {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name },
      spec: {
        restartPolicy: 'Never',
        containers: [{ name: 'workspace', image: 'busybox', command: ['/bin/sh', '-c', 'exec sleep 3600'] }],
      },
    },
  })
  while ((await kube.core.readNamespacedPod({ name, namespace: kube.namespace })).status?.phase !== 'Running')
    await new Promise((resolve) => setTimeout(resolve, 20))
}

beforeAll(async () => {
  cluster = await startFakeKubernetes()
  kube = await connectKubernetes({ kubeconfig: cluster.kubeconfig })
  await startPod(pod)
})
afterAll(() => cluster[Symbol.asyncDispose]())

/** A server on a port of the pod (fake pods share this machine's loopback). */
const listen = async (onConnection: (socket: Socket) => void) => {
  const server = createServer(onConnection)
  server.listen(0, '127.0.0.1')
  await once(server, 'listening')
  return { server, port: (server.address() as { port: number }).port }
}

const stop = (server: Server) => new Promise((resolve) => server.close(resolve))

/** Everything the connection gives until it ends, or the error it ends with. */
const readAll = async (connection: Duplex) => {
  const chunks: Buffer[] = []
  try {
    for await (const chunk of connection) chunks.push(chunk as Buffer)
    return { data: Buffer.concat(chunks) }
  } catch (error) {
    return { data: Buffer.concat(chunks), error: error as CadreError }
  }
}

describe("a connection to a pod's port, through the port-forward API of a fake cluster", () => {
  it('carries bytes both ways as they are, and ends when the pod side closes', async () => {
    // Every byte value, then enough to take many frames and fill the buffers on the way.
    const sent = Buffer.concat([
      Buffer.from(Array.from({ length: 256 }, (_, byte) => byte)),
      randomBytes(3 << 20),
    ])
    const { server, port } = await listen((socket) => {
      let echoed = 0
      socket.on('data', (chunk: Buffer) => {
        socket.write(chunk)
        echoed += chunk.length
        if (echoed === sent.length) socket.end()
      })
    })
    const connection = await connectInPod({ kube, pod }, port)
    const reading = readAll(connection)
    for (let at = 0; at < sent.length; at += 50_000) connection.write(sent.subarray(at, at + 50_000))
    const { data, error } = await reading
    expect(error).toBeUndefined()
    expect(data.length).toBe(sent.length)
    expect(data.equals(sent)).toBe(true)
    expect(cluster.requests).toContain(
      `PORTFORWARD /api/v1/namespaces/${kube.namespace}/pods/${pod}/portforward`,
    )
    await stop(server)
  }, 30_000)

  it("ends with the kubelet's error when nothing listens on the port", async () => {
    const { server, port } = await listen(() => {})
    await stop(server)
    const connection = await connectInPod({ kube, pod }, port)
    const { data, error } = await readAll(connection)
    expect(data.length).toBe(0)
    expect(error).toBeInstanceOf(CadreError)
    expect(error?.code).toBe('unavailable')
    expect(error?.message).toMatch(
      new RegExp(`^port ${port} of pod ${pod}: error forwarding port ${port} to pod ${pod}, .*ECONNREFUSED`),
    )
  })

  it("closes the pod side's connection when it is destroyed, and when the workspace closes", async () => {
    const closed: Promise<unknown>[] = []
    const { server, port } = await listen((socket) => {
      closed.push(once(socket, 'close'))
      socket.write('hello')
    })
    const connection = await connectInPod({ kube, pod }, port)
    expect(String((await once(connection, 'data'))[0])).toBe('hello')
    connection.destroy()
    await expect.poll(() => closed.length).toBe(1)
    await closed[0]

    const sandbox = openPodSandbox({ kube, pod, container: 'workspace', root: '/tmp' })
    const held = await sandbox.connect!(port)
    expect(String((await once(held, 'data'))[0])).toBe('hello')
    await sandbox.close()
    expect(held.destroyed).toBe(true)
    await expect.poll(() => closed.length).toBe(2)
    await closed[1]
    await stop(server)
  })

  it('is refused for a pod that does not exist or no longer runs', async () => {
    await expect(connectInPod({ kube, pod: 'nowhere' }, 80)).rejects.toThrow(
      /^Kubernetes could not forward port 80 of pod nowhere: .*404/,
    )
    await startPod('ended')
    cluster.fail('ended', 'NodeLost')
    await expect(connectInPod({ kube, pod: 'ended' }, 80)).rejects.toThrow(/400/)
  })

  it('the fake refuses what a real API server refuses: no ports, a bad port, an unknown protocol', async () => {
    const refusal = (query: string, protocols = ['v4.channel.k8s.io']) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(
          `${cluster.url.replace('http', 'ws')}/api/v1/namespaces/${kube.namespace}/pods/${pod}/portforward${query}`,
          protocols,
        )
        ws.on('unexpected-response', (_request, response) => resolve(response.statusCode ?? 0))
        ws.on('open', () => reject(new Error(`${query} was taken`)))
        ws.on('error', () => {})
      })
    expect(await refusal('')).toBe(400)
    expect(await refusal('?ports=')).toBe(400)
    expect(await refusal('?ports=0')).toBe(400)
    expect(await refusal('?ports=70000')).toBe(400)
    expect(await refusal('?ports=http')).toBe(400)
    expect(await refusal('?ports=80', ['v5.channel.k8s.io'])).toBe(400)
  })
})
