import { execFile } from 'node:child_process'
import { existsSync, mkdirSync, statfsSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { findAgents } from '../runtimes/find-agents.ts'
import { findBubblewrap } from '../sandbox/bubblewrap.ts'
import { findSandboxes } from '../sandbox/find-sandboxes.ts'
import { CREDENTIAL_STORES } from '../sandbox/hidden-from-agents.ts'

const run = promisify(execFile)

export interface Check {
  name: string
  /** ok: works; warn: works less well or less safely; fail: Cadre cannot work without it. */
  status: 'ok' | 'warn' | 'fail'
  detail: string
  /** What to do about a warning or a failure. */
  fix?: string
}

/** The first line a program prints for `--version`, or undefined when it cannot be run. */
const versionOf = async (program: string, args = ['--version']): Promise<string | undefined> => {
  try {
    const { stdout, stderr } = await run(program, args, { timeout: 10_000 })
    return (stdout || stderr).trim().split('\n')[0]
  } catch {
    return undefined
  }
}

/** git 2.31 or newer: `rev-parse --path-format`, worktrees that know their common directory. */
const minimumGit = [2, 31]

const checkGit = async (): Promise<Check> => {
  const version = await versionOf('git')
  if (!version)
    return { name: 'git', status: 'fail', detail: 'not found', fix: 'install git (Debian: apt install git)' }
  const [major = 0, minor = 0] = (/(\d+)\.(\d+)/.exec(version) ?? []).slice(1).map(Number)
  const recent = major > minimumGit[0]! || (major === minimumGit[0] && minor >= minimumGit[1]!)
  return recent
    ? { name: 'git', status: 'ok', detail: version }
    : {
        name: 'git',
        status: 'fail',
        detail: `${version} is too old`,
        fix: `install git ${minimumGit.join('.')} or newer`,
      }
}

/** The credential stores of the user's home present on this machine, as `~/…`. */
const credentialStoresHere = () =>
  CREDENTIAL_STORES.filter((store) => existsSync(join(homedir(), store))).map((store) => `~/${store}`)

const checkBubblewrap = async (): Promise<Check> => {
  if (await findBubblewrap()) {
    const stores = credentialStoresHere()
    return {
      name: 'bubblewrap',
      status: 'ok',
      detail: `${(await versionOf('bwrap')) ?? 'bwrap'}: agents' processes are isolated, Cadre's home hidden${
        stores.length ? ` and your credentials too (${stores.join(', ')})` : ''
      }`,
    }
  }
  return {
    name: 'bubblewrap',
    status: 'warn',
    detail: "missing, or cannot create namespaces here: agents' processes run with your own rights",
    fix: 'install bubblewrap (Debian: apt install bubblewrap) and allow unprivileged user namespaces',
  }
}

const checkRipgrep = async (): Promise<Check> => {
  const { rgPath } = await import('@vscode/ripgrep')
  const version = await versionOf(rgPath)
  return version
    ? { name: 'ripgrep', status: 'ok', detail: version }
    : {
        name: 'ripgrep',
        status: 'fail',
        detail: `${rgPath} does not run`,
        fix: 'reinstall Cadre (npm install)',
      }
}

/** The external agents, as `cadre agents` finds them: where each is, at which version. */
const checkAgents = async (home: string): Promise<Check[]> =>
  (await findAgents(home))
    .filter((agent) => agent.name !== 'builtin')
    .map(
      (agent): Check =>
        agent.installed
          ? { name: agent.title, status: 'ok', detail: `${agent.version ?? 'installed'} at ${agent.path}` }
          : {
              name: agent.title,
              status: 'warn',
              detail: 'not installed',
              fix: `cadre agents install ${agent.name}, to run tasks with ${agent.title}`,
            },
    )

/** Less than this free where Cadre keeps worktrees is a warning. */
const lowDiskBytes = 2 * 1024 ** 3

const checkDisk = (home: string): Check => {
  try {
    mkdirSync(home, { recursive: true, mode: 0o700 })
    const stats = statfsSync(home)
    const free = stats.bavail * stats.bsize
    const detail = `${(free / 1024 ** 3).toFixed(1)} GiB free at ${home}`
    return free < lowDiskBytes
      ? {
          name: 'disk space',
          status: 'warn',
          detail,
          fix: 'free some space: worktrees need room (cadre gc removes old ones)',
        }
      : { name: 'disk space', status: 'ok', detail }
  } catch (error) {
    return { name: 'disk space', status: 'fail', detail: `cannot use ${home}: ${(error as Error).message}` }
  }
}

/**
 * A container engine and a Kubernetes cluster, for projects whose tasks run in containers or pods
 * (both optional: a warning says what is not possible and how to make it so).
 */
const checkContainers = async (): Promise<Check[]> => {
  const found = await findSandboxes()
  const docker = found.find((sandbox) => sandbox.kind === 'docker')
  const kubernetes = found.find((sandbox) => sandbox.kind === 'kubernetes')
  return [
    docker?.usable
      ? { name: 'container engine', status: 'ok', detail: docker.detail }
      : {
          name: 'container engine',
          status: 'warn',
          detail: 'none answers: projects cannot run their tasks in containers (sandbox.kind "docker")',
          fix: "start Docker (Debian: apt install docker.io), or podman's service and set DOCKER_HOST",
        },
    kubernetes?.usable
      ? { name: 'kubernetes', status: 'ok', detail: kubernetes.detail }
      : {
          name: 'kubernetes',
          status: 'warn',
          detail: `projects cannot run their tasks in pods (sandbox.kind "kubernetes"): ${kubernetes?.detail}`,
          fix: 'only if you want pods: see docs/kubernetes.md',
        },
  ]
}

/** What Cadre needs on this machine, and what works less well without it. */
export const runChecks = async (home: string): Promise<Check[]> => [
  { name: 'node', status: 'ok', detail: process.version },
  await checkGit(),
  await checkBubblewrap(),
  ...(await checkContainers()),
  await checkRipgrep(),
  ...(await checkAgents(home)),
  checkDisk(home),
]
