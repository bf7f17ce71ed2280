import type { Command } from 'commander'
import type { Build, BuildProgress } from '../../core/builds.ts'
import type { Feature } from '../../core/features.ts'
import { createClient, readJson, resolveConnection } from '../client.ts'
import { findProject } from '../find-project.ts'
import type { GlobalOptions } from '../global-options.ts'
import { printJson, printTable } from '../output.ts'

type BuildView = Build & {
  progress: BuildProgress
  agents: { taskId: string; featureName: string; status: string }[]
}

const positive = (value: string) => {
  const number = Number(value)
  if (!Number.isInteger(number) || number < 1) throw new Error(`"${value}" is not a whole number above 0`)
  return number
}

/** A build in a few lines: its status, its share passing, its agents at work, its features. */
const printBuild = (build: BuildView, features: readonly Feature[]) => {
  const { passing, total, percentage, inProgress, needsHuman } = build.progress
  console.log(
    `Build ${build.id} on ${build.branch}: ${build.status}${build.statusReason ? ` (${build.statusReason})` : ''}`,
  )
  console.log(
    `${passing} of ${total} features passing (${percentage}%), ${inProgress} in progress, ${needsHuman} waiting for a person`,
  )
  for (const agent of build.agents)
    console.log(`  at work: ${agent.featureName} (task ${agent.taskId}, ${agent.status})`)
  printTable(
    ['FEATURE', 'STATUS', 'TRIES', 'NOTE'],
    features.map((f) => [f.name, f.status, String(f.attempts), (f.note ?? '').split('\n')[0]!.slice(0, 60)]),
    'No features yet: the build writes them from the spec first.',
  )
}

/** `cadre build …`: start a project's autonomous build, follow it, pause, resume or stop it. */
export const registerBuildCommands = (program: Command, globals: () => GlobalOptions): void => {
  const build = program
    .command('build')
    .description("a project's autonomous build: start, status, pause, resume, stop")
  const connect = () => {
    const connection = resolveConnection(globals())
    return { connection, client: createClient(connection) }
  }
  const show = async (id: string, json?: boolean) => {
    const { connection, client } = connect()
    const view = await readJson<BuildView>(client.api.builds[':id'].$get({ param: { id } }), connection.url)
    const { features } = await readJson<{ features: Feature[] }>(
      client.api.projects[':id'].features.$get({ param: { id: view.projectId } }),
      connection.url,
    )
    if (json) printJson({ ...view, features })
    else printBuild(view, features)
  }

  build
    .command('start [project]')
    .description('start a build of a project (its id or path; default: the one here)')
    .option('--concurrency <n>', 'agents at work at once', positive, 2)
    .option('--agent <name>', "the agent (default: the project's)")
    .option('--model <provider:model>', "the model (default: the project's)")
    .option('--max-attempts <n>', 'tries of a feature before a person gets it', positive)
    .option('--json', 'print the build as JSON')
    .action(
      async (
        reference: string | undefined,
        options: {
          concurrency: number
          agent?: string
          model?: string
          maxAttempts?: number
          json?: boolean
        },
      ) => {
        const { connection, client } = connect()
        const project = await findProject(client, connection, reference ?? '.')
        const started = await readJson<BuildView>(
          client.api.projects[':id'].build.$post({
            param: { id: project.id },
            json: {
              concurrency: options.concurrency,
              ...(options.agent && { agent: options.agent }),
              ...(options.model && { model: options.model }),
              ...(options.maxAttempts && { maxAttempts: options.maxAttempts }),
            },
          }),
          connection.url,
        )
        if (options.json) return printJson(started)
        console.log(
          `Started build ${started.id} of ${project.name} on ${started.branch}; follow it with: cadre build status ${started.id}`,
        )
      },
    )

  build
    .command('status [build]')
    .description("a build's progress, its agents at work and its features (default: the project's latest)")
    .option(
      '--project <project>',
      'the project whose latest build to show (its id or path; default: the one here)',
    )
    .option('--json', 'print as JSON')
    .action(async (id: string | undefined, options: { project?: string; json?: boolean }) => {
      const { connection, client } = connect()
      if (id) return show(id, options.json)
      const project = await findProject(client, connection, options.project ?? '.')
      const { builds } = await readJson<{ builds: Build[] }>(
        client.api.projects[':id'].builds.$get({ param: { id: project.id } }),
        connection.url,
      )
      if (!builds[0]) return console.log(`No build of ${project.name} yet. Start one with: cadre build start`)
      await show(builds[0].id, options.json)
    })

  for (const [action, description] of [
    ['pause', 'pause a build: no feature starts, those at work finish'],
    ['resume', 'resume a paused, stopped or failed build'],
    ['stop', 'stop a build: its agents are cancelled, their work kept'],
  ] as const) {
    build
      .command(`${action} <build>`)
      .description(description)
      .action(async (id: string) => {
        const { connection, client } = connect()
        const view = await readJson<BuildView>(
          client.api.builds[':id'][action].$post({ param: { id } }),
          connection.url,
        )
        console.log(`Build ${view.id}: ${view.status}${view.statusReason ? ` (${view.statusReason})` : ''}`)
      })
  }
}
