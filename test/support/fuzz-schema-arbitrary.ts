import fc from 'fast-check'

/** The part of JSON Schema the OpenAPI document's request schemas use (zod's output). */
export interface JsonSchema {
  type?: string | string[]
  properties?: Record<string, JsonSchema>
  required?: string[]
  additionalProperties?: boolean | JsonSchema
  items?: JsonSchema
  enum?: unknown[]
  const?: unknown
  anyOf?: JsonSchema[]
  oneOf?: JsonSchema[]
  allOf?: JsonSchema[]
  minLength?: number
  maxLength?: number
  minItems?: number
  maxItems?: number
  minimum?: number
  maximum?: number
  exclusiveMinimum?: number
  exclusiveMaximum?: number
  pattern?: string
  format?: string
}

/**
 * Values for fields by name, in place of what their schema allows: a field whose valid values
 * would reach outside the test (a path created on disk, a URL fetched, a command started) gets
 * values that stay on this machine and finish at once.
 */
export type FieldValues = Readonly<Record<string, fc.Arbitrary<unknown>>>

/** Strings a careless parser or query chokes on, short enough for a path or a query. */
export const shortNastyString: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '__proto__',
    'constructor',
    '../../../../etc/passwd',
    '%00',
    '%',
    "'; drop table tasks; --",
    '" OR 1=1 --',
    // biome-ignore lint/suspicious/noTemplateCurlyInString: a log4j lookup, as text on purpose
    '${jndi:ldap://127.0.0.1:1/x}',
    '{{7*7}}',
    '<script>alert(1)</script>',
    '\ud800',
    '\uffff',
    'null',
    'NaN',
    '-0',
    '1e309',
    '\u202e\u0645\u0631\u062d\u0628\u0627',
    '👩‍👩‍👧‍👦'.repeat(50),
  ),
  fc.string({ unit: 'grapheme', maxLength: 60 }),
  fc.string({ unit: 'binary', maxLength: 60 }),
)

/** The same, and now and then one far longer than any field allows. */
export const nastyString: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: shortNastyString },
  { weight: 1, arbitrary: fc.nat({ max: 100_000 }).map((length) => 'x'.repeat(length)) },
)

/** Numbers past every bound a schema might set. */
const nastyNumber: fc.Arbitrary<number> = fc.oneof(
  fc.constantFrom(-1, 0, -0, 0.5, 2 ** 31, 2 ** 53 + 2, -(2 ** 63), 1e308, Number.MIN_VALUE),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
)

/** Anything that is not what the schema asked for: other types, and values outside its bounds. */
const wrongValue = (schema: JsonSchema): fc.Arbitrary<unknown> => {
  const outside: fc.Arbitrary<unknown>[] = []
  if (schema.minLength !== undefined && schema.minLength > 0)
    outside.push(fc.constant('y'.repeat(schema.minLength - 1)))
  if (schema.maxLength !== undefined) outside.push(fc.constant('y'.repeat(schema.maxLength + 1)))
  if (schema.minimum !== undefined) outside.push(fc.constant(schema.minimum - 1))
  if (schema.maximum !== undefined) outside.push(fc.constant(schema.maximum + 1))
  if (schema.maxItems !== undefined)
    outside.push(fc.constant(Array.from({ length: schema.maxItems + 1 }, () => 'z')))
  return fc.oneof(
    nastyString,
    nastyNumber,
    fc.constantFrom(null, true, false, [], {}, [null], { '': null }),
    fc.jsonValue({ maxDepth: 3 }),
    ...outside,
  )
}

const typesOf = (schema: JsonSchema): string[] =>
  schema.type === undefined ? [] : Array.isArray(schema.type) ? schema.type : [schema.type]

const stringValue = (schema: JsonSchema): fc.Arbitrary<string> => {
  if (schema.pattern) {
    try {
      const pattern = new RegExp(schema.pattern)
      return fc.stringMatching(pattern).filter((value) => value.length <= (schema.maxLength ?? 10_000))
    } catch {
      // A pattern JavaScript cannot compile: plain strings, which the server should refuse politely.
    }
  }
  const minLength = schema.minLength ?? 0
  // Long enough to reach a limit now and then, short enough to keep the run fast.
  const maxLength = Math.min(schema.maxLength ?? minLength + 40, minLength + 40)
  return fc.oneof(
    { weight: 4, arbitrary: fc.string({ minLength, maxLength }) },
    { weight: 1, arbitrary: fc.string({ unit: 'grapheme', minLength, maxLength }) },
    ...(schema.maxLength !== undefined
      ? [{ weight: 1, arbitrary: fc.constant('m'.repeat(schema.maxLength)) }]
      : []),
  )
}

/**
 * How values are made: `fields` by name where given; `strict` makes only values the schema
 * accepts, with at most two of an object's optional keys, so a request reaches its handler whole.
 */
export interface SchemaOptions {
  fields?: FieldValues
  strict?: boolean
}

/**
 * A fast-check arbitrary of values for the schema: mostly ones it accepts (so routes get past
 * validation into their handlers), now and then one it refuses, at any depth.
 */
export const schemaArbitrary = (
  schema: JsonSchema,
  options: SchemaOptions = {},
  depth = 0,
): fc.Arbitrary<unknown> => {
  const valid = validValue(schema, options, depth)
  if (options.strict) return valid
  // Deeper values go wrong less often, so a wrong leaf is not always hidden behind a wrong root.
  return fc.oneof({ weight: 10 + depth * 5, arbitrary: valid }, { weight: 1, arbitrary: wrongValue(schema) })
}

const validValue = (schema: JsonSchema, options: SchemaOptions, depth: number): fc.Arbitrary<unknown> => {
  if (schema.enum) return fc.constantFrom(...schema.enum)
  if (schema.const !== undefined) return fc.constant(schema.const)
  const alternatives = schema.anyOf ?? schema.oneOf
  if (alternatives) return fc.oneof(...alternatives.map((each) => schemaArbitrary(each, options, depth)))
  if (schema.allOf?.length) return schemaArbitrary(Object.assign({}, ...schema.allOf), options, depth)
  const types = typesOf(schema)
  if (types.length > 1)
    return fc.oneof(...types.map((type) => validValue({ ...schema, type }, options, depth)))
  switch (types[0]) {
    case 'null':
      return fc.constant(null)
    case 'boolean':
      return fc.boolean()
    case 'integer':
      return fc.integer({
        min: Math.max(schema.minimum ?? -1000, Number.MIN_SAFE_INTEGER),
        max: Math.min(schema.maximum ?? 100_000, Number.MAX_SAFE_INTEGER),
      })
    case 'number': {
      const min = schema.minimum ?? schema.exclusiveMinimum ?? -1000
      const max = schema.maximum ?? schema.exclusiveMaximum ?? 100_000
      return fc
        .double({ min, max, noNaN: true, noDefaultInfinity: true })
        .filter((n) => n !== schema.exclusiveMinimum && n !== schema.exclusiveMaximum)
    }
    case 'string':
      return stringValue(schema)
    case 'array':
      return fc.array(schemaArbitrary(schema.items ?? {}, options, depth + 1), {
        minLength: schema.minItems ?? 0,
        maxLength: Math.min(schema.maxItems ?? 5, (schema.minItems ?? 0) + 5),
      })
    case 'object':
      return objectValue(schema, options, depth)
    default:
      return fc.jsonValue({ maxDepth: 2 })
  }
}

const objectValue = (schema: JsonSchema, options: SchemaOptions, depth: number): fc.Arbitrary<unknown> => {
  const properties = schema.properties ?? {}
  const model = Object.fromEntries(
    Object.entries(properties).map(([name, property]) => [
      name,
      options.fields?.[name] ?? schemaArbitrary(property, options, depth + 1),
    ]),
  )
  const required = (schema.required ?? []).filter((key) => key in model)
  if (options.strict) {
    const optional = Object.keys(model).filter((key) => !required.includes(key))
    return fc
      .shuffledSubarray(optional, { maxLength: Math.min(2, optional.length) })
      .chain((chosen) =>
        fc.record(Object.fromEntries([...required, ...chosen].map((key) => [key, model[key]!]))),
      )
  }
  const known = fc.record(model, { requiredKeys: required })
  const extra = schema.additionalProperties
  if (extra === undefined || extra === false) return known
  const values = extra === true ? fc.jsonValue({ maxDepth: 2 }) : schemaArbitrary(extra, options, depth + 1)
  return fc
    .tuple(known, fc.dictionary(fc.oneof(fc.string({ maxLength: 12 }), nastyString), values, { maxKeys: 4 }))
    .map(([named, others]) => ({ ...others, ...named }))
}
