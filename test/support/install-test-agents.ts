// Installs the agent CLIs the tests run, at the versions Cadre is tested with, into a cache folder
// of the repository (never into Cadre's dependencies, never globally). Run by .ci/run before the
// tests, and by the tests themselves when something is missing.   node test/support/install-test-agents.ts
import { execFileSync } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { knownAgent } from '../../src/runtimes/agent-catalog.ts'

/** Where the test agents live: inside the repository (a sandbox sees it, unlike /tmp). */
export const testAgentsDir = join(import.meta.dirname, '..', '..', 'node_modules', '.cache', 'cadre-agents')

/** The folder holding the installed agents' commands, for a PATH. */
export const testAgentsBin = join(testAgentsDir, 'node_modules', '.bin')

/** The agents whose adapters the tests exercise. */
export const testedAgents = ['claude-code', 'codex', 'gemini', 'opencode']

const installedVersion = (packageName: string) => {
  const manifest = join(testAgentsDir, 'node_modules', ...packageName.split('/'), 'package.json')
  return existsSync(manifest)
    ? (JSON.parse(readFileSync(manifest, 'utf8')) as { version: string }).version
    : undefined
}

/** Installs each agent not already there at its pinned version. */
export const installTestAgents = (names: readonly string[] = testedAgents): void => {
  const missing = names.flatMap((name) => {
    const pinned = knownAgent(name)?.package
    if (!pinned) throw new Error(`no agent package for ${name}`)
    return installedVersion(pinned.name) === pinned.version ? [] : [`${pinned.name}@${pinned.version}`]
  })
  if (missing.length === 0) return
  execFileSync(
    'npm',
    ['install', '--prefix', testAgentsDir, '--no-audit', '--no-fund', '--save-exact', ...missing],
    {
      stdio: ['ignore', 'ignore', 'inherit'],
    },
  )
}

if (import.meta.main) installTestAgents()
