// The API's shapes, derived from the server's own schemas (types only: nothing of the server is bundled).
import type { z } from 'zod'
import type { Build, BuildProgress } from '../../../src/core/builds.ts'
import type { Project, Task } from '../../../src/core/entities.ts'
import type { CadreEvent, StoredEvent } from '../../../src/core/events/registry.ts'
import type { Feature } from '../../../src/core/features.ts'
import type {
  EventPage as EventPageSchema,
  TaskDetail as TaskDetailSchema,
  WorkspaceDiff as WorkspaceDiffSchema,
} from '../../../src/server/api-schemas.ts'
import type { StreamMessage, StreamRequest } from '../../../src/server/stream-protocol.ts'
import type { TaskComparison as TaskComparisonSchema } from '../../../src/tasks/task-comparison.ts'

export type {
  Build,
  BuildProgress,
  CadreEvent,
  Feature,
  Project,
  StoredEvent,
  StreamMessage,
  StreamRequest,
  Task,
}

/** A build as `GET /api/builds/:id` shows it. */
export type BuildView = Build & {
  progress: BuildProgress
  agents: { taskId: string; featureId: string | null; featureName: string; status: Task['status'] }[]
}
export type TaskDetail = z.infer<typeof TaskDetailSchema>
// The registry gives stored events their precise type; the page schema only their wire form.
export type EventPage = Omit<z.infer<typeof EventPageSchema>, 'events'> & { events: StoredEvent[] }
export type WorkspaceDiff = z.infer<typeof WorkspaceDiffSchema>
export type TaskComparison = z.infer<typeof TaskComparisonSchema>
