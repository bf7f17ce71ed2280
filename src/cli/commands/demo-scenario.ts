import type { ScenarioInput } from '../../sim/scenario.ts'

/** What the simulated model does in `cadre demo`: look, read, plan, edit, check, report. */
export const demoScenario: ScenarioInput = {
  name: 'demo',
  pace: { latencyMs: 250, tokensPerSecond: 90 },
  rules: [
    {
      when: { turn: 0 },
      reply: [
        { reasoning: 'Start by seeing what the repository holds.' },
        { text: "I'll look at the project first." },
        { toolCall: { tool: 'list_files', input: {} } },
      ],
    },
    { when: { turn: 1 }, reply: [{ toolCall: { tool: 'read_file', input: { path: 'greet.js' } } }] },
    {
      when: { turn: 2 },
      reply: [
        { text: 'It always says hello. I will make it greet the name it is given.' },
        {
          toolCall: {
            tool: 'todo',
            input: {
              items: [
                { text: 'Read the name from the command line', status: 'in_progress' },
                { text: 'Check it with and without a name', status: 'pending' },
              ],
            },
          },
        },
        {
          toolCall: {
            tool: 'edit_file',
            input: {
              path: 'greet.js',
              edits: [
                {
                  old_text: "console.log('hello')",
                  // biome-ignore lint/suspicious/noTemplateCurlyInString: this is JavaScript source the agent writes
                  new_text: "const name = process.argv[2] ?? 'world'\nconsole.log(`hello, ${name}`)",
                },
              ],
            },
          },
        },
      ],
    },
    { when: { turn: 3 }, reply: [{ toolCall: { tool: 'bash', input: { command: 'node greet.js Cadre' } } }] },
    {
      reply: [
        { text: 'Done: `node greet.js Cadre` now prints "hello, Cadre", and "hello, world" without a name.' },
      ],
    },
  ],
}
