import { z } from 'zod'
import { CadreError } from './errors.ts'

export const taskStatuses = [
  'backlog',
  'queued',
  'running',
  'needs_input',
  'review',
  'done',
  'failed',
  'cancelled',
] as const
export const TaskStatus = z.enum(taskStatuses)
export type TaskStatus = z.infer<typeof TaskStatus>

/**
 * What can happen to a task. Each action names the transition, so callers say what happened
 * ("a run started") rather than which status they want, and the machine decides if it may.
 */
export const taskActions = [
  'enqueue',
  'start_run',
  'ask',
  'answer',
  'finish_with_changes',
  'finish',
  'accept',
  'fail',
  'cancel',
  'follow_up',
  'resume',
  'conflict',
  'discard',
  'children_changed',
] as const
export type TaskAction = (typeof taskActions)[number]

/**
 * The actions of the machine below. `children_changed` is not one: it is how a comparison's status
 * follows its children's (see comparison.ts), which no transition of a task's own decides.
 */
export type TransitionAction = Exclude<TaskAction, 'children_changed'>

const active: readonly TaskStatus[] = ['backlog', 'queued', 'running', 'needs_input', 'review']

const transitions: Record<TransitionAction, { from: readonly TaskStatus[]; to: TaskStatus }> = {
  enqueue: { from: ['backlog'], to: 'queued' },
  start_run: { from: ['queued'], to: 'running' },
  ask: { from: ['running'], to: 'needs_input' },
  answer: { from: ['needs_input'], to: 'running' },
  finish_with_changes: { from: ['running'], to: 'review' },
  finish: { from: ['running'], to: 'done' },
  accept: { from: ['review'], to: 'done' },
  fail: { from: active, to: 'failed' },
  cancel: { from: active, to: 'cancelled' },
  follow_up: { from: ['failed', 'cancelled', 'review', 'done', 'needs_input'], to: 'queued' },
  resume: { from: ['needs_input'], to: 'queued' },
  conflict: { from: ['review', 'done', 'failed'], to: 'needs_input' },
  discard: { from: ['backlog', 'needs_input', 'review', 'done', 'failed', 'cancelled'], to: 'cancelled' },
}

/** The status a task moves to when `action` happens in `from`, or undefined when it may not. */
export const nextTaskStatus = (from: TaskStatus, action: TransitionAction): TaskStatus | undefined => {
  const rule = transitions[action]
  return rule.from.includes(from) ? rule.to : undefined
}

/** Like nextTaskStatus, but refuses an invalid transition with a 409 that says what was tried. */
export const requireTaskTransition = (from: TaskStatus, action: TransitionAction): TaskStatus => {
  const to = nextTaskStatus(from, action)
  if (to === undefined) {
    const allowed = transitions[action].from.join(', ')
    throw new CadreError(
      'invalid_transition',
      `cannot ${action.replaceAll('_', ' ')} a task that is ${from} (only from: ${allowed})`,
      { details: { from, action } },
    )
  }
  return to
}
