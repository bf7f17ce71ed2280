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
    setStatus: (id, from, to, reason) =>
      session.tasks.setStatus(id, from, to, reason && redactor.redact(reason)),
  },
  features: {
    ...session.features,
    create: (features) => session.features.create(features.map((feature) => redactor.redactValue(feature))),
    update: (id, change) => session.features.update(id, redactor.redactValue(change)),
    putSpec: (projectId, text) => session.features.putSpec(projectId, redactor.redact(text)),
  },
  webhooks: {
    ...session.webhooks,
    enqueue: (deliveries) =>
      session.webhooks.enqueue(
        deliveries.map((delivery) => ({ ...delivery, payload: redactor.redactValue(delivery.payload) })),
      ),
  },
  threads: {
    ...session.threads,
    create: (thread) => session.threads.create({ ...thread, title: redactor.redact(thread.title) }),
  },
  runs: {
    ...session.runs,
    update: (id, change) =>
      session.runs.update(
        id,
        change.outcome ? { ...change, outcome: redactor.redact(change.outcome) } : change,
      ),
  },
})

/**
 * The store with every secret the redactor knows removed from the free text that enters the task
 * record — event payloads, task prompts and titles, status reasons, thread titles, run outcomes — on
 * the one path all writes take, inside transactions too.
 */
export const redactingStore = (store: Store, redactor: Redactor): Store => ({
  ...store,
  ...redactSession(store, redactor),
  transaction: (work) => store.transaction((session) => work(redactSession(session, redactor))),
})
