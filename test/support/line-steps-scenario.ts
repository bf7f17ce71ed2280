import type { ScenarioInput } from '../../src/sim/scenario.ts'

/**
 * A scenario whose agent runs `steps - 1` commands, each appending a line naming the task's
 * prompt and the turn to `lines.txt` after `sleepSeconds`, then ends with a word: a run long
 * enough to be caught in the middle by a fault.
 */
export const lineStepsScenario = (steps: number, sleepSeconds: number): ScenarioInput => ({
  name: 'steps',
  rules: [
    {
      when: { turn: { max: steps - 1 } },
      reply: [
        {
          toolCall: {
            tool: 'bash',
            input: { command: `sleep ${sleepSeconds}; echo '{{lastUserMessage}} {{turn}}' >> lines.txt` },
          },
        },
      ],
    },
    { reply: [{ text: 'All lines written.' }] },
  ],
})
