import { Command, CommanderError } from 'commander'
import { loadConfig } from '../config.ts'
import { CadreError } from '../core/errors.ts'
import { version } from '../version.ts'
import { registerAgentCommands } from './commands/agent-commands.ts'
import { registerBuildCommands } from './commands/build-commands.ts'
import { registerDoctorCommand } from './commands/doctor-command.ts'
import { registerMcpCommand } from './commands/mcp-command.ts'
import { registerModelCommands } from './commands/model-commands.ts'
import { registerProjectCommands } from './commands/project-commands.ts'
import { registerReviewCommands } from './commands/review-commands.ts'
import { registerRunCommands } from './commands/run-command.ts'
import { registerServeCommand } from './commands/serve-command.ts'
import { registerSimCommand } from './commands/sim-command.ts'
import { registerTaskCommands } from './commands/task-commands.ts'
import type { GlobalOptions } from './global-options.ts'

const buildProgram = () => {
  const program = new Command('cadre')
    .description('Cadre: a self-hosted control plane for coding agents')
    .version(version, '-v, --version')
    .option('--url <url>', 'server URL (CADRE_URL; default: the running server found in CADRE_HOME)')
    .option(
      '--token <token>',
      'access token (default: CADRE_TOKEN, then $CADRE_HOME/token; a flag shows in ps)',
    )
    .showHelpAfterError()
    .exitOverride()
  const globals = (): GlobalOptions => {
    const options = program.opts<{ url?: string; token?: string }>()
    return { ...options, home: loadConfig().home }
  }
  registerServeCommand(program)
  registerProjectCommands(program, globals)
  registerTaskCommands(program, globals)
  registerReviewCommands(program, globals)
  registerBuildCommands(program, globals)
  registerSimCommand(program)
  registerDoctorCommand(program)
  registerAgentCommands(program, globals)
  registerModelCommands(program, globals)
  registerRunCommands(program, globals)
  registerMcpCommand(program, globals)
  return program
}

/** Runs the CLI; a failure prints one clear line (never a stack trace) and sets the exit code. */
export const main = async (argv: string[]): Promise<number> => {
  try {
    await buildProgram().parseAsync(argv, { from: 'user' })
    // A command that ended without an error may still report an outcome (cadre run: 1, 3).
    return typeof process.exitCode === 'number' ? process.exitCode : 0
  } catch (error) {
    if (error instanceof CommanderError) return error.exitCode
    if (error instanceof CadreError) {
      console.error(`cadre: ${error.message}`)
      return error.code === 'bad_request' || error.code === 'validation_failed' ? 2 : 1
    }
    console.error(`cadre: unexpected error: ${(error as Error)?.message ?? String(error)}`)
    return 1
  }
}

// Started by bin/cadre.cjs: when the launcher goes away, behave as if it had sent SIGTERM.
if (process.channel) {
  process.channel.unref()
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'))
}

process.exitCode = await main(process.argv.slice(2))
