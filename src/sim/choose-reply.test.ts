import { describe, expect, it } from 'vitest'
import { chooseReply } from './choose-reply.ts'
import { parseScenario } from './parse-scenario.ts'
import { anthropicMessages } from './protocols/anthropic-messages.ts'
import { gemini } from './protocols/gemini.ts'
import { openaiChat } from './protocols/openai-chat.ts'
import { openaiResponses } from './protocols/openai-responses.ts'
import type { SimReply } from './sim-reply.ts'

const claudeTools = ['Task', 'Bash', 'Glob', 'Read', 'Edit', 'TodoWrite', 'Write'].map((name) => ({
  name,
  input_schema: { type: 'object' },
}))

/** A request as Claude Code sends it: the environment block is a system message inside `messages`. */
const claudeRequest = (messages: unknown[], tools: unknown[] = claudeTools) =>
  anthropicMessages.parse(
    {
      model: 'claude-sonnet-5',
      max_tokens: 32_000,
      stream: true,
      system: [{ type: 'text', text: "You are Claude Code, Anthropic's official CLI for Claude." }],
      messages: [
        {
          role: 'system',
          content:
            'Here is useful information about the environment:\n<env>\nPrimary working directory: /srv/repo\n</env>',
        },
        ...messages,
      ],
      tools,
    },
    {},
  )

const toolUse = { type: 'tool_use', id: 'toolu_1', name: 'Write', input: { file_path: '/srv/repo/a' } }
const afterTool = (output: string, isError = false) => [
  { role: 'user', content: 'write a file' },
  { role: 'assistant', content: [toolUse] },
  {
    role: 'user',
    content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: output, is_error: isError }],
  },
]

const scenario = parseScenario(
  {
    name: 'matching',
    rules: [
      { when: { noTools: true, structuredOutput: true }, reply: [{ json: { title: 'From the rule' } }] },
      { when: { noTools: true }, reply: [{ text: 'A short title' }] },
      {
        when: { lastToolResult: { contains: '/EACCES|denied/' } },
        reply: [{ text: 'failed: {{lastToolResult}}' }],
      },
      { when: { lastToolResult: { isError: true } }, reply: [{ text: 'some error' }] },
      { when: { toolResult: 'any', turn: { min: 2 } }, reply: [{ text: 'second round done' }] },
      { when: { toolResult: 'last' }, reply: [{ text: 'done after {{turn}} turn(s)' }] },
      {
        when: { lastUserMessage: { contains: 'explain' }, protocol: 'anthropic' },
        reply: [{ text: 'explaining' }],
      },
      { when: { model: '/^gpt-/', toolResult: 'none' }, reply: [{ text: 'an OpenAI model' }] },
      {
        when: { toolResult: 'none', toolOffered: 'write' },
        reply: [
          { text: 'in {{cwd}}, asked "{{lastUserMessage}}"' },
          { toolCall: { tool: 'write', input: { file_path: '{{cwd}}/hello.txt', content: 'hi' } } },
          { toolCall: { tool: 'todo', input: { todos: [] } } },
          { toolCall: { tool: 'notebook', input: 'raw text' } },
        ],
      },
    ],
  },
  'test',
)

const messageOf = (reply: SimReply) => {
  if (reply.type !== 'message') throw new Error(`expected a message, got ${reply.type}`)
  return reply
}
const textOf = (reply: SimReply) =>
  messageOf(reply)
    .parts.map((part) => ('text' in part ? part.text : ''))
    .join('')

describe('choosing a reply from the request alone', () => {
  it('reads the cwd from a Claude Code system message and picks the offered tools by name', () => {
    const reply = messageOf(
      chooseReply(scenario, claudeRequest([{ role: 'user', content: 'please write hello' }])),
    )
    expect(reply.parts).toEqual([
      { type: 'text', text: 'in /srv/repo, asked "please write hello"' },
      // "write" is Write, not TodoWrite, which comes first but only contains it.
      {
        type: 'tool_call',
        name: 'Write',
        kind: 'function',
        input: '{"file_path":"/srv/repo/hello.txt","content":"hi"}',
      },
      { type: 'tool_call', name: 'TodoWrite', kind: 'function', input: '{"todos":[]}' },
      // Not offered: used as given; a string input to a function tool travels as {input}.
      { type: 'tool_call', name: 'notebook', kind: 'function', input: '{"input":"raw text"}' },
    ])
    expect(reply.finish).toBe('tool_use')
  })

  it('tells tool results apart: none, the last message, the last result contents, errors', () => {
    expect(textOf(chooseReply(scenario, claudeRequest(afterTool('wrote 3 bytes'))))).toBe(
      'done after 1 turn(s)',
    )
    expect(textOf(chooseReply(scenario, claudeRequest(afterTool('open: EACCES'))))).toBe(
      'failed: open: EACCES',
    )
    expect(textOf(chooseReply(scenario, claudeRequest(afterTool('no such file', true))))).toBe('some error')
    const twice = [...afterTool('ok'), { role: 'assistant', content: [toolUse] }, afterTool('ok')[2]]
    expect(textOf(chooseReply(scenario, claudeRequest(twice)))).toBe('second round done')
  })

  it('matches the last user message, protocol and model', () => {
    const explain = claudeRequest(
      [{ role: 'user', content: 'Please EXPLAIN this' }],
      [{ name: 'Read', input_schema: {} }],
    )
    expect(textOf(chooseReply(scenario, explain))).toBe('explaining')
    const chat = openaiChat.parse(
      { model: 'gpt-5.5', messages: [{ role: 'user', content: 'explain' }], tools: [] },
      {},
    )
    expect(textOf(chooseReply(scenario, { ...chat, tools: [{ name: 'x', kind: 'function' }] }))).toBe(
      'an OpenAI model',
    )
  })

  it('answers side calls without tools with short text, or JSON when a schema is asked for', () => {
    const title = claudeRequest([{ role: 'user', content: 'Summarise this conversation as a title' }], [])
    expect(textOf(chooseReply(scenario, title))).toBe('A short title')
    const structured = anthropicMessages.parse(
      {
        model: 'claude-haiku-4-5',
        messages: [{ role: 'user', content: 'title?' }],
        output_config: { format: { type: 'json_schema', schema: { type: 'object' } } },
      },
      {},
    )
    expect(JSON.parse(textOf(chooseReply(scenario, structured)))).toEqual({ title: 'From the rule' })
  })

  it('falls back to echoing the user, or to a minimal instance of the requested schema', () => {
    const echo = chooseReply(
      undefined,
      openaiResponses.parse({ model: 'gpt-5.5', input: 'hello   there\nfriend' }, {}),
    )
    expect(textOf(echo)).toBe('You said: hello there friend')
    const schema = {
      type: 'object',
      properties: {
        kind: { $ref: '#/$defs/kind' },
        count: { type: 'integer', minimum: 1 },
        when: { type: 'string', format: 'date-time' },
        note: { anyOf: [{ type: 'null' }, { type: 'string' }] },
        optional: { type: 'string' },
      },
      required: ['kind', 'count', 'when', 'note'],
      $defs: { kind: { enum: ['bug', 'feature'] } },
    }
    const structured = openaiResponses.parse(
      { model: 'gpt-5.5', input: 'classify', text: { format: { type: 'json_schema', name: 'c', schema } } },
      {},
    )
    expect(JSON.parse(textOf(chooseReply(undefined, structured)))).toEqual({
      kind: 'bug',
      count: 1,
      when: '1970-01-01T00:00:00Z',
      note: '',
    })
    const router = gemini.parse(
      {
        contents: [{ role: 'user', parts: [{ text: 'route' }] }],
        generationConfig: {
          responseMimeType: 'application/json',
          responseSchema: { type: 'OBJECT', properties: { model: { type: 'STRING' } }, required: ['model'] },
        },
      },
      { model: 'gemini-2.5-flash' },
    )
    expect(JSON.parse(textOf(chooseReply(undefined, router)))).toEqual({ model: '' })
  })

  it('reads each CLI’s way of stating its working directory', () => {
    const ask = (text: string) => ({ role: 'user', content: text })
    const codex = openaiResponses.parse(
      {
        model: 'gpt-5.5',
        input: [ask('<environment_context>\n  <cwd>/w/codex</cwd>\n</environment_context>'), ask('go')],
      },
      {},
    )
    const opencode = openaiChat.parse(
      {
        model: 'x',
        messages: [{ role: 'system', content: '<env>\n  Working directory: /w/opencode\n</env>' }, ask('go')],
      },
      {},
    )
    const geminiCli = gemini.parse(
      {
        contents: [
          { parts: [{ text: "I'm currently working in the directory: /w/gemini\n" }] },
          { parts: [{ text: 'go' }] },
        ],
      },
      { model: 'gemini-2.5-pro' },
    )
    const rule = parseScenario({ name: 'cwd', rules: [{ reply: [{ text: '{{cwd}}' }] }] }, 'cwd')
    expect([codex, opencode, geminiCli].map((request) => textOf(chooseReply(rule, request)))).toEqual([
      '/w/codex',
      '/w/opencode',
      '/w/gemini',
    ])
    const nowhere = openaiChat.parse({ model: 'x', messages: [ask('go')] }, {})
    expect(textOf(chooseReply(rule, nowhere))).toBe('.')
  })

  it('reports the scenario usage exactly, and estimates it otherwise', () => {
    const exact = parseScenario(
      {
        name: 'u',
        rules: [
          { reply: [{ text: 'hi' }], usage: { inputTokens: 10, cachedInputTokens: 4, outputTokens: 3 } },
        ],
      },
      'u',
    )
    const request = claudeRequest([{ role: 'user', content: 'x'.repeat(400) }], [])
    expect(messageOf(chooseReply(exact, request)).usage).toEqual({
      inputTokens: 10,
      outputTokens: 3,
      cachedInputTokens: 4,
      cacheWriteTokens: 0,
      reasoningTokens: 0,
    })
    const estimated = messageOf(chooseReply(undefined, request)).usage
    expect(estimated.inputTokens).toBeGreaterThan(100)
    expect(estimated.outputTokens).toBeGreaterThan(0)
  })

  it('keeps partial usage consistent: output holds the reasoning, input the cache (no negative counts)', () => {
    // Regression: `usage: { reasoningTokens: 500 }` alone gave Gemini `candidatesTokenCount: -499`.
    const request = claudeRequest([{ role: 'user', content: 'go' }], [])
    const partial = [
      { reasoningTokens: 500 },
      { reasoningTokens: 500, inputTokens: 3 },
      { cachedInputTokens: 900, cacheWriteTokens: 50 },
      { outputTokens: 2 },
      { inputTokens: 10, cachedInputTokens: 10 },
    ]
    const negative = (value: unknown): boolean =>
      typeof value === 'number'
        ? value < 0
        : value !== null && typeof value === 'object' && Object.values(value).some(negative)
    for (const usage of partial) {
      const rule = parseScenario(
        { name: 'u', rules: [{ reply: [{ reasoning: 'hmm' }, { text: 'hi' }], usage }] },
        'u',
      )
      const reply = messageOf(chooseReply(rule, request))
      const counted = reply.usage
      expect(counted.outputTokens, JSON.stringify(usage)).toBeGreaterThanOrEqual(counted.reasoningTokens)
      expect(counted.inputTokens).toBeGreaterThanOrEqual(counted.cachedInputTokens + counted.cacheWriteTokens)
      for (const wire of [anthropicMessages, openaiResponses, openaiChat, gemini]) {
        const encoded = [wire.json(reply, request), ...wire.stream(reply, request).map((frame) => frame.data)]
        const decoded = encoded.map((item) =>
          typeof item === 'string'
            ? JSON.parse(
                item
                  .slice(item.indexOf('data: ') + 6)
                  .trim()
                  .replace(/^\[DONE\]$/, 'null'),
              )
            : item,
        )
        expect(negative(decoded), `${wire.name} ${JSON.stringify(usage)}`).toBe(false)
      }
    }
    const reasoned = parseScenario(
      { name: 'r', rules: [{ reply: [{ text: 'hi' }], usage: { reasoningTokens: 500 } }] },
      'r',
    )
    expect(messageOf(chooseReply(reasoned, request)).usage).toMatchObject({
      reasoningTokens: 500,
      outputTokens: 501,
    })
  })
})
