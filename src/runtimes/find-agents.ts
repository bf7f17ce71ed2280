import { execFile } from 'node:child_process'
import { accessSync, constants, existsSync, readFileSync } from 'node:fs'
import { basename, delimiter, dirname, join } from 'node:path'
import { promisify } from 'node:util'
import { type KnownAgent, knownAgents } from './agent-catalog.ts'

const run = promisify(execFile)

/** Where `cadre agents install` puts agents: an npm prefix of Cadre's own. */
export const agentsDir = (home: string) => join(home, 'agents')

export interface AgentStatus {
  name: string
  title: string
  installed: boolean
  /** Where it was found: Cadre's own agents folder, or the PATH. */
  path?: string
  version?: string
  /** The version `cadre agents install` installs. */
  pinnedVersion?: string
  capabilities: KnownAgent['capabilities']
  needs: string
}

const executable = (path: string) => {
  try {
    accessSync(path, constants.X_OK)
    return true
  } catch {
    return false
  }
}

/** The command in Cadre's agents folder, else on the PATH. */
const findCommand = (command: string, home: string, path = process.env.PATH ?? '') => {
  const own = join(agentsDir(home), 'node_modules', '.bin', command)
  if (executable(own)) return own
  return path
    .split(delimiter)
    .filter(Boolean)
    .map((dir) => join(dir, command))
    .find(executable)
}

const versionOf = async (path: string) => {
  try {
    const { stdout, stderr } = await run(path, ['--version'], { timeout: 15_000 })
    const text = (stdout || stderr).trim().split('\n')[0] ?? ''
    return /\d+\.\d+\.\d+[\w.-]*/.exec(text)?.[0] ?? text
  } catch {
    return undefined
  }
}

/**
 * A library agent (an SDK) with its version: in Cadre's agents folder, else in a `node_modules`
 * whose `.bin` is on the PATH (where npm put the commands of the packages beside it).
 */
const findLibrary = (packageName: string, home: string, path = process.env.PATH ?? '') => {
  const folders = [
    join(agentsDir(home), 'node_modules'),
    ...path
      .split(delimiter)
      .filter((dir) => basename(dir) === '.bin' && basename(dirname(dir)) === 'node_modules')
      .map((dir) => dirname(dir)),
  ]
  const manifest = folders
    .map((folder) => join(folder, ...packageName.split('/'), 'package.json'))
    .find((candidate) => existsSync(candidate))
  if (!manifest) return undefined
  const { version } = JSON.parse(readFileSync(manifest, 'utf8')) as { version?: string }
  return { path: dirname(manifest), version }
}

/** Where each agent's program is on this machine (Cadre's agents folder, then the PATH); no program is run. */
export const locateAgent = (agent: KnownAgent, home: string): string | undefined =>
  agent.command
    ? findCommand(agent.command, home)
    : agent.package && findLibrary(agent.package.name, home)?.path

/** Every agent Cadre knows, whether it is installed here, where, and at which version. */
export const findAgents = (home: string): Promise<AgentStatus[]> =>
  Promise.all(
    knownAgents.map(async (agent): Promise<AgentStatus> => {
      const base = {
        name: agent.name,
        title: agent.title,
        capabilities: agent.capabilities,
        needs: agent.needs,
        ...(agent.package && { pinnedVersion: agent.package.version }),
      }
      if (agent.name === 'builtin') return { ...base, installed: true }
      const path = locateAgent(agent, home)
      if (!path) return { ...base, installed: false }
      const version = agent.command
        ? await versionOf(path)
        : agent.package && findLibrary(agent.package.name, home)?.version
      return { ...base, installed: true, path, ...(version && { version }) }
    }),
  )
