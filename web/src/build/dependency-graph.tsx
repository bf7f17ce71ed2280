import type { Feature } from '../api/types.ts'

const nodeWidth = 168
const nodeHeight = 34
const columnGap = 56
const rowGap = 14

const fills: Record<Feature['status'], string> = {
  pending: 'fill-sunken stroke-line',
  in_progress: 'fill-accent/15 stroke-accent',
  passing: 'fill-good/15 stroke-good',
  failing: 'fill-bad/15 stroke-bad',
  skipped: 'fill-sunken stroke-line',
  needs_human: 'fill-warn/15 stroke-warn',
}

/** Each feature's column: how long the chain of features it waits for is. */
const depths = (features: readonly Feature[]) => {
  const byId = new Map(features.map((feature) => [feature.id, feature]))
  const depth = new Map<string, number>()
  const of = (feature: Feature, seen: Set<string>): number => {
    const known = depth.get(feature.id)
    if (known !== undefined) return known
    if (seen.has(feature.id)) return 0
    seen.add(feature.id)
    const deps = feature.dependsOn
      .map((id) => byId.get(id))
      .filter((dep): dep is Feature => dep !== undefined)
    const value = deps.length === 0 ? 0 : 1 + Math.max(...deps.map((dep) => of(dep, seen)))
    depth.set(feature.id, value)
    return value
  }
  for (const feature of features) of(feature, new Set())
  return depth
}

/** The feature list as a graph: what each feature waits for, left to right, coloured by status. */
export const DependencyGraph = ({ features }: { features: readonly Feature[] }) => {
  const depth = depths(features)
  const columnCount = Math.max(0, ...depth.values()) + 1
  const columns = Array.from({ length: columnCount }, (_, c) =>
    features.filter((feature) => (depth.get(feature.id) ?? 0) === c),
  )
  const place = new Map<string, { x: number; y: number }>()
  columns.forEach((column, c) => {
    column.forEach((feature, r) => {
      place.set(feature.id, { x: c * (nodeWidth + columnGap), y: r * (nodeHeight + rowGap) })
    })
  })
  const width = columns.length * (nodeWidth + columnGap) - columnGap
  const height = Math.max(...columns.map((column) => column.length)) * (nodeHeight + rowGap) - rowGap
  return (
    <svg
      role="img"
      aria-label="Feature dependencies"
      viewBox={`-2 -2 ${width + 4} ${height + 4}`}
      width={width + 4}
      height={height + 4}
      className="max-w-none"
    >
      {features.flatMap((feature) =>
        feature.dependsOn.map((id) => {
          const from = place.get(id)
          const to = place.get(feature.id)
          if (!from || !to) return null
          const x1 = from.x + nodeWidth
          const y1 = from.y + nodeHeight / 2
          const x2 = to.x
          const y2 = to.y + nodeHeight / 2
          const bend = (x2 - x1) / 2
          return (
            <path
              key={`${id}-${feature.id}`}
              d={`M${x1},${y1} C${x1 + bend},${y1} ${x2 - bend},${y2} ${x2},${y2}`}
              className="fill-none stroke-muted"
              strokeWidth={1.2}
            />
          )
        }),
      )}
      {features.map((feature) => {
        const at = place.get(feature.id)!
        return (
          <g key={feature.id} transform={`translate(${at.x},${at.y})`} data-node={feature.name}>
            <title>{`${feature.name}: ${feature.status.replace('_', ' ')}`}</title>
            <rect
              width={nodeWidth}
              height={nodeHeight}
              rx={6}
              className={fills[feature.status]}
              strokeWidth={1.2}
            />
            <text x={10} y={nodeHeight / 2 + 4} className="fill-ink text-xs">
              {feature.name.length > 24 ? `${feature.name.slice(0, 23)}…` : feature.name}
            </text>
          </g>
        )
      })}
    </svg>
  )
}
