import type { Command } from 'commander'
import { CadreError } from '../../core/errors.ts'
import type { ModelListing } from '../../models/model-client.ts'
import type { ProviderCheck, ProviderView } from '../../models/provider-config.ts'
import { createClient, readJson, resolveConnection } from '../client.ts'
import type { GlobalOptions } from '../global-options.ts'
import { printJson, printTable } from '../output.ts'

const price = (perMillion: number | undefined) => (perMillion === undefined ? '-' : `$${perMillion}`)

/** Reads a key piped on stdin: a key on the command line would show in `ps` and shell history. */
const readKeyFromStdin = async (): Promise<string> => {
  if (process.stdin.isTTY) {
    throw new CadreError(
      'bad_request',
      'pipe the key on stdin, e.g. printenv ANTHROPIC_API_KEY | cadre provider set anthropic --api-key-stdin',
    )
  }
  const chunks: Buffer[] = []
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer)
  const key = Buffer.concat(chunks).toString('utf8').trim()
  if (!key) throw new CadreError('bad_request', 'no key arrived on stdin')
  return key
}

export const registerModelCommands = (program: Command, globals: () => GlobalOptions): void => {
  program
    .command('models')
    .description("list models: Cadre's catalog merged with configured providers' own lists")
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = resolveConnection(globals())
      const listing = await readJson<ModelListing>(createClient(connection).api.models.$get(), connection.url)
      if (options.json) return printJson(listing)
      printTable(
        ['MODEL', 'CONTEXT', 'INPUT/M', 'OUTPUT/M', 'CACHED/M'],
        listing.models.map((m) => [
          m.id,
          m.contextWindow ? `${Math.round(m.contextWindow / 1000)}k` : '-',
          price(m.pricing?.input),
          price(m.pricing?.output),
          price(m.pricing?.cachedInput),
        ]),
        'No models.',
      )
      for (const provider of listing.providers.filter((p) => !p.ok)) {
        console.error(`warning: could not list ${provider.name}'s models: ${provider.message}`)
      }
    })

  const provider = program.command('provider').description('configure model providers and their keys')

  provider
    .command('list')
    .description('list providers, where their settings come from, and what each lacks')
    .option('--json', 'print as JSON')
    .action(async (options: { json?: boolean }) => {
      const connection = resolveConnection(globals())
      const { providers } = await readJson<{ providers: ProviderView[] }>(
        createClient(connection).api.providers.$get(),
        connection.url,
      )
      if (options.json) return printJson(providers)
      printTable(
        ['NAME', 'KIND', 'KEY', 'BASE URL', 'STATUS'],
        providers.map((p) => [
          p.name,
          p.kind,
          p.apiKey ? `${p.apiKey} (${p.apiKeySource})` : '-',
          p.baseUrl ? `${p.baseUrl} (${p.baseUrlSource})` : '-',
          p.ready ? 'ready' : (p.problem ?? 'not ready'),
        ]),
        'No providers.',
      )
    })

  provider
    .command('set <name>')
    .description('store a key or base URL for a provider (a new name adds an OpenAI-compatible one)')
    .option('--base-url <url>', "the endpoint, e.g. http://gpu-box:8000/v1 ('' resets it)")
    .option('--api-key-stdin', 'read the API key from stdin (stored encrypted)')
    .option('--clear-key', 'remove the stored API key')
    .option(
      '--kind <kind>',
      'for a new provider: openai-compatible (default), openai, openai-chat, anthropic, google',
    )
    .action(
      async (
        name: string,
        options: { baseUrl?: string; apiKeyStdin?: boolean; clearKey?: boolean; kind?: string },
      ) => {
        const apiKey = options.apiKeyStdin ? await readKeyFromStdin() : options.clearKey ? null : undefined
        const connection = resolveConnection(globals())
        const json = {
          ...(options.kind !== undefined && { kind: options.kind }),
          ...(options.baseUrl !== undefined && { baseUrl: options.baseUrl === '' ? null : options.baseUrl }),
          ...(apiKey !== undefined && { apiKey }),
        } as never
        const shown = await readJson<ProviderView>(
          createClient(connection).api.providers[':name'].$put({ param: { name }, json }),
          connection.url,
        )
        console.log(`${shown.name}: ${shown.ready ? 'ready' : shown.problem}`)
      },
    )

  provider
    .command('check <name>')
    .description('verify the endpoint and key with one cheap real call')
    .option('--json', 'print as JSON')
    .action(async (name: string, options: { json?: boolean }) => {
      const connection = resolveConnection(globals())
      const check = await readJson<ProviderCheck>(
        createClient(connection).api.providers[':name'].check.$post({ param: { name } }),
        connection.url,
      )
      if (options.json) printJson(check)
      if (!check.ok) throw new CadreError('unavailable', `${name}: ${check.problem}: ${check.message}`)
      if (!options.json) console.log(`ok: ${check.message}`)
    })
}
