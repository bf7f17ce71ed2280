import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface AnsweringServer extends AsyncDisposable {
  readonly url: string
  readonly server: Server
  /** Changes what every later request is answered. */
  answer(status: number, body: unknown): void
}

/** An HTTP server that answers every request with one status and JSON body: an endpoint's stand-in. */
export const startAnsweringServer = async (status: number, body: unknown): Promise<AnsweringServer> => {
  let answer = { status, body }
  const server = createServer((_request, response) => {
    response.writeHead(answer.status, { 'content-type': 'application/json' }).end(JSON.stringify(answer.body))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const close = () => new Promise<void>((resolve) => server.close(() => resolve()))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    server,
    answer: (nextStatus, nextBody) => {
      answer = { status: nextStatus, body: nextBody }
    },
    [Symbol.asyncDispose]: close,
  }
}

/** The URL of a port nothing listens on (bound, then released). */
export const closedPortUrl = async (): Promise<string> => {
  const answering = await startAnsweringServer(200, {})
  await answering[Symbol.asyncDispose]()
  return answering.url
}
