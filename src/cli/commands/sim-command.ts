import type { Command } from 'commander'
import { CadreError } from '../../core/errors.ts'
import { environmentSecrets } from '../../secrets/environment-secrets.ts'
import { describeEndpoints } from '../../sim/describe-endpoints.ts'
import { loadScenarios, readScenarioFile, scenarioFiles } from '../../sim/load-scenarios.ts'
import type { SimServer } from '../../sim/sim-server.ts'
import { startRecorder } from '../../sim/start-recorder.ts'
import { startReplayer } from '../../sim/start-replayer.ts'
import { startSimulator } from '../../sim/start-simulator.ts'

const defaultPort = '7879'
const stopSignals = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const
// Ctrl-C reaches both the launcher and this process, and the launcher forwards it: a repeat this
// soon is that echo. A signal after it asks to stop at once.
const repeatWindowMs = 1000

const help = `
cadre sim [--host 127.0.0.1] [--port 7879] [--scenario <file|dir>]...
  serves until Ctrl-C; --port 0 picks a free port; the first scenario is the default.

The simulator answers as a model would, from scenarios: YAML or JSON files of rules, each a
condition on the request and the reply to give (reasoning, text, tool calls, or an error).

  # hello.yaml
  name: write-hello
  rules:
    - when: { toolResult: none, toolOffered: write }
      reply:
        - text: "Writing it now."
        - toolCall: { tool: write, input: { file_path: "{{cwd}}/hello.txt", content: "hello" } }
    - reply: [{ text: "Done." }]

  $ cadre sim --scenario hello.yaml
  $ cadre sim validate scenarios/

Cassettes record real traffic once and replay it byte for byte; keys, auth headers and the
values of credential-named environment variables are never written:

  $ cadre sim record --upstream https://api.anthropic.com --out claude.json
  $ cadre sim replay claude.json

Any request may pick a scenario with the header x-cadre-scenario: <name>, or by using the
scenario's name as its model. See docs/simulator.md for the whole format.
`

const parsePort = (text: string): number => {
  const port = Number(text)
  if (!Number.isInteger(port) || port < 0 || port > 65_535) {
    throw new CadreError(
      'bad_request',
      `--port must be a whole number from 0 to 65535, got ${JSON.stringify(text)}`,
    )
  }
  return port
}

const collect = (value: string, previous: string[]) => [...previous, value]

/** Prints what is listening where, runs until a stop signal, then closes cleanly. */
const serveUntilStopped = async (server: SimServer, heading: string[]) => {
  console.log([...heading, ...describeEndpoints(server.url), 'Stop with Ctrl-C.'].join('\n'))
  await new Promise<void>((resolve) => {
    let firstAt = 0
    const stop = () => {
      if (firstAt === 0) {
        firstAt = Date.now()
        resolve()
      } else if (Date.now() - firstAt > repeatWindowMs) {
        process.exit(130)
      }
    }
    for (const signal of stopSignals) process.on(signal, stop)
  })
  await server.close()
}

interface ListenOptions {
  host: string
  port: string
}

/** `cadre sim`: the model simulator, and its record, replay and validate commands. */
export const registerSimCommand = (program: Command): void => {
  const sim = program
    .command('sim')
    .description('a local model server speaking the Anthropic, OpenAI and Gemini protocols, for agent CLIs')
    .addHelpText('after', help)
  const listen = (command: Command) =>
    command
      .option('--host <host>', 'address to bind', '127.0.0.1')
      .option('--port <port>', 'port; 0 picks a free one', defaultPort)

  const serve = sim.command('serve', { isDefault: true }).description('serve scenarios (the default)')
  listen(serve)
    .option(
      '--scenario <file|dir>',
      'scenario file or directory, repeatable; the first is the default',
      collect,
      [],
    )
    .action(async (options: ListenOptions & { scenario: string[] }) => {
      const scenarios = await loadScenarios(options.scenario)
      const server = await startSimulator({ scenarios, host: options.host, port: parsePort(options.port) })
      const names = scenarios.map((scenario, index) =>
        index === 0 ? `${scenario.name} (default)` : scenario.name,
      )
      await serveUntilStopped(server, [
        `Cadre model simulator listening on ${server.url}`,
        `Scenarios: ${names.length > 0 ? names.join(', ') : 'none; the built-in default answers'}`,
      ])
    })

  const record = sim
    .command('record')
    .description('proxy to a service, recording every exchange into a cassette')
  listen(record)
    .requiredOption('--upstream <url>', 'the service to forward to, e.g. https://api.anthropic.com')
    .requiredOption('--out <file>', 'the cassette to write (JSON, rewritten after every exchange)')
    .action(async (options: ListenOptions & { upstream: string; out: string }) => {
      const server = await startRecorder({
        upstream: options.upstream,
        cassettePath: options.out,
        host: options.host,
        port: parsePort(options.port),
        // A key in the environment may reach a request body (a prompt, a tool result) unannounced.
        secrets: environmentSecrets(process.env),
        onError: (error) => console.error(`cadre: could not write ${options.out}: ${error.message}`),
      })
      await serveUntilStopped(server, [
        `Recording ${options.upstream} into ${options.out}, listening on ${server.url}`,
      ])
    })

  const replay = sim.command('replay').description('serve a recorded cassette back')
  listen(replay)
    .argument('<cassette>', 'a file written by `cadre sim record`')
    .option('--realtime', 'keep the recorded delays between chunks')
    .action(async (cassette: string, options: ListenOptions & { realtime?: boolean }) => {
      const server = await startReplayer({
        cassettePath: cassette,
        host: options.host,
        port: parsePort(options.port),
        realtime: options.realtime,
      })
      await serveUntilStopped(server, [`Replaying ${cassette}, listening on ${server.url}`])
    })

  sim
    .command('validate')
    .description('check scenario files (or directories of them) and report every mistake')
    .argument('<files...>', 'scenario files or directories')
    .action(async (paths: string[]) => {
      const problems: string[] = []
      for (const path of paths) {
        const files = await scenarioFiles(path).catch((error: Error) => {
          problems.push(error.message)
          return []
        })
        for (const file of files) {
          await readScenarioFile(file).then(
            (scenario) => console.log(`ok ${file}: ${scenario.name}, ${scenario.rules.length} rule(s)`),
            (error: Error) => problems.push(error.message),
          )
        }
      }
      if (problems.length > 0) throw new CadreError('bad_request', problems.join('\n'))
    })
}
