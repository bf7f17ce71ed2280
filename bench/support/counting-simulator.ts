// The model simulator behind a front that counts (and keeps) every request body, in a process of
// its own so that the simulator's CPU time is never counted as an agent's. Started and driven over
// IPC by startModelServer (model-server.ts); not run by hand.
import { Agent, createServer, request } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ScenarioInput } from '../../src/sim/scenario.ts'
import { startSimulator } from '../../src/sim/start-simulator.ts'
import type { ModelExchange } from './model-server.ts'

// Hop-by-hop headers, which a replay must not copy.
const hopHeaders = new Set(['host', 'connection', 'content-length', 'transfer-encoding', 'keep-alive'])

const started = new Promise<ScenarioInput[]>((resolve) =>
  process.once('message', (message: { scenarios: ScenarioInput[] }) => resolve(message.scenarios)),
)
const sim = await startSimulator({ scenarios: await started })
const target = new URL(sim.url)
const agent = new Agent({ keepAlive: true, maxSockets: 2000 })
let exchanges: ModelExchange[] = []

const front = createServer((incoming, outgoing) => {
  const chunks: Buffer[] = []
  incoming.on('data', (chunk: Buffer) => chunks.push(chunk))
  incoming.on('end', () => {
    const body = Buffer.concat(chunks)
    exchanges.push({
      at: Date.now(),
      method: incoming.method ?? 'GET',
      path: incoming.url ?? '/',
      headers: Object.fromEntries(
        Object.entries(incoming.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && !hopHeaders.has(entry[0]),
        ),
      ),
      bytes: body.length,
      body: body.toString('utf8'),
    })
    const forward = request(
      {
        host: target.hostname,
        port: target.port,
        method: incoming.method,
        path: incoming.url,
        headers: { ...incoming.headers, host: target.host, 'content-length': String(body.length) },
        agent,
      },
      (answer) => {
        outgoing.writeHead(answer.statusCode ?? 502, answer.headers)
        answer.pipe(outgoing)
      },
    )
    forward.on('error', () => outgoing.destroy())
    forward.end(body)
  })
})
front.keepAliveTimeout = 60_000
await new Promise<void>((resolve) => front.listen(0, '127.0.0.1', resolve))
process.send!({ url: `http://127.0.0.1:${(front.address() as AddressInfo).port}` })

process.on('message', (message: { take: number; bodies: boolean }) => {
  const taken = exchanges
  exchanges = []
  process.send!({
    take: message.take,
    exchanges: message.bodies ? taken : taken.map(({ body: _, ...rest }) => ({ ...rest, body: '' })),
  })
})
process.on('disconnect', () => process.exit(0))
