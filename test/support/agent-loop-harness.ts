import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { ModelMessage } from 'ai'
import { builtinTools } from '../../src/agent/builtin-tools.ts'
import { type AgentLoopDeps, type AgentLoopResult, runAgentLoop } from '../../src/agent/run-agent-loop.ts'
import type { EventInput, LiveEventType, StoredEvent } from '../../src/core/events/registry.ts'
import { RunBudget } from '../../src/core/settings.ts'
import { commitEvents } from '../../src/events/commit-events.ts'
import { createMemoryEventBus } from '../../src/events/memory-event-bus.ts'
import { createModelLayer } from '../../src/models/create-model-layer.ts'
import type { ResolvedModel } from '../../src/models/model-client.ts'
import { openDirectorySandbox } from '../../src/sandbox/directory-sandbox.ts'
import { createRedactor } from '../../src/secrets/redactor.ts'
import { createSecretBox } from '../../src/secrets/secret-box.ts'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import { addStoredTask, createTestDatabase } from './test-stores.ts'

export interface LoopAttempt {
  /** Absent when the loop threw. */
  result?: AgentLoopResult
  error?: Error & { statusCode?: number }
  /** What the run stored, in seq order. */
  events: StoredEvent[]
  live: EventInput<LiveEventType>[]
  /** The git repository the run worked in. */
  directory: string
}

export interface LoopRun extends LoopAttempt {
  result: AgentLoopResult
}

export type RunOptions = Partial<
  Pick<AgentLoopDeps, 'tools' | 'signal' | 'retry' | 'policy' | 'redactor'>
> & {
  budget?: Partial<RunBudget>
  history?: ModelMessage[]
  /** Stands in for a catalog entry with this context window. */
  contextWindow?: number
}

const withWindow = (model: ResolvedModel, contextWindow: number | undefined): ResolvedModel =>
  contextWindow === undefined
    ? model
    : {
        ...model,
        info: {
          ...(model.info ?? {
            id: model.id,
            provider: model.provider,
            model: model.model,
            name: model.model,
            pricing: null,
            images: null,
            tools: true,
            source: 'catalog',
          }),
          contextWindow,
          maxOutputTokens: 1024,
        },
      }

/**
 * The built-in agent's loop against the simulator (or another model server, such as a replayer),
 * over a real store and a fresh git repository per run. Models: `anthropic:…` (Messages protocol)
 * picks the first scenario; `sim:<scenario>` (Chat Completions) picks the scenario by name.
 */
export const startLoopHarness = async (models: ScenarioInput[] | { url: string }) => {
  const sim = Array.isArray(models) ? await startSimulator({ scenarios: models }) : undefined
  const url = sim?.url ?? (models as { url: string }).url
  const database = await createTestDatabase('sqlite')
  const store = await database.connect()
  const layer = createModelLayer({
    store,
    box: createSecretBox(randomBytes(32)),
    redactor: createRedactor(),
    env: {},
  })
  await layer.providers.change('anthropic', { baseUrl: url, apiKey: 'sk-sim-key-000000' })
  await layer.providers.change('sim', { baseUrl: `${url}/v1` })

  const attempt = async (modelId: string, options: RunOptions = {}): Promise<LoopAttempt> => {
    const directory = join(mkdtempSync(join(tmpdir(), 'cadre-loop-')), 'repo')
    execFileSync('git', ['init', '-q', directory])
    await using sandbox = await openDirectorySandbox(directory)
    const task = await addStoredTask(store)
    const bus = createMemoryEventBus()
    const live: EventInput<LiveEventType>[] = []
    const outcome = await runAgentLoop(
      {
        model: withWindow(await layer.models.resolve(modelId), options.contextWindow),
        tools: options.tools ?? builtinTools,
        sandbox,
        threadId: 'thr_main',
        system: 'You are a careful coding agent.',
        signal: options.signal ?? new AbortController().signal,
        budget: RunBudget.parse(options.budget ?? {}),
        retry: options.retry,
        policy: options.policy,
        redactor: options.redactor,
        record: async (events) =>
          void (await commitEvents({ store, bus }, (_session, emit) => emit(task.id, events))),
        live: (event) => live.push(event),
      },
      options.history ?? [{ role: 'user', content: 'go' }],
    ).then(
      (result) => ({ result }),
      (error: unknown) => ({ error: error as LoopAttempt['error'] }),
    )
    return {
      ...outcome,
      events: await store.events.list(task.id, { after: 0, limit: 10_000 }),
      live,
      directory,
    }
  }

  return {
    attempt,
    /** A run that must not throw. */
    async run(modelId: string, options: RunOptions = {}): Promise<LoopRun> {
      const { result, ...rest } = await attempt(modelId, options)
      if (!result) throw rest.error
      return { result, ...rest }
    },
    async [Symbol.asyncDispose]() {
      await sim?.close()
      await database[Symbol.asyncDispose]()
    },
  }
}
