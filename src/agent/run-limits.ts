import type { Usage } from '../core/entities.ts'
import type { RunBudget } from '../core/settings.ts'

/** The same tool with the same input this many times in a row is a loop, not progress. */
export const repeatedCallLimit = 4

const stableJson = (value: unknown): string =>
  JSON.stringify(value, (_key, item) =>
    item && typeof item === 'object' && !Array.isArray(item)
      ? Object.fromEntries(Object.entries(item).sort(([a], [b]) => a.localeCompare(b)))
      : item,
  )

/** Why a run must stop now, or undefined while it is within its budget. */
export const budgetExceeded = (
  budget: RunBudget,
  spent: { steps: number; usage: Usage; costUsd: number | null },
): string | undefined => {
  const tokens = spent.usage.inputTokens + spent.usage.outputTokens
  if (budget.maxTokens !== undefined && tokens >= budget.maxTokens) {
    return `the run used ${tokens} tokens; its budget is ${budget.maxTokens}`
  }
  if (budget.maxCostUsd !== undefined && spent.costUsd !== null && spent.costUsd >= budget.maxCostUsd) {
    return `the run cost $${spent.costUsd.toFixed(4)}; its budget is $${budget.maxCostUsd}`
  }
  if (spent.steps >= budget.maxSteps)
    return `the run made ${spent.steps} model calls; its budget is ${budget.maxSteps}`
  return undefined
}

/** Watches the tool calls of a run for the same call repeated without end. */
export const createLoopDetector = () => {
  let last = ''
  let repeats = 0
  return {
    /** Notes a call; returns why it is a loop when it is the `repeatedCallLimit`th identical one in a row. */
    check(tool: string, input: unknown): string | undefined {
      const signature = `${tool} ${stableJson(input)}`
      repeats = signature === last ? repeats + 1 : 1
      last = signature
      return repeats >= repeatedCallLimit
        ? `the agent called ${tool} with the same input ${repeats} times in a row without progress`
        : undefined
    },
  }
}
