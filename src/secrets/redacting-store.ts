import type { EventInput } from '../core/events/registry.ts'
import type { Store, StoreSession } from '../store/store.ts'
import type { Redactor } from './redactor.ts'

const redactSession = (session: StoreSession, redactor: Redactor): StoreSession => ({
  ...session,
  events: {
    ...session.events,
    append: (taskId, events) =>
      session.events.append(
        taskId,
        events.map((event) => ({ ...event, data: redactor.redactValue(event.data) }) as EventInput),
      ),
  },
  tasks: {
    ...session.tasks,
    create: (task) =>
      session.tasks.create({
        ...task,
        title: redactor.redact(task.title),
        prompt: redactor.redact(task.prompt),
      }),
  },
})

/**
 * The store with every secret the redactor knows removed from what enters the task record — events
 * and task prompts — on the one path all writes take, inside transactions too.
 */
export const redactingStore = (store: Store, redactor: Redactor): Store => ({
  ...store,
  ...redactSession(store, redactor),
  transaction: (work) => store.transaction((session) => work(redactSession(session, redactor))),
})
