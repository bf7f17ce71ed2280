import { mkdirSync, readFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { type AgentAction, planWaitsReason } from '../agent-action.ts'
import { type AgentRuntime, defineRuntime, hostOf, type RuntimeRun } from '../agent-runtime.ts'
import { policyCallOf } from './claude-policy-call.ts'
import { spawnInWorkspace } from './spawn-in-workspace.ts'
import { createClaudeTranslator } from './translate-claude-message.ts'

type PermissionResult =
  | { behavior: 'allow'; updatedInput: Record<string, unknown> }
  | { behavior: 'deny'; message: string; interrupt?: boolean }

/** The part of the Claude Agent SDK Cadre uses (it is loaded from where it is installed, not a dependency). */
interface ClaudeSdk {
  query(params: { prompt: string; options: Record<string, unknown> }): AsyncIterable<unknown>
}

/** The SDK's module in its installation (Node imports a module once, however often asked). */
const loadSdk = (sdkDir: string): Promise<ClaudeSdk> => {
  const manifest = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as { main?: string }
  return import(pathToFileURL(join(sdkDir, manifest.main ?? 'sdk.mjs')).href) as Promise<ClaudeSdk>
}

// Tools that wait on a terminal or outlive the run have no place in a task: a person answers
// through Cadre, and the workspace is Cadre's.
const unattended = [
  'AskUserQuestion',
  'EnterWorktree',
  'ExitWorktree',
  'CronCreate',
  'CronDelete',
  'ScheduleWakeup',
]
const waits = 'This call waits for the person to approve it: stop here and say nothing more.'

/**
 * One query() of Claude Code in the workspace: its messages translated as they come, each tool
 * call put to Cadre's policy through `canUseTool`. A call the policy would have a person decide,
 * and a plan proposed in plan mode, end the turn and come out as `approval` actions.
 */
async function* turn(sdk: Promise<ClaudeSdk>, run: RuntimeRun, prompt: string): AsyncGenerator<AgentAction> {
  const { query } = await sdk
  const root = run.workspace.root
  const translator = createClaudeTranslator(root)
  const state = join(run.stateDir, 'claude')
  for (const dir of ['home', 'tmp']) mkdirSync(join(state, dir), { recursive: true })
  const waiting: { callId: string; tool: string; input: unknown; reason: string; plan?: true }[] = []
  const abort = new AbortController()
  const stop = () => abort.abort()
  run.signal.addEventListener('abort', stop, { once: true })
  let stderr = ''
  const canUseTool = async (
    name: string,
    input: Record<string, unknown>,
    { toolUseID }: { toolUseID: string },
  ): Promise<PermissionResult> => {
    if (name === 'ExitPlanMode') {
      waiting.push({ callId: toolUseID, tool: 'plan', input: {}, reason: planWaitsReason, plan: true })
      return { behavior: 'deny', message: waits, interrupt: true }
    }
    if (!run.approve) return { behavior: 'allow', updatedInput: input }
    const call = policyCallOf(name, input, root)
    const decision = await run.approve({ callId: toolUseID, ...call })
    if (decision.behavior === 'allow') return { behavior: 'allow', updatedInput: input }
    if (decision.behavior === 'deny') return { behavior: 'deny', message: decision.message }
    waiting.push({ callId: toolUseID, tool: call.tool, input: call.input, reason: decision.reason })
    return { behavior: 'deny', message: waits, interrupt: true }
  }
  try {
    const messages = query({
      prompt,
      options: {
        cwd: root,
        model: run.model.model,
        // Replaces the environment: Claude Code's config, sessions and temporary files stay in the
        // task's state folder, its traffic goes to the task's provider and nowhere else.
        env: {
          HOME: join(state, 'home'),
          CLAUDE_CONFIG_DIR: state,
          TMPDIR: join(state, 'tmp'),
          ANTHROPIC_BASE_URL: hostOf(run.model.baseUrl),
          ANTHROPIC_API_KEY: run.model.apiKey || 'none',
          CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1',
          DISABLE_TELEMETRY: '1',
          DISABLE_ERROR_REPORTING: '1',
          DISABLE_AUTOUPDATER: '1',
          // MCP tools offered to the model as they are, not behind a search tool it must think to call.
          ENABLE_TOOL_SEARCH: 'false',
        },
        permissionMode: run.mode === 'plan' ? 'plan' : 'default',
        settingSources: [],
        mcpServers: Object.fromEntries(
          (run.mcpServers ?? []).map((server) => [
            server.name,
            server.transport === 'stdio'
              ? { type: 'stdio', command: server.command, args: server.args ?? [], env: server.env ?? {} }
              : { type: 'http', url: server.url, headers: server.headers ?? {} },
          ]),
        ),
        disallowedTools: unattended,
        canUseTool,
        abortController: abort,
        ...(run.sessionId && { resume: run.sessionId }),
        spawnClaudeCodeProcess: spawnInWorkspace(run.workspace, {
          ...(run.env && { env: run.env }),
          signal: run.signal,
          onStderr: (text) => {
            stderr = (stderr + text).slice(-2000)
          },
        }),
      },
    })
    for await (const message of messages) yield* translator.translate(message)
  } catch (error) {
    if (!run.signal.aborted) {
      const said = stderr.trim().split('\n').slice(-3).join(' ')
      yield { type: 'error', message: `claude-code: ${(error as Error).message}${said ? `: ${said}` : ''}` }
    }
  } finally {
    run.signal.removeEventListener('abort', stop)
  }
  for (const { plan, ...call } of waiting) {
    const proposed = translator.inputOf(call.callId)?.plan
    yield plan
      ? {
          type: 'approval',
          ...call,
          plan: typeof proposed === 'string' ? proposed : '',
          input: { plan: proposed },
        }
      : { type: 'approval', ...call }
  }
}

/**
 * Claude Code through the Claude Agent SDK, loaded from its installation (`sdkDir`); its CLI runs
 * inside the task's workspace. Cadre's approvals through canUseTool, its plan mode as Claude Code's,
 * follow-ups and restarts through the SDK's resume.
 */
export const createClaudeCodeRuntime = (sdkDir: string): AgentRuntime =>
  defineRuntime({
    name: 'claude-code',
    // The SDK's node_modules: the SDK and the native CLI it runs, in a package beside it.
    exposed: [dirname(dirname(sdkDir))],
    start: (run, prompt) => turn(loadSdk(sdkDir), run, prompt),
    followUp: (run, message) => turn(loadSdk(sdkDir), run, message),
  })
