import type { IncomingMessage } from 'node:http'
import { connect, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'
import type { V1Pod } from '@kubernetes/client-node'
import { type WebSocket, WebSocketServer } from 'ws'

/**
 * The port-forward route of the fake Kubernetes API server (`fake-kubernetes.ts`):
 * `GET /api/v1/namespaces/{ns}/pods/{name}/portforward?ports=N[,M…]` upgraded to a WebSocket,
 * speaking what the kubelet speaks behind a real API server (its `v4.channel.k8s.io` protocol):
 * per port a data channel (2i) and an error channel (2i+1), every frame prefixed by its channel's
 * byte; the first frame on each carries the port, 2 bytes little-endian; the kubelet's error
 * (`error forwarding port N to pod …`, e.g. nothing listens) goes on the error channel, then the
 * WebSocket closes. The protocol has no half-close: it closes when every port's connection has.
 *
 * Fake pods share this machine's network, so a pod's port N is 127.0.0.1:N here.
 */
export interface FakePortForward {
  /** Takes the upgrade when it is a port-forward (refusing it as the API server would); false otherwise. */
  upgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean
  /** Ends every forwarded connection. */
  close(): void
}

const route = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/portforward$/

/** The protocol a real kubelet picks from those the client offers (the base64 variant aside). */
const protocol = 'v4.channel.k8s.io'

/** The `ports` query as the kubelet reads it: repeated or comma-separated, each 1–65535. */
const portsOf = (url: URL): number[] | string => {
  const given = url.searchParams.getAll('ports')
  if (given.length === 0) return 'query parameter "ports" is required'
  const ports: number[] = []
  for (const value of given) {
    if (value === '') return 'query parameter "ports" cannot be empty'
    for (const part of value.split(',')) {
      if (!/^\d{1,5}$/.test(part) || Number(part) > 65535) return `unable to parse "${value}" as a port`
      if (Number(part) < 1) return `port "${value}" must be > 0`
      ports.push(Number(part))
    }
  }
  return ports
}

const portFrame = (channel: number, port: number) => {
  const frame = Buffer.alloc(3)
  frame[0] = channel
  frame.writeUInt16LE(port, 1)
  return frame
}

export const createFakePortForward = (options: {
  namespace: string
  pods: ReadonlyMap<string, V1Pod>
  requests: string[]
}): FakePortForward => {
  const open = new Set<WebSocket>()
  const sockets = new WebSocketServer({
    noServer: true,
    handleProtocols: (offered) => (offered.has(protocol) ? protocol : false),
  })

  const forward = (ws: WebSocket, pod: V1Pod, ports: number[]) => {
    open.add(ws)
    const send = (channel: number, data: Buffer, sent?: () => void) => {
      if (ws.readyState !== ws.OPEN) return sent?.()
      ws.send(Buffer.concat([Buffer.from([channel]), data]), () => sent?.())
    }
    for (const [index, port] of ports.entries()) {
      ws.send(portFrame(2 * index, port))
      ws.send(portFrame(2 * index + 1, port))
    }
    let remaining = ports.length
    const connections: Socket[] = ports.map((port, index) => {
      const tcp = connect({ host: '127.0.0.1', port })
      let connected = false
      tcp.on('connect', () => {
        connected = true
      })
      // One frame in flight per connection: the pod's side waits for the WebSocket.
      tcp.on('data', (chunk: Buffer) => {
        tcp.pause()
        send(2 * index, chunk, () => tcp.resume())
      })
      tcp.on('error', (error) => {
        const why = connected
          ? error.message
          : `failed to connect to localhost:${port} inside the pod's network: ${error.message}`
        send(
          2 * index + 1,
          Buffer.from(
            `error forwarding port ${port} to pod ${pod.metadata?.name}, uid ${pod.metadata?.uid}: ${why}`,
          ),
        )
      })
      tcp.on('close', () => {
        remaining -= 1
        if (remaining === 0) ws.close(1000)
      })
      return tcp
    })
    ws.on('message', (data: Buffer) => {
      const channel = data[0] ?? 255
      // Only data channels are read; anything else is ignored, as the kubelet does.
      if (channel % 2 !== 0 || channel >= 2 * ports.length) return
      const tcp = connections[channel / 2]!
      if (!tcp.write(data.subarray(1))) {
        ws.pause()
        tcp.once('drain', () => ws.resume())
      }
    })
    ws.on('close', () => {
      open.delete(ws)
      for (const tcp of connections) tcp.destroy()
    })
  }

  return {
    upgrade(req, socket, head) {
      const url = new URL(req.url ?? '/', 'http://fake')
      const match = route.exec(url.pathname)
      if (!match) return false
      options.requests.push(`PORTFORWARD ${url.pathname}`)
      const refuse = (code: number, reason: string, message: string) =>
        socket.end(
          `HTTP/1.1 ${code} Refused\r\ncontent-type: application/json\r\nconnection: close\r\n\r\n${JSON.stringify(
            { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
          )}`,
        )
      const [, namespace, name] = match
      const pod = namespace === options.namespace ? options.pods.get(name ?? '') : undefined
      if (!pod) {
        refuse(404, 'NotFound', `pods "${name}" not found`)
        return true
      }
      if (pod.status?.phase !== 'Running') {
        refuse(400, 'BadRequest', `pod ${name} is not running (${pod.status?.phase})`)
        return true
      }
      const ports = portsOf(url)
      if (typeof ports === 'string') {
        refuse(400, 'BadRequest', ports)
        return true
      }
      // Offering none is allowed (binary, as v4); offering others only is not.
      const offered = req.headers['sec-websocket-protocol']?.split(',').map((one) => one.trim())
      if (offered && !offered.includes(protocol)) {
        refuse(400, 'BadRequest', `requested protocol(s) are not supported: ${offered}; supports ${protocol}`)
        return true
      }
      sockets.handleUpgrade(req, socket, head, (ws) => forward(ws, pod, ports))
      return true
    },
    close() {
      for (const ws of open) ws.terminate()
      sockets.close()
    },
  }
}
