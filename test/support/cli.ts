import { type ChildProcess, execFileSync, spawn } from 'node:child_process'
import { existsSync, readFileSync } from 'node:fs'
import { delimiter, join } from 'node:path'

export const repoRoot = join(import.meta.dirname, '..', '..')
export const launcher = join(repoRoot, 'bin', 'cadre.cjs')

/**
 * The machine's own `node`, found on PATH without the project's node_modules/.bin (where npm
 * puts the pinned Node 24): on these machines an older Node, which the launcher must cope with.
 */
export const systemNode = (): string => {
  const path = (process.env.PATH ?? '').split(delimiter).filter((dir) => !dir.includes('node_modules'))
  for (const dir of path) {
    const candidate = join(dir, 'node')
    if (existsSync(candidate)) return candidate
  }
  return process.execPath
}

export const nodeMajor = (node: string): number =>
  Number(execFileSync(node, ['--version'], { encoding: 'utf8' }).trim().slice(1).split('.')[0])

export interface CliResult {
  code: number | null
  stdout: string
  stderr: string
}

/** Runs `cadre …` through the launcher under the given Node and waits for it to exit. */
export const runCli = (
  args: string[],
  env: NodeJS.ProcessEnv,
  node = systemNode(),
  script = launcher,
  input?: string,
): Promise<CliResult> =>
  new Promise((resolve, reject) => {
    const child = spawn(node, [script, ...args], {
      env: { ...process.env, ...env },
      stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    })
    if (input !== undefined) child.stdin?.end(input)
    let stdout = ''
    let stderr = ''
    child.stdout?.on('data', (chunk) => (stdout += chunk))
    child.stderr?.on('data', (chunk) => (stderr += chunk))
    child.on('error', reject)
    child.on('close', (code) => resolve({ code, stdout, stderr }))
  })

/** Starts a long-running `cadre …` (serve, logs -f) and collects its output as it comes. */
export const spawnCli = (
  args: string[],
  env: NodeJS.ProcessEnv,
  options: { ownProcessGroup?: boolean } = {},
) => {
  const child: ChildProcess = spawn(systemNode(), [launcher, ...args], {
    env: { ...process.env, ...env },
    detached: options.ownProcessGroup === true,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  return collectOutput(child)
}

/** A long-running child, its output gathered as it comes and its exit awaitable. */
export const collectOutput = (child: ChildProcess) => {
  const output = { stdout: '', stderr: '' }
  child.stdout!.on('data', (chunk) => (output.stdout += chunk))
  child.stderr!.on('data', (chunk) => (output.stderr += chunk))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  return { child, output, exited }
}

/** Polls until `check` returns a value, or fails after the timeout with what was last seen. */
export const waitFor = async <T>(
  check: () => T | undefined | Promise<T | undefined>,
  what: string,
  timeoutMs = 20_000,
): Promise<T> => {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const value = await check()
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
}

export const readServerUrl = (home: string): string | undefined => {
  try {
    return JSON.parse(readFileSync(join(home, 'server.json'), 'utf8')).url
  } catch {
    return undefined
  }
}
