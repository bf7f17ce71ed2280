import { randomBytes } from 'node:crypto'
import type { ScenarioInput } from '../../src/sim/scenario.ts'

// Secrets with no recognisable shape: only knowing them lets Cadre redact them.
const shapeless = () => `Zq${randomBytes(18).toString('base64url')}`

/**
 * Secrets planted everywhere a run touches, each from where Cadre must learn it: its own token,
 * the environment, its secret store (a provider key, a connector's variable), and shapes it must
 * know on sight (a GitHub token and a private key in a file, an Anthropic key the model makes up).
 */
export const plantSecrets = () => {
  const privateKey = [
    '-----BEGIN OPENSSH PRIVATE KEY-----',
    randomBytes(48).toString('base64'),
    randomBytes(48).toString('base64'),
    '-----END OPENSSH PRIVATE KEY-----',
  ].join('\n')
  return {
    /** $CADRE_HOME/token, written before Cadre starts. */
    accessToken: `cadre-${randomBytes(24).toString('hex')}`,
    /** In Cadre's environment as MY_SERVICE_TOKEN. */
    environment: shapeless(),
    /** A provider's API key, put through the API into Cadre's secret store. */
    stored: shapeless(),
    /** A connector's environment variable, sealed in Cadre's secret store. */
    connector: shapeless(),
    /** In a file of the repository, which the agent reads: known by its shape only. */
    fileToken: `ghp_${randomBytes(18).toString('hex')}`,
    /** The private key's body, in the same file. */
    privateKey,
    /** Made up by the model in its own words. */
    modelKey: `sk-ant-api03-${randomBytes(24).toString('hex')}`,
  }
}

export type PlantedSecrets = ReturnType<typeof plantSecrets>

/** Each secret with its name, to say which one leaked; a private key is looked for by a line of its body. */
export const secretsToFind = (secrets: PlantedSecrets): [string, string][] =>
  Object.entries(secrets).map(([name, value]) => [
    name,
    name === 'privateKey' ? (value.split('\n')[1] ?? value) : value,
  ])

/** The repository file the agent reads. */
export const plantedFile = (secrets: PlantedSecrets) =>
  `MY_SERVICE_TOKEN=${secrets.environment}\nGITHUB_TOKEN=${secrets.fileToken}\nDEPLOY_KEY="${secrets.privateKey}"\n`

const tool = (name: string, input: Record<string, unknown>) => ({ toolCall: { tool: name, input } })

/**
 * The model of both tasks. The leaky task reads the planted file, runs a command carrying the
 * stored key (a rule asks a person first, so it is in an approval too), writes what it made up into
 * a file, and ends repeating every secret it knows. The escaping task runs its prompt as a shell
 * script, then tries the file tools on paths outside its workspace (`outside`: an absolute one).
 */
export const leakyScenario = (secrets: PlantedSecrets, outside: string): ScenarioInput => {
  const everything = Object.values(secrets).join(' and ')
  return {
    name: 'leaky',
    rules: [
      {
        when: { lastUserMessage: { contains: 'ESCAPE-PROBE' }, turn: 0 },
        reply: [tool('bash', { command: '{{lastUserMessage}}' })],
      },
      {
        when: { lastUserMessage: { contains: 'ESCAPE-PROBE' }, turn: 1 },
        reply: [
          tool('read_file', { path: '../../../token' }),
          tool('read_file', { path: '/etc/passwd' }),
          tool('write_file', { path: '../../../planted.txt', content: 'escaped' }),
          tool('write_file', { path: outside, content: 'escaped' }),
          tool('list_files', { path: '../..' }),
        ],
      },
      { when: { lastUserMessage: { contains: 'ESCAPE-PROBE' } }, reply: [{ text: 'Nothing got out.' }] },
      {
        when: { turn: 0 },
        reply: [{ reasoning: `I recall ${secrets.modelKey}.` }, tool('read_file', { path: 'config/.env' })],
      },
      { when: { turn: 1 }, reply: [tool('bash', { command: `echo stored ${secrets.stored}` })] },
      {
        when: { turn: 2 },
        reply: [
          tool('write_file', {
            path: 'notes.txt',
            content: `keys: ${secrets.modelKey} ${secrets.environment}\n`,
          }),
          tool('bash', { command: 'cat notes.txt config/.env; env | cut -d= -f1 | sort' }),
        ],
      },
      { reply: [{ text: `All done. For the record: ${everything}.` }] },
    ],
  }
}
