const normalized = (name: string) => name.toLowerCase().replace(/[_-]/g, '')

/**
 * A scenario's tool input renamed to the offered tool's own parameter names where they differ only
 * in case, `_` or `-`: one scenario's `file_path` reaches OpenCode's `write` as `filePath` and Claude
 * Code's `Write` as `file_path`. Keys with no such counterpart are left as written.
 */
export const fitToolInput = (input: unknown, schema: unknown): unknown => {
  const properties = (schema as { properties?: unknown } | undefined)?.properties
  if (!isRecord(input) || !isRecord(properties)) return input
  const names = Object.keys(properties)
  return Object.fromEntries(
    Object.entries(input).map(([key, value]) => {
      if (key in properties) return [key, value]
      const match = names.find((name) => normalized(name) === normalized(key))
      return [match ?? key, value]
    }),
  )
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value)
