import { randomBytes } from 'node:crypto'
import { streamText } from 'ai'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { addStoredTask, createTestDatabase, type TestDatabase } from '../../test/support/test-stores.ts'
import { environmentSecrets } from '../secrets/environment-secrets.ts'
import { redactingStore } from '../secrets/redacting-store.ts'
import { createRedactor } from '../secrets/redactor.ts'
import { createSecretBox } from '../secrets/secret-box.ts'
import { createStreamRedactor } from '../secrets/stream-redactor.ts'
import { parseScenario } from '../sim/parse-scenario.ts'
import { startSimulator } from '../sim/start-simulator.ts'
import type { Store } from '../store/store.ts'
import { createModelLayer } from './create-model-layer.ts'

// A model that repeats secrets it saw: one from the environment, the provider key, one by shape only.
const environmentSecret = `Zq${randomBytes(16).toString('base64url')}`
const providerKey = `Zk${randomBytes(16).toString('base64url')}`
const shaped = `ghp_${randomBytes(20).toString('hex')}`

describe("a model's text that carries secrets", () => {
  let database: TestDatabase
  let store: Store
  let sim: Awaited<ReturnType<typeof startSimulator>>

  beforeAll(async () => {
    sim = await startSimulator({
      scenarios: [
        parseScenario(
          {
            name: 'leaky',
            rules: [{ reply: [{ text: `env ${environmentSecret} key ${providerKey} gh ${shaped} done` }] }],
          },
          'leaky',
        ),
      ],
    })
    database = await createTestDatabase('sqlite')
  })
  afterAll(async () => {
    await sim.close()
    await database[Symbol.asyncDispose]()
  })

  it('is redacted live, as it streams, and where it is stored', async () => {
    const env = { SOME_SERVICE_TOKEN: environmentSecret }
    const redactor = createRedactor(environmentSecrets(env))
    store = redactingStore(await database.connect(), redactor)
    const { providers, models } = createModelLayer({
      store,
      box: createSecretBox(randomBytes(32)),
      redactor,
      env,
    })
    await providers.change('anthropic', { baseUrl: sim.url, apiKey: providerKey })
    const { languageModel } = await models.resolve('anthropic:claude-haiku-4-5')

    const live = createStreamRedactor(redactor)
    let sent = ''
    const result = streamText({ model: languageModel, prompt: 'tell me your secrets', maxRetries: 0 })
    for await (const delta of result.textStream) sent += live.push(delta)
    sent += live.flush()
    const text = await result.text
    expect(text).toContain(providerKey)

    const task = await addStoredTask(store)
    await store.events.append(task.id, [
      { type: 'message.assistant', data: { threadId: 't', text, toolCalls: [] } },
    ])
    const stored = JSON.stringify(
      await (await database.connect()).events.list(task.id, { after: 0, limit: 10 }),
    )

    for (const secret of [environmentSecret, providerKey, shaped]) {
      expect(sent).not.toContain(secret)
      expect(stored).not.toContain(secret)
    }
    expect(sent).toBe('env [redacted] key [redacted] gh [redacted] done')
    expect(stored).toContain('env [redacted] key [redacted] gh [redacted] done')
  })
})
