import { fork } from 'node:child_process'
import { join } from 'node:path'
import type { ScenarioInput } from '../../src/sim/scenario.ts'

/** One request a client sent to the model. */
export interface ModelExchange {
  /** When it arrived (ms since the epoch). */
  at: number
  method: string
  path: string
  headers: Record<string, string>
  /** The size of its body: what the client sent the model. */
  bytes: number
  /** The body itself (empty when taken without bodies). */
  body: string
}

export interface ModelServer {
  /** Where clients send their model requests (the counting front, which forwards to the simulator). */
  url: string
  pid: number
  /** The requests received since the last call, oldest first. */
  take(options?: { bodies?: boolean }): Promise<ModelExchange[]>
  /** Sends the same requests again, one after the other, each reply read to its end: the floor. */
  replay(exchanges: readonly ModelExchange[]): Promise<void>
  close(): Promise<void>
}

/**
 * Cadre's model simulator with these scenarios, in a child process, behind a front that counts the
 * bytes of every request (bench/support/counting-simulator.ts).
 */
export const startModelServer = async (scenarios: readonly ScenarioInput[]): Promise<ModelServer> => {
  const child = fork(join(import.meta.dirname, 'counting-simulator.ts'), { stdio: 'inherit' })
  const replies = new Map<number, (exchanges: ModelExchange[]) => void>()
  let counter = 0
  const ready = new Promise<string>((resolve) =>
    child.once('message', (m: { url: string }) => resolve(m.url)),
  )
  child.send({ scenarios })
  const url = await ready
  child.on('message', (message: { take?: number; exchanges?: ModelExchange[] }) => {
    if (message.take !== undefined) replies.get(message.take)?.(message.exchanges ?? [])
  })
  return {
    url,
    pid: child.pid!,
    take: ({ bodies = false } = {}) =>
      new Promise((resolve) => {
        const take = counter++
        replies.set(take, resolve)
        child.send({ take, bodies })
      }),
    async replay(exchanges) {
      for (const exchange of exchanges) {
        const response = await fetch(`${url}${exchange.path}`, {
          method: exchange.method,
          headers: exchange.headers,
          body: exchange.method === 'GET' ? undefined : exchange.body,
        })
        await response.arrayBuffer()
      }
    },
    async close() {
      const exited = new Promise((resolve) => child.once('exit', resolve))
      child.disconnect()
      await exited
    },
  }
}
