import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { translateCodexEvent } from './translate-codex-event.ts'

// Printed by codex-cli 0.169.0 (`codex exec --json`) running against Cadre's simulator.
const lines = readFileSync(join(import.meta.dirname, '__fixtures__', 'exec-json.jsonl'), 'utf8')
  .trim()
  .split('\n')
  .map((line) => JSON.parse(line) as unknown)

describe('codex exec --json in Cadre vocabulary', () => {
  it('turns a real session into a session id, text, tool calls with their kinds, and usage', () => {
    const actions = lines.flatMap((line) => translateCodexEvent(line, '/tmp/codex-repo-zBhaJk'))
    expect(actions).toEqual([
      { type: 'session', sessionId: '01a2092e-c191-7b51-ac0d-befa97f7dd73' },
      { type: 'reasoning', text: 'Think first.' },
      { type: 'text', text: 'Writing.' },
      {
        type: 'tool',
        callId: 'item_2',
        tool: 'exec_command',
        kind: 'command',
        status: 'running',
        command: "/bin/bash -lc 'echo hi > out.txt && cat out.txt && false'",
      },
      {
        type: 'tool',
        callId: 'item_2',
        tool: 'exec_command',
        kind: 'command',
        status: 'error',
        command: "/bin/bash -lc 'echo hi > out.txt && cat out.txt && false'",
        exitCode: 1,
        output: 'hi\n',
      },
      {
        type: 'tool',
        callId: 'item_3',
        tool: 'apply_patch',
        kind: 'file_edit',
        status: 'running',
        paths: ['notes.md'],
      },
      {
        type: 'tool',
        callId: 'item_3',
        tool: 'apply_patch',
        kind: 'file_edit',
        status: 'completed',
        paths: ['notes.md'],
      },
      { type: 'text', text: 'Done.' },
      {
        type: 'usage',
        usage: {
          inputTokens: 24098,
          outputTokens: 41,
          cachedTokens: 0,
          cacheWriteTokens: 0,
          reasoningTokens: 3,
        },
        costUsd: null,
      },
    ])
  })

  it('keeps a line of a shape it does not know as `other`, whole, and reports failures as errors', () => {
    const unknown = { type: 'item.completed', item: { id: 'item_9', type: 'hologram', beam: 3 } }
    expect(translateCodexEvent(unknown, '/w')).toEqual([{ type: 'other', raw: unknown }])
    expect(translateCodexEvent('not even an object', '/w')).toEqual([
      { type: 'other', raw: 'not even an object' },
    ])
    expect(
      translateCodexEvent({ type: 'turn.failed', error: { message: 'stream disconnected' } }, '/w'),
    ).toEqual([{ type: 'error', message: 'stream disconnected' }])

    // Retrying a model call that failed for a moment, as Codex 0.169.0 says it (a 429 here).
    const retrying = {
      type: 'error',
      message:
        'Reconnecting... 1/5 (exceeded retry limit, last status: 429 Too Many Requests, request id: req_A3KXAPOWF9RSCxvmkCb4tBWR)',
    }
    expect(translateCodexEvent(retrying, '/w')).toEqual([{ type: 'other', raw: retrying }])
    expect(translateCodexEvent({ type: 'error', message: 'unexpected status 401' }, '/w')).toEqual([
      { type: 'error', message: 'unexpected status 401' },
    ])

    // A notice it carries on after is kept, not a failure of the run.
    const notice = { id: 'item_0', type: 'error', message: 'Model metadata for `m` not found.' }
    expect(translateCodexEvent({ type: 'item.completed', item: notice }, '/w')).toEqual([
      { type: 'other', raw: notice },
    ])
  })

  it('reports an MCP tool call with its server, and what it answered', () => {
    // Printed by Codex 0.169.0 calling the test probe server's tool.
    const item = {
      id: 'item_1',
      type: 'mcp_tool_call',
      server: 'probe',
      tool: 'cadre_probe_echo',
      arguments: { text: 'ping' },
      result: { content: [{ type: 'text', text: 'pong: ping' }], structured_content: null },
      error: null,
      status: 'completed',
    }
    expect(translateCodexEvent({ type: 'item.completed', item }, '/w')).toEqual([
      {
        type: 'tool',
        callId: 'item_1',
        tool: 'probe.cadre_probe_echo',
        kind: 'mcp',
        status: 'completed',
        output: 'pong: ping',
      },
    ])
  })
})
