import { describe, expect, it } from 'vitest'
import { CadreError } from './errors.ts'
import {
  nextTaskStatus,
  requireTaskTransition,
  type TaskStatus,
  type TransitionAction,
  taskActions,
  taskStatuses,
} from './task-status.ts'

describe('the task state machine', () => {
  it.each<[TaskStatus, TransitionAction, TaskStatus]>([
    ['backlog', 'enqueue', 'queued'],
    ['queued', 'start_run', 'running'],
    ['running', 'ask', 'needs_input'],
    ['needs_input', 'answer', 'running'],
    ['running', 'finish_with_changes', 'review'],
    ['running', 'finish', 'done'],
    ['review', 'accept', 'done'],
    ['running', 'fail', 'failed'],
    ['queued', 'cancel', 'cancelled'],
    ['needs_input', 'cancel', 'cancelled'],
    ['failed', 'follow_up', 'queued'],
    ['cancelled', 'follow_up', 'queued'],
    ['review', 'follow_up', 'queued'],
    ['done', 'follow_up', 'queued'],
    ['needs_input', 'resume', 'queued'],
    ['needs_input', 'follow_up', 'queued'],
    ['review', 'conflict', 'needs_input'],
    ['review', 'discard', 'cancelled'],
    ['done', 'discard', 'cancelled'],
  ])('%s --%s--> %s', (from, action, to) => {
    expect(nextTaskStatus(from, action)).toBe(to)
  })

  it('allows exactly the documented transitions and nothing else', () => {
    const allowed = taskStatuses.flatMap((from) =>
      taskActions.flatMap((action) => {
        if (action === 'children_changed') return []
        const to = nextTaskStatus(from, action)
        return to ? [`${from} ${action} ${to}`] : []
      }),
    )
    expect(allowed).toHaveLength(32)
    expect(allowed).not.toContain('running discard cancelled') // an agent is working in it
    expect(allowed).not.toContain('queued conflict needs_input')
    expect(allowed).not.toContain('done cancel cancelled')
    expect(allowed).not.toContain('backlog start_run running')
    expect(allowed).not.toContain('queued follow_up queued')
  })

  it('refuses an invalid transition with a 409 that says what was tried', () => {
    const error = (() => {
      try {
        requireTaskTransition('done', 'cancel')
      } catch (caught) {
        return caught
      }
    })()
    expect(error).toBeInstanceOf(CadreError)
    expect(error).toMatchObject({ code: 'invalid_transition', status: 409 })
    expect((error as Error).message).toBe(
      'cannot cancel a task that is done (only from: backlog, queued, running, needs_input, review)',
    )
  })
})
