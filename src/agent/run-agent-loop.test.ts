import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startLoopHarness } from '../../test/support/agent-loop-harness.ts'
import { createRedactor } from '../secrets/redactor.ts'
import type { ScenarioInput } from '../sim/scenario.ts'
import { conversationFromEvents } from './conversation-from-events.ts'
import { bashTool } from './tools/bash.ts'
import { editFileTool } from './tools/edit-file.ts'
import { readFileTool } from './tools/read-file.ts'
import { writeFileTool } from './tools/write-file.ts'

const tools = [readFileTool, writeFileTool, editFileTool, bashTool]

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
  {
    name: 'leaky',
    rules: [
      {
        when: { turn: 0 },
        reply: [
          { text: 'The deploy key is dk-live-7f3a9c1e5b2d8f4a6c0e, as the file says.' },
          { toolCall: { tool: 'bash', input: { command: 'echo key=dk-live-7f3a9c1e5b2d8f4a6c0e' } } },
        ],
      },
      { reply: [{ text: 'Done.' }] },
    ],
  },
  { name: 'forever', rules: [{ reply: [{ toolCall: { tool: 'bash', input: { command: 'sleep 3' } } }] }] },
]

describe('the agent loop against the simulator', () => {
  let harness: Awaited<ReturnType<typeof startLoopHarness>>
  beforeAll(async () => {
    harness = await startLoopHarness(scenarios)
  })
  afterAll(() => harness[Symbol.asyncDispose]())

  it.each(['anthropic:claude-sonnet-4-5', 'sim:edit-and-check'])(
    'reads, edits, runs a command and finishes, recording every step (%s)',
    async (model) => {
      const { result, events, live, directory } = await harness.run(model, { tools })
      expect(result).toMatchObject({ outcome: 'finished', steps: 4 })
      expect(readFileSync(join(directory, 'hello.txt'), 'utf8')).toBe('hello, world\n')

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
        'tool.process',
        'tool.finished:bash',
        'message.assistant',
        'step.finished',
      ])
      expect(events.map((e) => e.seq)).toEqual(events.map((_e, i) => i + 1))
      // Each call in the vocabulary every agent shares: what it does, the file, the command.
      expect(
        events.flatMap((e) =>
          e.type === 'tool.started' ? [[e.data.kind, e.data.paths ?? e.data.command]] : [],
        ),
      ).toEqual([
        ['file_edit', ['hello.txt']],
        ['file_read', ['hello.txt']],
        ['file_edit', ['hello.txt']],
        ['command', 'cat hello.txt'],
      ])
      const finished = events.filter((e) => e.type === 'tool.finished')
      expect(finished.map((e) => e.data.exitCode)).toEqual([undefined, undefined, undefined, 0])
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
      if (model.startsWith('anthropic:')) expect(result.costUsd).toBeGreaterThan(0)
      else expect(result.costUsd).toBeNull() // a model the catalog does not know
      // Anthropic caches where asked: from the second step on, what the step before sent is read
      // from the cache. (Chat Completions servers are sent the prompt unchanged.)
      const cached = steps.map((e) => e.data.usage.cachedTokens)
      if (model.startsWith('anthropic:')) {
        expect(cached[0]).toBe(0)
        expect(steps[0]?.data.usage.cacheWriteTokens).toBeGreaterThan(0)
        for (const [i, tokens] of cached.entries())
          if (i > 0) expect(tokens).toBeGreaterThan(inputTokens / steps.length / 2)
      } else expect(cached).toEqual([0, 0, 0, 0])

      const deltas = live.filter((e) => e.type === 'assistant.delta')
      expect(deltas.map((e) => ('text' in e.data ? e.data.text : '')).join('')).toBe(
        "I'll create the file, then read it.Done: hello.txt says hello, world.",
      )
      expect(deltas.length).toBeLessThan(10) // coalesced, not one per token
      expect(live.some((e) => e.type === 'tool.input_delta' && e.data.tool === 'edit_file')).toBe(true)
      expect(
        live
          .filter((e) => e.type === 'tool.output')
          .map((e) => ('text' in e.data ? e.data.text : ''))
          .join(''),
      ).toBe('hello, world\n')

      // The stored record is the conversation: rebuilt from it, the provider takes it and goes on.
      const rebuilt = conversationFromEvents(events, 'thr_main').messages
      expect(rebuilt.map((message) => message.role)).toEqual(
        result.messages.slice(1).map((message) => message.role),
      )
      const followUp = await harness.run(model, {
        tools,
        history: [{ role: 'user', content: 'go' }, ...rebuilt, { role: 'user', content: 'and now?' }],
      })
      expect(followUp.result).toMatchObject({ outcome: 'finished', steps: 1 })
    },
  )

  it('gives an unknown tool or bad input back to the model as an error, and goes on', async () => {
    const { result, events } = await harness.run('sim:mistakes', { tools })
    expect(result).toMatchObject({ outcome: 'finished', steps: 3 })
    const finished = events.filter((e) => e.type === 'tool.finished')
    expect(finished.map((e) => [e.data.isError, e.data.output])).toEqual([
      [true, 'there is no tool named launch_rockets; the tools are read_file, write_file, edit_file, bash'],
      [true, expect.stringMatching(/^invalid input for read_file: /)],
    ])
  })

  it('redacts a secret in streamed text and command output before it goes out live', async () => {
    const secret = 'dk-live-7f3a9c1e5b2d8f4a6c0e'
    const { result, live } = await harness.run('sim:leaky', { tools, redactor: createRedactor([secret]) })
    expect(result.outcome).toBe('finished')
    const joined = (type: string) =>
      live
        .filter((e) => e.type === type)
        .map((e) => ('text' in e.data ? e.data.text : ''))
        .join('')
    expect(joined('assistant.delta')).toBe('The deploy key is [redacted], as the file says.Done.')
    expect(joined('tool.output')).toBe('key=[redacted]\n')
    expect(JSON.stringify(live)).not.toContain('7f3a9c1e5b2d8f4a6c0e')
  })

  it('stops promptly when cancelled, ending the running command', async () => {
    const controller = new AbortController()
    setTimeout(() => controller.abort(), 300)
    const started = performance.now()
    const { result, events } = await harness.run('sim:forever', { tools, signal: controller.signal })
    expect(result).toMatchObject({ outcome: 'cancelled' })
    expect(performance.now() - started).toBeLessThan(2500)
    expect(events.at(-1)).toMatchObject({
      type: 'tool.finished',
      data: {
        output: expect.stringMatching(/^cancelled; the command and everything it started were stopped/),
      },
    })
  })
})
