import { resolve } from 'node:path'
import type { Command } from 'commander'
import type { Project } from '../../core/entities.ts'
import { createClient, readJson, resolveConnection } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'
import { printJson, printTable } from '../output.ts'

export const registerProjectCommands = (program: Command, globals: () => GlobalOptions): void => {
  const project = program.command('project').description('register and list projects (git repositories)')

  project
    .command('add <path>')
    .description('register a local git repository')
    .option('--name <name>', "display name (default: the folder's name)")
    .option('--json', 'print the project as JSON')
    .action(async (path: string, options: { name?: string; json?: boolean }) => {
      const connection = resolveConnection(globals())
      const created = await readJson<Project>(
        createClient(connection).api.projects.$post({ json: { path: resolve(path), name: options.name } }),
        connection.url,
      )
      if (options.json) printJson(created)
      else console.log(`Added project ${created.id} (${created.name}) at ${created.path}`)
    })

  project
    .command('list')
    .description('list projects')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = resolveConnection(globals())
      const { projects } = await readJson<{ projects: Project[] }>(
        createClient(connection).api.projects.$get(),
        connection.url,
      )
      if (options.json) return printJson(projects)
      printTable(
        ['ID', 'NAME', 'PATH'],
        projects.map((p) => [p.id, p.name, p.path]),
        'No projects yet. Add one with: cadre project add <path>',
      )
    })
}
