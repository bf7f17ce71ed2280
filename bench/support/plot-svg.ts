import { median } from './figures.ts'

/** One line: at each x, the values of every run (drawn as the median, with a min–max bar). */
export interface Series {
  name: string
  points: { x: number; values: readonly number[] }[]
}

export interface Panel {
  title: string
  yLabel: string
  logY?: boolean
  series: Series[]
}

const colours = ['#c0392b', '#2471a3', '#1e8449', '#7d3c98']
const width = 330
const height = 260
const margin = { left: 56, right: 14, top: 34, bottom: 44 }

const xmlText = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;')
const round = (n: number) => Math.round(n * 10) / 10

/** Ticks at 1, 2, 5 × 10ⁿ across a logarithmic range, or at nice steps across a linear one. */
const ticks = (low: number, high: number, log: boolean): number[] => {
  if (log) {
    const all: number[] = []
    for (let power = Math.floor(Math.log10(low)); power <= Math.ceil(Math.log10(high)); power++)
      for (const step of [1, 2, 5]) all.push(step * 10 ** power)
    return all.filter((tick) => tick >= low && tick <= high)
  }
  const step = 10 ** Math.floor(Math.log10(high / 4 || 1))
  const nice = [1, 2, 5, 10].map((k) => k * step).find((s) => high / s <= 6) ?? step * 10
  return Array.from({ length: Math.floor(high / nice) + 1 }, (_, i) => i * nice)
}

const label = (n: number) => (n >= 1000 ? `${n / 1000}k` : n < 1 ? n.toPrecision(1) : String(round(n)))

/** One panel: log x (the session counts), linear or log y, lines through the medians. */
const drawPanel = (panel: Panel, xs: number[], left: number): string => {
  const all = panel.series.flatMap((s) => s.points.flatMap((p) => p.values))
  const yLow = panel.logY ? 10 ** Math.floor(Math.log10(Math.max(Math.min(...all), 0.01))) : 0
  const yHigh = panel.logY ? 10 ** Math.ceil(Math.log10(Math.max(...all))) : Math.max(...all) * 1.1
  const scale = (v: number, low: number, high: number, log?: boolean) =>
    log ? (Math.log10(v) - Math.log10(low)) / (Math.log10(high) - Math.log10(low)) : (v - low) / (high - low)
  const plotW = width - margin.left - margin.right
  const plotH = height - margin.top - margin.bottom
  const xLow = Math.min(...xs)
  const xHigh = Math.max(...xs)
  const x = (v: number) => round(left + margin.left + scale(v, xLow, xHigh, xLow > 0) * plotW)
  const y = (v: number) =>
    round(margin.top + plotH - scale(Math.max(v, yLow), yLow, yHigh, panel.logY) * plotH)
  const parts = [
    `<text x="${left + width / 2}" y="18" text-anchor="middle" font-weight="bold">${xmlText(panel.title)}</text>`,
    `<rect x="${left + margin.left}" y="${margin.top}" width="${plotW}" height="${plotH}" fill="none" stroke="#999"/>`,
    `<text transform="translate(${left + 14} ${margin.top + plotH / 2}) rotate(-90)" text-anchor="middle">${xmlText(panel.yLabel)}</text>`,
  ]
  for (const tick of ticks(yLow || 0, yHigh, panel.logY === true)) {
    parts.push(
      `<line x1="${left + margin.left}" x2="${left + width - margin.right}" y1="${y(tick)}" y2="${y(tick)}" stroke="#eee"/>`,
      `<text x="${left + margin.left - 4}" y="${y(tick) + 4}" text-anchor="end">${label(tick)}</text>`,
    )
  }
  for (const tick of xs) {
    parts.push(`<text x="${x(tick)}" y="${margin.top + plotH + 16}" text-anchor="middle">${tick}</text>`)
  }
  panel.series.forEach((series, index) => {
    const colour = colours[index % colours.length]
    const line = series.points.map((p) => `${x(p.x)},${y(median(p.values))}`).join(' ')
    parts.push(`<polyline points="${line}" fill="none" stroke="${colour}" stroke-width="1.5"/>`)
    for (const p of series.points) {
      const [low, high] = [Math.min(...p.values), Math.max(...p.values)]
      parts.push(
        `<line x1="${x(p.x)}" x2="${x(p.x)}" y1="${y(low)}" y2="${y(high)}" stroke="${colour}"/>`,
        `<circle cx="${x(p.x)}" cy="${y(median(p.values))}" r="2.5" fill="${colour}"/>`,
      )
    }
    // The legend in the lower right corner, where these curves (rising with the sessions) leave room.
    const fromBottom = (panel.series.length - index) * 14 - 4
    parts.push(
      `<text x="${left + width - margin.right - 8}" y="${margin.top + plotH - fromBottom}" text-anchor="end" fill="${colour}">${xmlText(series.name)}</text>`,
    )
  })
  return parts.join('\n')
}

/** An SVG of panels side by side sharing one x axis, small enough to read as text. */
export const plotSvg = (chart: { title: string; xLabel: string; panels: Panel[] }): string => {
  const xs = [...new Set(chart.panels.flatMap((p) => p.series.flatMap((s) => s.points.map((pt) => pt.x))))]
  const total = width * chart.panels.length
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${total}" height="${height + 30}" viewBox="0 0 ${total} ${height + 30}" font-family="sans-serif" font-size="11">`,
    `<title>${xmlText(chart.title)}</title>`,
    `<rect width="100%" height="100%" fill="#fff"/>`,
    ...chart.panels.map(
      (panel, index) => `<g transform="translate(0 20)">\n${drawPanel(panel, xs, index * width)}\n</g>`,
    ),
    `<text x="${total / 2}" y="14" text-anchor="middle" font-size="12">${xmlText(chart.title)}</text>`,
    `<text x="${total / 2}" y="${height + 22}" text-anchor="middle">${xmlText(chart.xLabel)} (log scale)</text>`,
    '</svg>',
    '',
  ].join('\n')
}
