import { Duplex, PassThrough, Writable } from 'node:stream'
import { CadreError } from '../../core/errors.ts'
import type { KubeApi } from './kube-api.ts'

/** A pod, reached through the API server. */
export interface PodAddress {
  kube: KubeApi
  pod: string
}

type PortForwardSocket = Exclude<Awaited<ReturnType<KubeApi['portForward']['portForward']>>, () => unknown>

/** The data channel of the one port forwarded: what is written to the port goes there. */
const dataChannel = Buffer.from([0])

/** Close codes of a WebSocket ended on purpose (1005: ended without a code, as the API server does). */
const normalClosures = new Set([1000, 1005])

/**
 * A TCP connection to a port on a pod's own loopback (a dev server in it), through the API
 * server's port-forward (the `v4.channel.k8s.io` WebSocket protocol: one WebSocket per connection,
 * a data channel and an error channel). Unlike an exec relay it carries bytes as they are: binary
 * responses arrive whole. Whether anything listens is known only once the kubelet has tried: a
 * refused connection, like any error the kubelet reports, destroys the Duplex with its message.
 */
export const connectInPod = async (target: PodAddress, port: number): Promise<Duplex> => {
  let socket: PortForwardSocket | undefined
  let failure = ''
  // Half-open once the pod's side has ended (as a TCP socket is), so that its reader can finish
  // writing what it read before it ends this side.
  const connection = new Duplex({
    read() {
      socket?.resume()
    },
    write(chunk: Buffer, _encoding, done) {
      // Once the pod's side has ended, what is still written has nowhere to go: the end is told by
      // the readable side, as a peer's close is in TCP.
      if (!socket || socket.readyState !== socket.OPEN) return done()
      socket.send(Buffer.concat([dataChannel, chunk]), (error) => done(error ?? undefined))
    },
    // The v4 protocol cannot end one direction only (no half-close): ending the WebSocket here would
    // drop the answer still coming, so the connection ends when the pod's side does, or is destroyed.
    final(done) {
      done()
    },
    destroy(error, done) {
      // Reading again, or the close handshake could not finish while paused.
      socket?.resume()
      socket?.close()
      done(error)
    },
  })
  // The client hands over each channel's frames, port prefix taken off, without waiting: the
  // WebSocket is paused while the reader is behind.
  const received = new Writable({
    write(chunk: Buffer, _encoding, done) {
      if (chunk.length > 0 && !connection.destroyed && !connection.push(chunk)) socket?.pause()
      done()
    },
  })
  const errors = new Writable({
    write(chunk: Buffer, _encoding, done) {
      failure += chunk.toString('utf8')
      done()
    },
  })
  const where = `port ${port} of pod ${target.pod}`
  let opened: Awaited<ReturnType<KubeApi['portForward']['portForward']>>
  try {
    // Its input is never written nor ended: the client would close the WebSocket when it ends (see
    // `final`), and writes go out through `send`, whose callback is the backpressure.
    opened = await target.kube.portForward.portForward(
      target.kube.namespace,
      target.pod,
      [port],
      received,
      errors,
      new PassThrough(),
    )
  } catch (error) {
    throw new CadreError(
      'unavailable',
      `Kubernetes could not forward ${where}: ${(error as Error).message ?? String(error)}`,
      { cause: error },
    )
  }
  if (typeof opened === 'function') throw new CadreError('internal', `the port-forward to ${where} retries`)
  socket = opened
  let socketError: Error | undefined
  socket.on('error', (error) => {
    socketError = error
  })
  const closed = (code: number) => {
    const why = failure.trim() || socketError?.message
    if (why) connection.destroy(new CadreError('unavailable', `${where}: ${why}`))
    else if (!normalClosures.has(code))
      connection.destroy(new CadreError('unavailable', `${where}: the port-forward was cut (${code})`))
    else connection.push(null)
  }
  if (socket.readyState === socket.CLOSED) closed(1005)
  else socket.on('close', closed)
  if (connection.destroyed) socket.close()
  return connection
}
