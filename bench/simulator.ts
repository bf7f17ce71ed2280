// The model simulator under load: streamed Anthropic replies to N concurrent clients, side by side
// with a bare node:http server writing the same bytes (the floor: what HTTP itself costs here).
// Prints a markdown table; see docs/benchmarks.md.
//   node bench/simulator.ts [--runs 5] [--requests 400]
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { parseArgs } from 'node:util'
import { startSimulator } from '../src/sim/start-simulator.ts'
import { machine, spread } from './support/figures.ts'

const { values } = parseArgs({
  options: { runs: { type: 'string', default: '5' }, requests: { type: 'string', default: '400' } },
})
const runs = Number(values.runs)
const requestCount = Number(values.requests)
const concurrencies = [1, 10, 50, 200]

const body = JSON.stringify({
  model: 'claude-sonnet-4-5',
  max_tokens: 1024,
  stream: true,
  messages: [{ role: 'user', content: 'write hello.txt' }],
  tools: [{ name: 'Write', input_schema: { type: 'object', properties: { file_path: {}, content: {} } } }],
})
const scenario = {
  name: 'bench',
  rules: [
    {
      reply: [
        { text: 'I will write the file now, then report back. '.repeat(4) },
        { toolCall: { tool: 'Write', input: { file_path: '/w/hello.txt', content: 'hello\n'.repeat(20) } } },
      ],
    },
  ],
}

const post = async (url: string) => {
  const response = await fetch(`${url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
    body,
  })
  return response.text()
}

/** Requests per second and per-request latency with `concurrency` clients sending `requestCount` in all. */
const load = async (url: string, concurrency: number) => {
  const latencies: number[] = []
  let next = 0
  const started = performance.now()
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next++ < requestCount) {
        const sent = performance.now()
        await post(url)
        latencies.push(performance.now() - sent)
      }
    }),
  )
  const seconds = (performance.now() - started) / 1000
  latencies.sort((a, b) => a - b)
  return { perSecond: requestCount / seconds, p99: latencies[Math.floor(latencies.length * 0.99)] ?? 0 }
}

const sim = await startSimulator({ scenarios: [scenario] })
// The floor replays the simulator's own reply bytes in the same chunks, with no parsing or matching.
const sample = await (
  await fetch(`${sim.url}/v1/messages`, {
    method: 'POST',
    body,
    headers: { 'content-type': 'application/json' },
  })
).text()
const chunks = sample.split(/(?<=\n\n)/)
const floor = createServer((request, response) => {
  request.resume()
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'text/event-stream' })
    for (const chunk of chunks) response.write(chunk)
    response.end()
  })
})
await new Promise<void>((resolve) => floor.listen(0, '127.0.0.1', resolve))
const floorUrl = `http://127.0.0.1:${(floor.address() as AddressInfo).port}`

const results = new Map<
  number,
  { sim: number[]; raw: number[]; ratio: number[]; simP99: number[]; rawP99: number[] }
>()
for (let run = 0; run < runs; run++) {
  for (const concurrency of concurrencies) {
    const simulated = await load(sim.url, concurrency)
    const raw = await load(floorUrl, concurrency)
    const entry = results.get(concurrency) ?? { sim: [], raw: [], ratio: [], simP99: [], rawP99: [] }
    entry.sim.push(simulated.perSecond)
    entry.raw.push(raw.perSecond)
    entry.ratio.push(simulated.perSecond / raw.perSecond)
    entry.simP99.push(simulated.p99)
    entry.rawP99.push(raw.p99)
    results.set(concurrency, entry)
  }
  console.error(`run ${run + 1}/${runs} done`)
}
await sim.close()
floor.close()

console.log(machine())
console.log(
  `${runs} runs of ${requestCount} streamed Anthropic replies (${chunks.length} SSE events, ${sample.length} bytes each); median (min–max)\n`,
)
console.log(
  '| clients | simulator req/s | bare HTTP req/s | simulator ÷ bare | simulator p99 ms | bare p99 ms |',
)
console.log('| --- | --- | --- | --- | --- | --- |')
for (const [concurrency, entry] of results) {
  console.log(
    `| ${concurrency} | ${spread(entry.sim, 0)} | ${spread(entry.raw, 0)} | ${spread(entry.ratio, 2)} | ${spread(entry.simP99, 1)} | ${spread(entry.rawP99, 1)} |`,
  )
}
