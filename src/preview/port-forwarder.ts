import { request } from 'node:http'
import { createServer, type Socket } from 'node:net'
import type { Duplex } from 'node:stream'

export interface PortForwarder {
  /** The port on 127.0.0.1 whose connections reach the workspace's port. */
  port: number
  close(): void
}

/**
 * A port on this machine's loopback whose every connection is relayed to a port inside a
 * workspace (through its `connect`): a container's dev server, reached as if it listened here,
 * WebSockets (hot reload) included.
 */
export const forwardPort = async (
  connect: (port: number) => Promise<Duplex>,
  port: number,
): Promise<PortForwarder> => {
  const sockets = new Set<Socket>()
  const server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
    socket.on('error', () => socket.destroy())
    connect(port).then(
      (remote) => {
        remote.on('error', () => socket.destroy())
        remote.on('end', () => socket.end())
        remote.on('close', () => socket.destroy())
        socket.on('close', () => remote.destroy())
        socket.pipe(remote)
        remote.pipe(socket)
      },
      () => socket.destroy(),
    )
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    port: (server.address() as { port: number }).port,
    close() {
      for (const socket of sockets) socket.destroy()
      server.close()
    },
  }
}

/** Whether an HTTP server answers on the port (any status): a forwarded port always takes a connection. */
export const httpAnswers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const asking = request(
      { host: '127.0.0.1', port, path: '/', method: 'HEAD', timeout: 2000 },
      (response) => {
        response.resume()
        resolve(true)
      },
    )
    asking.on('timeout', () => asking.destroy())
    asking.on('error', () => resolve(false))
    asking.end()
  })
