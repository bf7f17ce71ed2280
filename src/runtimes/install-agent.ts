import { spawn } from 'node:child_process'
import { mkdirSync } from 'node:fs'
import { CadreError } from '../core/errors.ts'
import { knownAgent, knownAgents } from './agent-catalog.ts'
import { agentsDir } from './find-agents.ts'

/**
 * Installs the version of an agent Cadre is tested with into Cadre's own agents folder (an npm
 * prefix under `$CADRE_HOME`), never globally; npm's progress goes to `log`. Resolves with what was
 * installed.
 */
export const installAgent = async (
  name: string,
  home: string,
  log: (text: string) => void,
): Promise<{ package: string; version: string; dir: string }> => {
  const agent = knownAgent(name)
  if (!agent) {
    const names = knownAgents.map((known) => known.name).join(', ')
    throw new CadreError('bad_request', `no agent is named "${name}"; the agents are ${names}`)
  }
  if (!agent.package)
    throw new CadreError('bad_request', `${agent.title} is built into Cadre: nothing to install`)
  const dir = agentsDir(home)
  mkdirSync(dir, { recursive: true, mode: 0o700 })
  const spec = `${agent.package.name}@${agent.package.version}`
  const code = await new Promise<number | null>((resolve, reject) => {
    const npm = spawn('npm', ['install', '--prefix', dir, '--no-audit', '--no-fund', '--save-exact', spec], {
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    npm.stdout.on('data', (chunk) => log(String(chunk)))
    npm.stderr.on('data', (chunk) => log(String(chunk)))
    npm.once('error', (error) =>
      reject(
        new CadreError(
          'unavailable',
          `cannot run npm to install ${spec}: ${error.message}; install Node.js with npm`,
        ),
      ),
    )
    npm.once('close', resolve)
  })
  if (code !== 0)
    throw new CadreError('unavailable', `npm could not install ${spec} (exit ${code}); its output is above`)
  return { package: agent.package.name, version: agent.package.version, dir }
}
