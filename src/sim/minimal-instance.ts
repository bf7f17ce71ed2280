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

/**
 * The schema comes from the client, so nothing it says may size the answer: a recursive `$ref`
 * with `minItems` grows exponentially, and `minLength: 1e10` cannot even be built. The answer is a
 * placeholder, so it stays small and gives up validity past these caps.
 */
export const instanceLimits = {
  depth: 32,
  /** Values built in all. */
  nodes: 1000,
  itemsPerArray: 32,
  stringLength: 1024,
  /** Characters of strings, and of `const`, `enum` and `default` values copied from the schema. */
  characters: 64 * 1024,
}

const isSchema = (value: unknown): value is Schema =>
  value !== null && typeof value === 'object' && !Array.isArray(value)

const own = (object: Schema, key: string): unknown => (Object.hasOwn(object, key) ? object[key] : undefined)

const decodePointer = (key: string) => {
  try {
    return decodeURIComponent(key).replace(/~1/g, '/').replace(/~0/g, '~')
  } catch {
    return undefined // a malformed escape (`#/%zz`) points nowhere
  }
}

/** The schema a local `$ref` (`#/$defs/x`) points at; undefined for anything else. */
const resolveRef = (root: unknown, ref: string): unknown => {
  if (!ref.startsWith('#')) return undefined
  let node: unknown = root
  for (const key of ref.slice(1).split('/').filter(Boolean)) {
    const name = decodePointer(key)
    if (name === undefined) return undefined
    node = isSchema(node) ? own(node, name) : Array.isArray(node) ? node[Number(name)] : undefined
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

const whole = (value: unknown, cap: number) =>
  typeof value === 'number' && Number.isFinite(value) ? Math.min(Math.max(0, Math.ceil(value)), cap) : 0

/**
 * The smallest value that satisfies a JSON schema (or a Gemini OpenAPI-style one): required
 * properties only, empty arrays, "" and 0 within their bounds, the first of an enum or a union.
 * Good enough for side calls that ask for structured output, not a general-purpose generator.
 * Whatever the schema, the value stays within `instanceLimits` (and is then as valid as they allow).
 */
export const minimalInstance = (root: unknown): unknown => {
  const budget = { nodes: instanceLimits.nodes, characters: instanceLimits.characters }
  // The same schema object is reached again and again through `$ref`s; measure it once.
  const sizes = new WeakMap<object, number>()
  const sizeOf = (value: unknown): number => {
    if (typeof value === 'string') return value.length
    if (value === null || typeof value !== 'object') return 8
    let size = sizes.get(value)
    if (size === undefined) {
      try {
        size = JSON.stringify(value).length
      } catch {
        size = Number.POSITIVE_INFINITY
      }
      sizes.set(value, size)
    }
    return size
  }
  /** A value copied from the schema, if what is left of the budget holds it. */
  const copied = (value: unknown): unknown => {
    const size = sizeOf(value)
    if (size > budget.characters) return null
    budget.characters -= size
    return value
  }

  const build = (schema: unknown, depth: number): unknown => {
    if (depth > instanceLimits.depth || budget.nodes <= 0) return null
    budget.nodes--
    if (!isSchema(schema)) return null
    if ('const' in schema) return copied(schema.const)
    if (Array.isArray(schema.enum) && schema.enum.length > 0) return copied(schema.enum[0])
    if ('default' in schema) return copied(schema.default)
    if (typeof schema.$ref === 'string') return build(resolveRef(root, schema.$ref), depth + 1)
    for (const key of ['anyOf', 'oneOf'] as const) {
      const branches = schema[key]
      if (Array.isArray(branches) && branches.length > 0) {
        const branch = branches.find((entry) => isSchema(entry) && entry.type !== 'null') ?? branches[0]
        return build(branch, depth + 1)
      }
    }
    if (Array.isArray(schema.allOf)) {
      const parts = schema.allOf.slice(0, instanceLimits.itemsPerArray).map((part) => build(part, depth + 1))
      return parts.every(isSchema) ? Object.assign({}, ...parts) : (parts[0] ?? null)
    }
    switch (typeOf(schema)) {
      case 'object': {
        const properties = isSchema(schema.properties) ? schema.properties : {}
        const required = Array.isArray(schema.required) ? schema.required.map(String) : []
        const value: Schema = {}
        for (const name of new Set(required)) {
          if (budget.nodes <= 0 || name.length > budget.characters) break
          budget.characters -= name.length
          // defineProperty, so a property named `__proto__` is data like any other.
          Object.defineProperty(value, name, {
            value: build(own(properties, name), depth + 1),
            enumerable: true,
            writable: true,
            configurable: true,
          })
        }
        return value
      }
      case 'array': {
        const tuple = Array.isArray(schema.prefixItems) ? schema.prefixItems : []
        const count = Math.max(whole(schema.minItems, instanceLimits.itemsPerArray), tuple.length)
        const items: unknown[] = []
        for (let index = 0; index < Math.min(count, instanceLimits.itemsPerArray); index++) {
          if (budget.nodes <= 0) break
          items.push(build(tuple[index] ?? schema.items, depth + 1))
        }
        return items
      }
      case 'string': {
        const format = typeof schema.format === 'string' ? own(stringFormats, schema.format) : undefined
        if (typeof format === 'string') return format
        const length = Math.min(whole(schema.minLength, instanceLimits.stringLength), budget.characters)
        budget.characters -= length
        return 'x'.repeat(length)
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
  return build(root, 0)
}
