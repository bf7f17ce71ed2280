import type { Command } from 'commander'
import { CadreError } from '../../core/errors.ts'
import { environmentSecrets } from '../../secrets/environment-secrets.ts'
import { describeEndpoints } from '../../sim/describe-endpoints.ts'
import { loadScenarios, readScenarioFile, scenarioFiles } from '../../sim/load-scenarios.ts'
import { SimFaults } from '../../sim/sim-faults.ts'
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
          [--faults <rate> [--fault-seed <n>] [--fault-kinds <list>] [--fault-slow-ms <ms>]]
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

--faults 0.2 fails a fifth of the model calls on purpose, to test a client's retries: a 429
with retry-after, a 500, an overload (Anthropic's 529, the others' 503), a stream cut mid-way,
or headers held back --fault-slow-ms (3000) before a normal answer. The seed is printed; the same
--fault-seed fails the same calls of the same sequence again.

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

interface FaultOptions {
  faults?: string
  faultSeed?: string
  faultKinds?: string
  faultSlowMs?: string
}

const numberOption = (name: string, text: string, range: string): number => {
  const value = Number(text)
  if (text.trim() === '' || !Number.isFinite(value))
    throw new CadreError('bad_request', `${name} must be ${range}, got ${JSON.stringify(text)}`)
  return value
}

/** The faults asked for (`startSimulator` checks their ranges); a seed is chosen here, to be printed. */
const faultsOf = (options: FaultOptions): SimFaults | undefined => {
  if (options.faults === undefined) {
    if ([options.faultSeed, options.faultKinds, options.faultSlowMs].some((given) => given !== undefined))
      throw new CadreError(
        'bad_request',
        '--fault-seed, --fault-kinds and --fault-slow-ms go with --faults <rate>',
      )
    return undefined
  }
  const seed = options.faultSeed ?? String(Math.floor(Math.random() * 2 ** 31))
  const parsed = SimFaults.safeParse({
    rate: numberOption('--faults', options.faults, 'a share of calls from 0 to 1'),
    seed: numberOption('--fault-seed', seed, 'a whole number'),
    ...(options.faultKinds !== undefined && {
      kinds: options.faultKinds.split(',').map((kind) => kind.trim()),
    }),
    ...(options.faultSlowMs !== undefined && {
      slowMs: numberOption('--fault-slow-ms', options.faultSlowMs, 'milliseconds'),
    }),
  })
  if (parsed.success) return parsed.data
  const problems = parsed.error.issues.map((issue) => {
    const [field, ...rest] = issue.path.map(String)
    return `${flags[field ?? ''] ?? field}${rest.length > 0 ? ` (item ${rest.join('.')})` : ''}: ${issue.message}`
  })
  throw new CadreError('bad_request', problems.join('; '))
}

const flags: Record<string, string> = {
  rate: '--faults',
  seed: '--fault-seed',
  kinds: '--fault-kinds',
  slowMs: '--fault-slow-ms',
}

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
    .option('--faults <rate>', 'fail this share of model calls on purpose, from 0 to 1 (e.g. 0.2)')
    .option('--fault-seed <n>', 'seed of which calls fail (printed when not given)')
    .option(
      '--fault-kinds <list>',
      'comma-separated among rate_limit, server_error, overloaded, cut, slow (all by default)',
    )
    .option('--fault-slow-ms <ms>', 'how long a slow call holds its headers back (3000)')
    .action(async (options: ListenOptions & FaultOptions & { scenario: string[] }) => {
      const scenarios = await loadScenarios(options.scenario)
      const faults = faultsOf(options)
      const failing = faults && [
        `Faults: ${faults.rate * 100}% of model calls fail (${faults.kinds.join(', ')}); seed ${faults.seed}`,
      ]
      const server = await startSimulator({
        scenarios,
        host: options.host,
        port: parsePort(options.port),
        ...(faults && { faults }),
      })
      const names = scenarios.map((scenario, index) =>
        index === 0 ? `${scenario.name} (default)` : scenario.name,
      )
      await serveUntilStopped(server, [
        `Cadre model simulator listening on ${server.url}`,
        `Scenarios: ${names.length > 0 ? names.join(', ') : 'none; the built-in default answers'}`,
        ...(failing ?? []),
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
