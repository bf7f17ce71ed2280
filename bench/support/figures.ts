import { cpus, loadavg, release, totalmem } from 'node:os'

/** The middle value (the upper one of two). */
export const median = (values: readonly number[]): number =>
  [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)] ?? 0

/** `median (min–max)`, as every benchmark table reports a figure. */
export const spread = (values: readonly number[], digits = 1): string =>
  `${median(values).toFixed(digits)} (${Math.min(...values).toFixed(digits)}–${Math.max(...values).toFixed(digits)})`

/** The value below which `p` percent of the values lie (nearest rank). */
export const percentile = (values: readonly number[], p: number): number => {
  const sorted = [...values].sort((a, b) => a - b)
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))] ?? 0
}

/** Run by run, `a[i] ÷ b[i]`: ratios are taken within a run, then summarised. */
export const ratios = (a: readonly number[], b: readonly number[]): number[] => a.map((x, i) => x / b[i]!)

/** A markdown table: a header row, its rule, then the rows. */
export const table = (header: readonly string[], rows: readonly (readonly string[])[]): string =>
  [header, header.map(() => '---'), ...rows].map((cells) => `| ${cells.join(' | ')} |`).join('\n')

// Taken as the benchmark starts (this module is loaded first), before its own work loads the machine.
const startLoad = loadavg()[0]!
const startedAt = new Date().toISOString().slice(0, 16)

/** The line naming the machine a benchmark ran on, with how busy it was when the benchmark started. */
export const machine = (): string =>
  `Machine: ${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown CPU'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Linux ${release()}, Node ${process.version}; started ${startedAt}Z with a load average of ${startLoad.toFixed(2)}, ended with ${loadavg()[0]!.toFixed(2)}`
