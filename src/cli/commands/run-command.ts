import { execFileSync } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Command } from 'commander'
import { CadreError } from '../../core/errors.ts'
import { AgentMode } from '../../core/settings.ts'
import { startSimulator } from '../../sim/start-simulator.ts'
import { createClient } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'
import { parseAgents } from '../parse-agents.ts'
import { runComparison } from '../run-comparison.ts'
import { connectOrStart, runTask, startLocalCadre } from '../run-task.ts'
import { demoScenario } from './demo-scenario.ts'

const parseMode = (mode: string | undefined) => {
  if (mode === undefined) return undefined
  const parsed = AgentMode.safeParse(mode)
  if (!parsed.success)
    throw new CadreError('bad_request', `--mode must be plan, default or auto, not "${mode}"`)
  return parsed.data
}

/** A small git repository for the demo to work on. */
const demoRepository = (): string => {
  const repo = join(mkdtempSync(join(tmpdir(), 'cadre-demo-')), 'greeter')
  mkdirSync(repo)
  writeFileSync(join(repo, 'greet.js'), "console.log('hello')\n")
  writeFileSync(join(repo, 'README.md'), '# greeter\n\nSays hello.\n')
  const git = (...args: string[]) =>
    execFileSync(
      'git',
      ['-C', repo, '-c', 'user.name=Cadre demo', '-c', 'user.email=demo@cadre.invalid', ...args],
      { stdio: 'ignore' },
    )
  git('init', '-q', '-b', 'main')
  git('add', '.')
  git('commit', '-q', '-m', 'A greeter that only says hello')
  return repo
}

export const registerRunCommands = (program: Command, globals: () => GlobalOptions): void => {
  program
    .command('run <prompt>')
    .description('run a task end to end and watch it live (starts a server in this process when none runs)')
    .option('-p, --project <id|path>', 'the repository (default: the current directory; added if new)')
    .option('--agent <agent>', "agent to run it (default: the project's)")
    .option(
      '--agents <agents>',
      'compare several agents side by side: builtin,codex=openai:gpt-5.5,… (a task each, with its model after =)',
    )
    .option('--model <model>', "model, as provider:model (default: the project's)")
    .option('--mode <mode>', 'plan, default (asks before what the policy marks) or auto')
    .action(
      async (
        prompt: string,
        options: { project?: string; agent?: string; agents?: string; model?: string; mode?: string },
      ) => {
        const mode = parseMode(options.mode)
        if (options.agent && options.agents)
          throw new CadreError('bad_request', 'give --agent or --agents, not both')
        const choice = options.agents ? parseAgents(options.agents) : undefined
        const { connection, client, local } = await connectOrStart(globals())
        try {
          const project = options.project ?? process.cwd()
          process.exitCode = choice
            ? await runComparison(client, connection, {
                prompt,
                project,
                model: options.model,
                mode,
                ...choice,
              })
            : await runTask(client, connection, {
                prompt,
                project,
                agent: options.agent,
                model: options.model,
                mode,
              })
        } finally {
          await local?.close()
        }
      },
    )

  program
    .command('demo')
    .description("watch Cadre's agent work on a small repository, with a simulated model: no API key needed")
    .action(async () => {
      const repo = demoRepository()
      const home = mkdtempSync(join(tmpdir(), 'cadre-demo-home-'))
      const sim = await startSimulator({ scenarios: [demoScenario] })
      const local = await startLocalCadre({
        ...process.env,
        CADRE_HOME: home,
        CADRE_TOKEN: '',
        ANTHROPIC_BASE_URL: sim.url,
        ANTHROPIC_API_KEY: 'sk-ant-demo-simulated',
      })
      try {
        console.log(`Cadre demo: a simulated model works on ${repo}\n`)
        const connection = { url: local.server.url, token: local.token }
        process.exitCode = await runTask(createClient(connection), connection, {
          prompt: 'Make greet.js greet whoever is named on the command line, and show it working',
          project: repo,
          model: 'anthropic:claude-sonnet-4-5',
          mode: 'auto',
        })
        console.log(
          `\nThat was Cadre's own model simulator. With a real model: set ANTHROPIC_API_KEY (or another provider's key)\n` +
            'and run  cadre run "<what to do>" --model anthropic:claude-sonnet-4-5  in your repository.',
        )
      } finally {
        await local.close()
        await sim.close()
        rmSync(home, { recursive: true, force: true })
      }
    })
}
