// The built-in agent's overhead, side by side with the floor, in one run: a two-turn session (a
// tool call, then text) through `cadre serve` — task created over HTTP, claimed, run, settled —
// against the same two model requests made straight to the simulator. (Many sessions at once:
// bench/concurrency.ts.) Prints markdown; see docs/benchmarks.md.   node bench/agent.ts [--runs 5]
import { parseArgs } from 'node:util'
import { startSimulator } from '../src/sim/start-simulator.ts'
import { createGitRepo } from '../test/support/git-repo.ts'
import { machine, spread } from './support/figures.ts'
import { type ServedCadre, serveCadreRunning } from './support/serve-cadre.ts'

const { values } = parseArgs({ options: { runs: { type: 'string', default: '5' } } })
const runs = Number(values.runs)

const sim = await startSimulator({
  scenarios: [
    {
      name: 'two-turn',
      rules: [
        {
          when: { toolResult: 'none' },
          reply: [
            { text: 'Writing it.' },
            { toolCall: { tool: 'write_file', input: { path: 'out.txt', content: 'x\n' } } },
          ],
        },
        { reply: [{ text: 'Done.' }] },
      ],
    },
  ],
})

/** Creates `count` tasks at once and waits until every one has settled; returns the wall time. */
const session = async (server: ServedCadre, count: number) => {
  const started = performance.now()
  const ids = await Promise.all(
    Array.from({ length: count }, async () => {
      const project = await server.api('/api/projects', { path: createGitRepo() })
      return (
        await server.api('/api/tasks', {
          projectId: project.id,
          prompt: 'write out.txt',
          model: 'anthropic:claude-sonnet-4-5',
        })
      ).id as string
    }),
  )
  for (const id of ids) {
    for (;;) {
      const task = await server.api(`/api/tasks/${id}`)
      if (['review', 'done', 'failed'].includes(task.status)) {
        if (task.status === 'failed') throw new Error(`task failed: ${task.statusReason}`)
        break
      }
      await new Promise((resolve) => setTimeout(resolve, 5))
    }
  }
  return performance.now() - started
}

/** The same two model requests, straight to the simulator: what any client must spend. */
const floor = async () => {
  const started = performance.now()
  const ask = (messages: unknown[]) =>
    fetch(`${sim.url}/v1/messages`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-api-key': 'k', 'anthropic-version': '2023-06-01' },
      body: JSON.stringify({
        model: 'claude-sonnet-4-5',
        max_tokens: 4096,
        stream: true,
        messages,
        tools: [{ name: 'write_file', input_schema: { type: 'object' } }],
      }),
    }).then((response) => response.text())
  await ask([{ role: 'user', content: 'write out.txt' }])
  await ask([
    { role: 'user', content: 'write out.txt' },
    {
      role: 'assistant',
      content: [
        { type: 'tool_use', id: 't1', name: 'write_file', input: { path: 'out.txt', content: 'x\n' } },
      ],
    },
    { role: 'user', content: [{ type: 'tool_result', tool_use_id: 't1', content: 'wrote out.txt' }] },
  ])
  return performance.now() - started
}

const cadreMs: number[] = []
const floorMs: number[] = []
const ratios: number[] = []
const single = await serveCadreRunning(4, {
  ANTHROPIC_BASE_URL: sim.url,
  ANTHROPIC_API_KEY: 'sk-ant-bench-0000000000',
})
await session(single, 1) // warm up: first model layer load, first migration of the repo list
for (let run = 0; run < runs; run++) {
  const through = await session(single, 1)
  const direct = await floor()
  cadreMs.push(through)
  floorMs.push(direct)
  ratios.push(through / direct)
  console.error(`run ${run + 1}/${runs} done`)
}
await single.stop()
await sim.close()

console.log(machine())
console.log(`${runs} runs; median (min–max)\n`)
console.log('| two-turn session | through Cadre (ms) | model requests alone (ms) | Cadre ÷ floor |')
console.log('| --- | --- | --- | --- |')
console.log(`| task created → settled | ${spread(cadreMs)} | ${spread(floorMs)} | ${spread(ratios)} |`)
