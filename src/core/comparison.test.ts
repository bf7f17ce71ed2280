import { describe, expect, it } from 'vitest'
import { comparisonStatus } from './comparison.ts'
import type { TaskStatus } from './task-status.ts'

describe("a comparison's status", () => {
  it.each<[TaskStatus[], TaskStatus]>([
    [['queued', 'queued', 'queued'], 'running'],
    [['review', 'queued', 'failed'], 'running'],
    [['review', 'running', 'needs_input'], 'running'],
    [['review', 'needs_input', 'done'], 'needs_input'],
    [['review', 'done', 'failed'], 'review'],
    [['backlog', 'backlog'], 'backlog'],
    [['done', 'failed', 'cancelled'], 'done'],
    [['failed', 'cancelled'], 'failed'],
    [['cancelled', 'cancelled'], 'cancelled'],
  ])('follows children %j: %s', (children, status) => {
    expect(comparisonStatus('running', children)).toBe(status)
  })

  it('is never queued, so the scheduler never claims it', () => {
    const statuses: TaskStatus[] = ['backlog', 'queued', 'running', 'needs_input', 'review', 'done', 'failed']
    for (const a of statuses)
      for (const b of statuses) expect(comparisonStatus('review', [a, b])).not.toBe('queued')
  })

  it('stays cancelled once cancelled, whatever its children do next', () => {
    expect(comparisonStatus('cancelled', ['running', 'review'])).toBe('cancelled')
  })
})
