import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import type { EventInput } from '../core/events/registry.ts'
import { openDirectorySandbox } from '../sandbox/directory-sandbox.ts'
import { createDeltaCoalescer } from './delta-coalescer.ts'
import { runToolCalls } from './run-tool-calls.ts'
import { bashTool } from './tools/bash.ts'

describe('running tool calls', () => {
  const unhandled: unknown[] = []
  const collect = (reason: unknown) => unhandled.push(reason)
  process.on('unhandledRejection', collect)
  afterEach(() => {
    unhandled.length = 0
  })

  it("fails the call with the store's error when its process cannot be recorded, leaving no rejection unhandled (regression: a full disk ended the server)", async () => {
    const sandbox = await openDirectorySandbox(mkdtempSync(join(tmpdir(), 'cadre-tool-calls-')))
    const diskFull = Object.assign(new Error('database or disk is full'), { code: 'SQLITE_FULL' })
    const recorded: string[] = []
    const record = async (events: readonly EventInput[]) => {
      if (events.some((event) => event.type === 'tool.process')) throw diskFull
      recorded.push(...events.map((event) => event.type))
    }
    const calls = runToolCalls(
      {
        tools: new Map([['bash', bashTool]]),
        sandbox,
        threadId: 'thr_1',
        signal: new AbortController().signal,
        deltas: createDeltaCoalescer(() => {}),
        record,
        decide: () => ({ run: true }),
      },
      [{ callId: 'call_1', tool: 'bash', input: { command: 'sleep 0.5; echo done' } }],
    )
    await expect(calls).rejects.toBe(diskFull)
    // The process was running well after its record failed: a rejection left alone would be seen.
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(unhandled).toEqual([])
    expect(recorded).toEqual(['tool.started'])
    process.off('unhandledRejection', collect)
  })
})
