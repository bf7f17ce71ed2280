import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { CadreError } from '../core/errors.ts'
import type { SimServer } from './sim-server.ts'

const listenError = (error: NodeJS.ErrnoException, host: string, port: number) => {
  const reasons: Record<string, string> = {
    EADDRINUSE: `port ${port} on ${host} is already in use; choose another with --port (0 picks a free one)`,
    EACCES: `not allowed to listen on ${host}:${port}; choose a port above 1023 with --port`,
    EADDRNOTAVAIL: `${host} is not an address of this machine; check --host`,
  }
  return new CadreError(
    'bad_request',
    reasons[error.code ?? ''] ?? `cannot listen on ${host}:${port}: ${error.message}`,
    {
      cause: error,
    },
  )
}

/**
 * Binds the server and returns it as a SimServer: `url` carries the port actually bound (so port 0
 * works), and close drops open streams instead of waiting for them. An `signal` abort closes it too.
 */
export const listenHttp = async (
  server: Server,
  options: { host?: string; port?: number; signal?: AbortSignal },
): Promise<SimServer> => {
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', (error) => reject(listenError(error, host, options.port ?? 0)))
    server.listen(options.port ?? 0, host, () => resolve())
  })
  const { port } = server.address() as AddressInfo
  let closing: Promise<void> | undefined
  const close = () => {
    closing ??= new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
    return closing
  }
  options.signal?.addEventListener('abort', () => void close(), { once: true })
  return {
    url: `http://${host.includes(':') ? `[${host}]` : host}:${port}`,
    close,
    [Symbol.asyncDispose]: close,
  }
}
