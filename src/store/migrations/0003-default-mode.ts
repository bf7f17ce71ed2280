import { type Kysely, sql } from 'kysely'

// The mode that asks where the policy says ask was named "ask"; it is now "default", the name users
// of other agents know. Stored tasks, project settings and task.created events are renamed. (In JSON
// as Cadre writes it, `"mode":"ask"` cannot occur inside a string value: its quotes would be escaped.)
export const up = async (db: Kysely<unknown>): Promise<void> => {
  await sql`update tasks set mode = 'default' where mode = 'ask'`.execute(db)
  await sql`update projects set settings = replace(settings, '"defaultMode":"ask"', '"defaultMode":"default"')`.execute(
    db,
  )
  await sql`update events set data = replace(data, '"mode":"ask"', '"mode":"default"') where type = 'task.created'`.execute(
    db,
  )
}
