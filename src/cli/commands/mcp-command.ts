import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js'
import type { Command } from 'commander'
import { createCadreMcpServer, httpCadreCall } from '../../mcp/cadre-mcp-server.ts'
import { resolveConnection } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'

/** `cadre mcp`: Cadre's tools over stdio, for MCP clients that start their servers themselves. */
export const registerMcpCommand = (program: Command, globals: () => GlobalOptions): void => {
  program
    .command('mcp')
    .description(
      'serve Cadre as an MCP server over stdio (Claude Desktop, an IDE, another agent): projects, tasks, approvals, features',
    )
    .action(async () => {
      const connection = resolveConnection(globals())
      const server = createCadreMcpServer(httpCadreCall(connection.url, connection.token))
      // stdout is the protocol's: nothing else is printed there.
      await server.connect(new StdioServerTransport())
      await new Promise<void>((resolve) => {
        process.stdin.on('close', resolve)
        process.stdin.on('end', resolve)
      })
    })
}
