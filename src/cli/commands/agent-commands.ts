import type { Command } from 'commander'
import { loadConfig } from '../../config.ts'
import type { AgentStatus } from '../../runtimes/find-agents.ts'
import { installAgent } from '../../runtimes/install-agent.ts'
import { createClient, readJson, resolveConnection } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'
import { printJson, printTable } from '../output.ts'

const capabilityNames = ['planMode', 'approvals', 'images', 'resume', 'mcp'] as const

/** `cadre agents`: the agent runtimes, installed or not; `cadre agents install <name>`. */
export const registerAgentCommands = (program: Command, globals: () => GlobalOptions): void => {
  const agents = program
    .command('agents')
    .description('list the agents Cadre can run tasks with, and where each is installed')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = resolveConnection(globals())
      const { agents: list } = await readJson<{ agents: AgentStatus[] }>(
        createClient(connection).api.agents.$get(),
        connection.url,
      )
      if (options.json) return printJson(list)
      printTable(
        ['AGENT', 'INSTALLED', 'VERSION', 'CAN', 'NOTE'],
        list.map((agent) => [
          agent.name,
          agent.installed ? (agent.path ?? 'yes') : 'no',
          agent.version ?? (agent.pinnedVersion ? `(${agent.pinnedVersion})` : ''),
          capabilityNames.filter((name) => agent.capabilities[name]).join(',') || '-',
          agent.needs,
        ]),
        'No agents.',
      )
    })

  agents
    .command('install <name>')
    .description("install the tested version of an agent into Cadre's own folder ($CADRE_HOME/agents)")
    .action(async (name: string) => {
      const installed = await installAgent(name, loadConfig(process.env).home, (text) =>
        process.stderr.write(text),
      )
      console.log(`Installed ${installed.package}@${installed.version} in ${installed.dir}`)
    })
}
