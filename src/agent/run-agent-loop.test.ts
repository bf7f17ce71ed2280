import { execFileSync } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { mkdtempSync, readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { addStoredTask, createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import type { EventInput, LiveEventType } from '../core/events/registry.ts'
import { commitEvents } from '../events/commit-events.ts'
import { createMemoryEventBus } from '../events/memory-event-bus.ts'
import { createModelLayer } from '../models/create-model-layer.ts'
import type { ResolvedModel } from '../models/model-client.ts'
import { openDirectorySandbox } from '../sandbox/directory-sandbox.ts'
import type { Sandbox } from '../sandbox/sandbox.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { createSecretBox } from '../secrets/secret-box.ts'
import type { ScenarioInput } from '../sim/scenario.ts'
import { startSimulator } from '../sim/start-simulator.ts'
import type { Store } from '../store/store.ts'
import { conversationFromEvents } from './conversation-from-events.ts'
import { type AgentLoopDeps, runAgentLoop } from './run-agent-loop.ts'
import { bashTool } from './tools/bash.ts'
import { editFileTool } from './tools/edit-file.ts'
import { readFileTool } from './tools/read-file.ts'
import { writeFileTool } from './tools/write-file.ts'

const scenarios: ScenarioInput[] = [
  {
    name: 'edit-and-check',
    rules: [
      {
        when: { turn: 0 },
        reply: [
          { text: "I'll create the file, then read it." },
          { toolCall: { tool: 'write_file', input: { path: 'hello.txt', content: 'hello\n' } } },
          { toolCall: { tool: 'read_file', input: { path: 'hello.txt' } } },
        ],
      },
      {
        when: { turn: 1 },
        reply: [
          {
            toolCall: {
              tool: 'edit_file',
              input: { path: 'hello.txt', edits: [{ old_text: 'hello', new_text: 'hello, world' }] },
            },
          },
        ],
      },
      { when: { turn: 2 }, reply: [{ toolCall: { tool: 'bash', input: { command: 'cat hello.txt' } } }] },
      {
        when: { lastToolResult: { contains: 'hello, world' } },
        reply: [{ text: 'Done: hello.txt says hello, world.' }],
      },
      { reply: [{ text: 'unexpected request' }] },
    ],
  },
  {
    name: 'mistakes',
    rules: [
      { when: { turn: 0 }, reply: [{ toolCall: { tool: 'launch_rockets', input: {} } }] },
      { when: { turn: 1 }, reply: [{ toolCall: { tool: 'read_file', input: { file: 'x' } } }] },
      { reply: [{ text: 'I give up: {{lastToolResult}}' }] },
    ],
  },
  { name: 'forever', rules: [{ reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 3' } } }] }] },
]

describe('the agent loop against the simulator', () => {
  let sim: Awaited<ReturnType<typeof startSimulator>>
  let database: TestDatabase
  let store: Store
  let sandbox: Sandbox
  let directory: string
  const models: Record<string, ResolvedModel> = {}

  beforeAll(async () => {
    sim = await startSimulator({ scenarios })
    database = await createTestDatabase('sqlite')
    store = await database.connect()
    const layer = createModelLayer({
      store,
      box: createSecretBox(randomBytes(32)),
      redactor: createRedactor(),
      env: {},
    })
    await layer.providers.change('anthropic', { baseUrl: sim.url, apiKey: 'sk-sim-key-000000' })
    await layer.providers.change('sim', { baseUrl: `${sim.url}/v1` })
    models.claude = await layer.models.resolve('anthropic:claude-sonnet-4-5')
    for (const name of ['edit-and-check', 'mistakes', 'forever'])
      models[name] = await layer.models.resolve(`sim:${name}`)
  })
  afterAll(async () => {
    await sim.close()
    await database[Symbol.asyncDispose]()
  })
  beforeEach(async () => {
    directory = join(mkdtempSync(join(tmpdir(), 'cadre-agent-')), 'repo')
    execFileSync('git', ['init', '-q', directory])
    sandbox = await openDirectorySandbox(directory)
  })

  /** A fresh task to record into, and the deps of a loop over it. */
  const setUp = async (model: ResolvedModel, signal = new AbortController().signal) => {
    const task = await addStoredTask(store, { model: model.id })
    const bus = createMemoryEventBus()
    const live: EventInput<LiveEventType>[] = []
    const deps: AgentLoopDeps = {
      model,
      tools: [readFileTool, writeFileTool, editFileTool, bashTool],
      sandbox,
      threadId: 'thr_main',
      system: 'You are a careful coding agent.',
      signal,
      maxSteps: 10,
      record: async (events) =>
        void (await commitEvents({ store, bus }, (_session, emit) => emit(task.id, events))),
      live: (event) => live.push(event),
    }
    const stored = async () => await store.events.list(task.id, { after: 0, limit: 1000 })
    return { deps, live, stored }
  }

  it.each(['claude', 'edit-and-check'])(
    'reads, edits, runs a command and finishes, recording every step (%s)',
    async (name) => {
      const { deps, live, stored } = await setUp(models[name]!)
      const result = await runAgentLoop(deps, [
        { role: 'user', content: 'Create hello.txt saying hello, world' },
      ])
      expect(result).toMatchObject({ outcome: 'finished', steps: 4 })
      expect(readFileSync(join(directory, 'hello.txt'), 'utf8')).toBe('hello, world\n')

      const events = await stored()
      expect(
        events.map((e) =>
          e.type === 'tool.started' || e.type === 'tool.finished' ? `${e.type}:${e.data.tool}` : e.type,
        ),
      ).toEqual([
        'message.assistant',
        'step.finished',
        'tool.started:write_file',
        'tool.finished:write_file',
        'tool.started:read_file',
        'tool.finished:read_file',
        'message.assistant',
        'step.finished',
        'tool.started:edit_file',
        'tool.finished:edit_file',
        'message.assistant',
        'step.finished',
        'tool.started:bash',
        'tool.finished:bash',
        'message.assistant',
        'step.finished',
      ])
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1))
      const finished = events.filter((e) => e.type === 'tool.finished')
      expect(finished.map((e) => [e.data.isError, e.data.output])).toEqual([
        [false, 'wrote hello.txt (1 lines, 6 bytes)'],
        [false, '1\thello'],
        [false, 'edited hello.txt (1 edit)'],
        [false, 'exit code 0\nhello, world'],
      ])
      expect(events.at(-2)).toMatchObject({
        type: 'message.assistant',
        data: { text: 'Done: hello.txt says hello, world.', toolCalls: [] },
      })

      const steps = events.filter((e) => e.type === 'step.finished')
      const inputTokens = steps.reduce((sum, e) => sum + e.data.usage.inputTokens, 0)
      expect(result.usage.inputTokens).toBe(inputTokens)
      expect(inputTokens).toBeGreaterThan(0)
      if (name === 'claude') expect(result.costUsd).toBeGreaterThan(0)
      else expect(result.costUsd).toBeNull() // a model the catalog does not know

      const text = live
        .filter((e) => e.type === 'assistant.delta')
        .map((e) => e.data.text)
        .join('')
      expect(text).toBe("I'll create the file, then read it.Done: hello.txt says hello, world.")
      expect(live.filter((e) => e.type === 'assistant.delta').length).toBeLessThan(10) // coalesced, not one per token
      expect(live.some((e) => e.type === 'tool.input_delta' && e.data.tool === 'edit_file')).toBe(true)
      expect(
        live
          .filter((e) => e.type === 'tool.output')
          .map((e) => e.data.text)
          .join(''),
      ).toBe('hello, world\n')

      // The stored record is the conversation: rebuilt from it, the provider takes it and goes on.
      const rebuilt = conversationFromEvents(events, 'thr_main')
      expect(rebuilt.map((message) => message.role)).toEqual(
        result.messages.slice(1).map((message) => message.role),
      )
      const followUp = [
        { role: 'user' as const, content: 'Create hello.txt saying hello, world' },
        ...rebuilt,
        { role: 'user' as const, content: 'and now?' },
      ]
      expect(await runAgentLoop(deps, followUp)).toMatchObject({ outcome: 'finished', steps: 1 })
    },
  )

  it('gives an unknown tool or bad input back to the model as an error, and goes on', async () => {
    const { deps, stored } = await setUp(models.mistakes!)
    const result = await runAgentLoop(deps, [{ role: 'user', content: 'go' }])
    expect(result).toMatchObject({ outcome: 'finished', steps: 3 })
    const finished = (await stored()).filter((e) => e.type === 'tool.finished')
    expect(finished.map((e) => [e.data.isError, e.data.output])).toEqual([
      [true, 'there is no tool named launch_rockets; the tools are read_file, write_file, edit_file, bash'],
      [true, expect.stringMatching(/^invalid input for read_file: /)],
    ])
  })

  it('stops at the step limit, and promptly when cancelled, ending the running command', async () => {
    const limited = await setUp(models.forever!)
    const result = await runAgentLoop(
      {
        ...limited.deps,
        maxSteps: 1,
        tools: [{ ...bashTool, execute: async () => ({ output: 'ok', isError: false }) }],
      },
      [{ role: 'user', content: 'go' }],
    )
    expect(result).toMatchObject({ outcome: 'max_steps', steps: 1 })

    const controller = new AbortController()
    const cancelled = await setUp(models.forever!, controller.signal)
    setTimeout(() => controller.abort(), 300)
    const started = performance.now()
    expect(await runAgentLoop(cancelled.deps, [{ role: 'user', content: 'go' }])).toMatchObject({
      outcome: 'cancelled',
    })
    expect(performance.now() - started).toBeLessThan(2500)
    const last = (await cancelled.stored()).at(-1)
    expect(last).toMatchObject({
      type: 'tool.finished',
      data: { output: 'cancelled; the command and everything it started were stopped' },
    })
  })
})
