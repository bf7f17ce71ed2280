import { pino } from 'pino'
import { type Cadre, startCadre } from '../cadre.ts'
import { loadConfig } from '../config.ts'
import type { Project, Task } from '../core/entities.ts'
import { CadreError } from '../core/errors.ts'
import type { AgentMode } from '../core/settings.ts'
import { environmentSecrets } from '../secrets/environment-secrets.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { cancelOnInterrupt } from './cancel-on-interrupt.ts'
import { type Client, type Connection, createClient, readJson, resolveConnection } from './client.ts'
import { findProject } from './find-project.ts'
import { followRun } from './follow-run.ts'
import type { GlobalOptions } from './global-options.ts'

/** A Cadre server in this process, on a free port, stopped by the caller when done. */
export const startLocalCadre = async (env: NodeJS.ProcessEnv): Promise<Cadre> => {
  const config = loadConfig({ ...env, CADRE_PORT: '0', CADRE_HOST: '127.0.0.1' })
  const redactor = createRedactor(environmentSecrets(env))
  const log = pino(
    { level: 'error', hooks: { streamWrite: (line) => redactor.redact(line) } },
    process.stderr,
  )
  return startCadre(config, { log, redactor, env })
}

/** A server to talk to: the running one, or one started in this process (stopped when done). */
export const connectOrStart = async (
  globals: GlobalOptions,
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ connection: Connection; client: Client; local?: Cadre }> => {
  const connection = resolveConnection(globals, env)
  const up = await fetch(`${connection.url}/api/health`, { signal: AbortSignal.timeout(1000) }).then(
    (response) => response.ok,
    () => false,
  )
  if (up) return { connection, client: createClient(connection) }
  const local = await startLocalCadre(env)
  const started = { url: local.server.url, token: local.token }
  return { connection: started, client: createClient(started), local }
}

export interface RunRequest {
  prompt: string
  /** The repository: a registered project's id or path; a path not registered yet is added. */
  project: string
  agent?: string
  model?: string
  mode?: AgentMode
}

/** The project by id or path, added first when the path is a repository Cadre does not know yet. */
export const projectFor = async (
  client: Client,
  connection: Connection,
  reference: string,
): Promise<Project> => {
  try {
    return await findProject(client, connection, reference)
  } catch (error) {
    if (!(error instanceof CadreError && error.code === 'not_found')) throw error
    return readJson<Project>(client.api.projects.$post({ json: { path: reference } }), connection.url)
  }
}

const formatTokens = (n: number) => n.toLocaleString('en-US')

/**
 * Creates a task and follows it to the end in the terminal; prints a summary with tokens, cost and
 * time. Resolves with the process exit code: 0 done or in review, 1 failed or cancelled, 3 waiting
 * for an approval nobody at a terminal can give.
 */
export const runTask = async (
  client: Client,
  connection: Connection,
  request: RunRequest,
): Promise<number> => {
  const started = performance.now()
  const project = await projectFor(client, connection, request.project)
  const created = await readJson<Task>(
    client.api.tasks.$post({
      json: {
        projectId: project.id,
        prompt: request.prompt,
        agent: request.agent,
        model: request.model,
        mode: request.mode,
      },
    }),
    connection.url,
  )
  console.log(
    `▸ ${created.title}  (task ${created.id}, ${created.agent}, ${created.model ?? 'default model'}, ${created.mode})`,
  )
  const stopListening = cancelOnInterrupt(client, connection.url, created.id)
  try {
    const { task, waiting } = await followRun(client, connection, created.id)
    const seconds = ((performance.now() - started) / 1000).toFixed(1)
    if (waiting) {
      console.log(
        `\n⏸ ${waiting.tool} waits for approval. Answer with: cadre task approve ${task.id} ${waiting.approvalId} [--deny]`,
      )
      return 3
    }
    const totals = `${formatTokens(task.usage.inputTokens)} tokens in, ${formatTokens(task.usage.outputTokens)} out, $${task.costUsd.toFixed(4)}, ${seconds}s`
    if (task.status === 'review' || task.status === 'done') {
      const where = task.workspace ? `${task.workspace.path} (branch ${task.workspace.branch})` : project.path
      const next =
        task.status === 'review'
          ? `changes to review in ${where}: cadre task diff ${task.id}, then cadre task merge ${task.id}`
          : 'no changes'
      console.log(
        `\n✔ ${task.status === 'review' ? 'Finished with changes' : 'Finished'} — ${totals}; ${next}`,
      )
      return 0
    }
    console.log(`\n✘ ${task.status}${task.statusReason ? `: ${task.statusReason}` : ''} — ${totals}`)
    return 1
  } finally {
    stopListening()
  }
}
