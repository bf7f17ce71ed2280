import type { ComparedTask, TaskComparison } from '../tasks/task-comparison.ts'
import { printTable } from './output.ts'

const seconds = (ms: number | null) => (ms === null ? '—' : `${(ms / 1000).toFixed(1)}s`)
const count = (n: number) => n.toLocaleString('en-US')

const changes = ({ diff }: ComparedTask) =>
  diff === null
    ? '—'
    : `${diff.files} file${diff.files === 1 ? '' : 's'} +${diff.additions} -${diff.deletions}`

const checkResult = ({ check }: ComparedTask) => {
  if (check === null) return '—'
  if (check.exitCode === 0) return `✓ passed ${seconds(check.durationMs)}`
  return `✗ ${check.timedOut ? 'timed out' : `exit ${check.exitCode ?? 'killed'}`} ${seconds(check.durationMs)}`
}

/** A comparison's agents side by side, one row each, with why any failed and what its check is. */
export const printComparison = ({ comparison, checkCommand, children }: TaskComparison): void => {
  console.log(`${comparison.id}  ${comparison.title}  (${comparison.status})\n`)
  printTable(
    ['TASK', 'AGENT', 'MODEL', 'STATUS', 'TIME', 'TOKENS IN/OUT', 'COST', 'CHANGES', 'CHECK'],
    children.map((child) => [
      child.taskId,
      child.agent,
      child.model ?? 'default',
      child.status,
      seconds(child.durationMs),
      `${count(child.usage.inputTokens)}/${count(child.usage.outputTokens)}`,
      `$${child.costUsd.toFixed(4)}`,
      changes(child),
      checkResult(child),
    ]),
    'No tasks.',
  )
  for (const { agent, status, statusReason, check } of children) {
    if (statusReason) console.log(`\n${agent}: ${status} — ${statusReason}`)
    const said = check?.output.trim().split('\n').at(-1)
    if (check && check.exitCode !== 0 && said) console.log(`\n${agent}: the check said: ${said}`)
  }
  console.log(
    checkCommand
      ? `\nCheck: ${checkCommand}`
      : "\nNo check command: set the project's checkCommand (e.g. npm test) to compare test results too.",
  )
}
