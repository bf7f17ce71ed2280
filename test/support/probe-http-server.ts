import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'
import { probeMcpServer } from '../fixtures/mcp-probe-tool.ts'

/**
 * The probe MCP server over Streamable HTTP on this machine's loopback: reachable from inside a
 * task's sandbox (a stdio server's program under /tmp would not be, its /tmp being its own).
 * Requests must carry the header given, as a server behind a token would want.
 */
export const startProbeHttpServer = async (authorization: string) => {
  const server = createServer(async (req, res) => {
    if (req.headers.authorization !== authorization) {
      res.writeHead(401).end()
      return
    }
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: undefined,
      enableJsonResponse: true,
    })
    await probeMcpServer().connect(transport)
    await transport.handleRequest(req, res)
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/mcp`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
