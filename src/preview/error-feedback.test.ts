import { describe, expect, it } from 'vitest'
import type { EventInput } from '../core/events/registry.ts'
import { createErrorFeedback } from './error-feedback.ts'

const boom = {
  kind: 'error' as const,
  message: 'boom',
  source: 'http://127.0.0.1:5/src/App.tsx',
  line: 3,
  column: 9,
}
const wait = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms))

describe('errors from a preview, for the task and its agent', () => {
  it('are gathered for a moment, counted when repeated, stored, and told to the agent once', async () => {
    const recorded: EventInput<'preview.error'>[][] = []
    const told: string[] = []
    const feedback = createErrorFeedback({
      record: async (events) => {
        recorded.push(events)
      },
      tell: async (text) => {
        told.push(text)
      },
      batchMs: 50,
    })
    feedback.add({ page: 'http://127.0.0.1:5/', errors: [boom, boom] })
    feedback.add({
      errors: [{ kind: 'console', message: 'Warning: something', stack: 'Error\n    at App (App.tsx:4:1)' }],
    })
    await wait(120)
    expect(recorded).toHaveLength(1)
    expect(recorded[0]!.map((event) => [event.data.message, event.data.count])).toEqual([
      ['boom', 2],
      ['Warning: something', 1],
    ])
    expect(told).toHaveLength(1)
    expect(told[0]).toContain('shows 2 errors in the browser on http://127.0.0.1:5/')
    expect(told[0]).toContain('1. Uncaught error: boom (http://127.0.0.1:5/src/App.tsx:3:9) (2 times)')
    expect(told[0]).toContain('2. console.error: Warning: something\n     at App (App.tsx:4:1)')

    // The same error again soon: stored, but the agent is not told twice.
    feedback.add({ errors: [boom] })
    await wait(120)
    expect(recorded).toHaveLength(2)
    expect(told).toHaveLength(1)
    // What is held when the preview stops goes out at once.
    feedback.add({ errors: [{ kind: 'unhandledrejection', message: 'late' }] })
    await feedback.close()
    expect(recorded).toHaveLength(3)
    expect(told.at(-1)).toContain('Unhandled rejection: late')
  })

  it('are stored but not told when the project does not want its agent told', async () => {
    const recorded: unknown[] = []
    const feedback = createErrorFeedback({
      record: async (events) => {
        recorded.push(...events)
      },
      batchMs: 10,
    })
    feedback.add({ errors: [boom] })
    await feedback.close()
    expect(recorded).toHaveLength(1)
  })
})
