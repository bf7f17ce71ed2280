import { z } from 'zod'
import { BuildProgress } from '../builds.ts'
import { TaskStatus } from '../task-status.ts'
import { defineEvent } from './define-event.ts'

/** An autonomous build, on its project's stream (taskId empty): the builds table is its record. */
export const buildEventDefinitions = [
  defineEvent('build.progress', BuildProgress, {
    durable: false,
    description: "A build's status or its share of passing features changed (also sent to webhooks).",
  }),
  defineEvent(
    'agent.status',
    z.object({
      buildId: z.string(),
      taskId: z.string(),
      featureId: z.string().nullable().describe('null for the run that writes the feature list'),
      featureName: z.string(),
      status: TaskStatus.describe("its task's status"),
    }),
    { durable: false, description: 'An agent of a build started, finished or changed what it waits for.' },
  ),
] as const
