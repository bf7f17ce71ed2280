import type { Kysely } from 'kysely'
import type { Database } from './database.ts'
import { createBuildRepo } from './repos/build-repo.ts'
import { createConnectorRepo } from './repos/connector-repo.ts'
import { createEventRepo } from './repos/event-repo.ts'
import { createFeatureRepo } from './repos/feature-repo.ts'
import { createProjectRepo } from './repos/project-repo.ts'
import { createProviderRepo } from './repos/provider-repo.ts'
import { createRunRepo } from './repos/run-repo.ts'
import { createSettingsRepo } from './repos/settings-repo.ts'
import { createTaskRepo } from './repos/task-repo.ts'
import { createThreadRepo } from './repos/thread-repo.ts'
import { createWebhookRepo } from './repos/webhook-repo.ts'
import { runTransaction, type SessionContext } from './session-context.ts'
import type { Store, StoreEngine, StoreSession } from './store.ts'

const createSession = (context: SessionContext): StoreSession => ({
  projects: createProjectRepo(context),
  tasks: createTaskRepo(context),
  threads: createThreadRepo(context),
  runs: createRunRepo(context),
  events: createEventRepo(context),
  settings: createSettingsRepo(context),
  providers: createProviderRepo(context),
  webhooks: createWebhookRepo(context),
  features: createFeatureRepo(context),
  connectors: createConnectorRepo(context),
  builds: createBuildRepo(context),
})

/** The Store on a migrated Kysely database; the engine only changes how transactions begin. */
export const createKyselyStore = (db: Kysely<Database>, engine: StoreEngine): Store => {
  const transaction = <T>(work: (session: StoreSession) => Promise<T>) =>
    runTransaction(db, engine, (tx) =>
      work(createSession({ db: tx, engine, atomically: (inner) => inner(tx) })),
    )
  let closed: Promise<void> | undefined
  const close = () => {
    closed ??= db.destroy()
    return closed
  }
  return {
    engine,
    ...createSession({ db, engine, atomically: (work) => runTransaction(db, engine, work) }),
    transaction,
    close,
    [Symbol.asyncDispose]: close,
  }
}
