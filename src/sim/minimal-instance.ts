type Schema = Record<string, unknown>

const stringFormats: Record<string, string> = {
  'date-time': '1970-01-01T00:00:00Z',
  date: '1970-01-01',
  time: '00:00:00',
  email: 'user@example.com',
  uri: 'https://example.com',
  url: 'https://example.com',
  uuid: '00000000-0000-0000-0000-000000000000',
}

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const resolveRef = (root: unknown, ref: string): unknown => {
  if (!ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const key of ref.slice(1).split('/').filter(Boolean)) {
    node = isSchema(node) ? node[decodeURIComponent(key).replace(/~1/g, '/').replace(/~0/g, '~')] : undefined
  }
  return node
}

const typeOf = (schema: Schema): string | undefined => {
  const type = Array.isArray(schema.type)
    ? (schema.type.find((entry) => String(entry).toLowerCase() !== 'null') ?? schema.type[0])
    : schema.type
  if (typeof type === 'string') return type.toLowerCase() // Gemini's OpenAPI schemas say OBJECT, STRING …
  if (isSchema(schema.properties)) return 'object'
  if (schema.items !== undefined || schema.prefixItems !== undefined) return 'array'
  return undefined
}

/**
 * The smallest value that satisfies a JSON schema (or a Gemini OpenAPI-style one): required
 * properties only, empty arrays, "" and 0 within their bounds, the first of an enum or a union.
 * Good enough for side calls that ask for structured output, not a general-purpose generator.
 */
export const minimalInstance = (schema: unknown, root: unknown = schema, depth = 0): unknown => {
  if (!isSchema(schema) || depth > 40) return null
  if ('const' in schema) return schema.const
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0]
  if ('default' in schema) return schema.default
  if (typeof schema.$ref === 'string') return minimalInstance(resolveRef(root, schema.$ref), root, depth + 1)
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key]
    if (Array.isArray(branches) && branches.length > 0) {
      const branch = branches.find((entry) => isSchema(entry) && entry.type !== 'null') ?? branches[0]
      return minimalInstance(branch, root, depth + 1)
    }
  }
  if (Array.isArray(schema.allOf)) {
    const parts = schema.allOf.map((part) => minimalInstance(part, root, depth + 1))
    return parts.every(isSchema) ? Object.assign({}, ...parts) : (parts[0] ?? null)
  }
  switch (typeOf(schema)) {
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {}
      const required = Array.isArray(schema.required) ? schema.required.map(String) : []
      return Object.fromEntries(
        required.map((name) => [name, minimalInstance(properties[name], root, depth + 1)]),
      )
    }
    case 'array': {
      const count = typeof schema.minItems === 'number' ? schema.minItems : 0
      const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : []
      return Array.from({ length: Math.max(count, tuple.length) }, (_, index) =>
        minimalInstance(tuple[index] ?? schema.items, root, depth + 1),
      )
    }
    case 'string': {
      const format = typeof schema.format === 'string' ? stringFormats[schema.format] : undefined
      const length = typeof schema.minLength === 'number' ? schema.minLength : 0
      return format ?? 'x'.repeat(length)
    }
    case 'integer':
    case 'number': {
      if (typeof schema.minimum === 'number') return schema.minimum
      if (typeof schema.exclusiveMinimum === 'number') return schema.exclusiveMinimum + 1
      if (typeof schema.maximum === 'number' && schema.maximum < 0) return schema.maximum
      return 0
    }
    case 'boolean':
      return false
    case undefined:
      return depth === 0 ? {} : null
    default:
      return null
  }
}
