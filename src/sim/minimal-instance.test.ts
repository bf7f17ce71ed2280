import { describe, expect, it } from 'vitest'
import { instanceLimits, minimalInstance } from './minimal-instance.ts'

const size = (value: unknown) => JSON.stringify(value).length

describe('the minimal instance of a JSON schema', () => {
  it('fills required properties, bounds, formats, enums and local $refs', () => {
    const schema = {
      $defs: { count: { type: 'integer', minimum: 3 } },
      type: 'object',
      required: ['n', 'list', 'when', 'kind', 'name'],
      properties: {
        n: { $ref: '#/$defs/count' },
        list: { type: 'array', minItems: 2, items: { type: 'boolean' } },
        when: { type: 'string', format: 'date' },
        kind: { enum: ['a', 'b'] },
        name: { type: 'STRING', minLength: 3 },
        optional: { type: 'string' },
      },
    }
    expect(minimalInstance(schema)).toEqual({
      n: 3,
      list: [false, false],
      when: '1970-01-01',
      kind: 'a',
      name: 'xxx',
    })
  })

  it('stays small whatever the schema asks for', () => {
    // Regression: each of these ran out of memory or threw.
    const hostile = [
      { type: 'array', minItems: 10, items: { $ref: '#' } },
      { type: 'array', minItems: 3e7 },
      { type: 'string', minLength: 1e10 },
      { type: 'object', required: Array.from({ length: 100_000 }, (_, index) => `p${index}`) },
      { type: 'array', minItems: 30, items: { const: 'z'.repeat(1_000_000) } },
      { type: 'array', minItems: Number.POSITIVE_INFINITY, items: { minLength: -5, type: 'string' } },
    ]
    for (const schema of hostile) {
      const started = Date.now()
      const value = minimalInstance(schema)
      expect(size(value)).toBeLessThan(instanceLimits.characters + 20 * instanceLimits.nodes)
      expect(Date.now() - started).toBeLessThan(1000)
    }
    expect((minimalInstance({ type: 'string', minLength: 1e10 }) as string).length).toBe(
      instanceLimits.stringLength,
    )
  })

  it('reads a $ref that points nowhere, or is malformed, as no constraint', () => {
    for (const $ref of ['#/%zz', '#/missing', '#/__proto__', 'https://example.com/schema'])
      expect(minimalInstance({ type: 'object', required: ['a'], properties: { a: { $ref } } })).toEqual({
        a: null,
      })
    expect(minimalInstance({ $ref: '#/%zz' })).toBeNull()
  })

  it('treats a property named __proto__ as data', () => {
    const value = minimalInstance({ type: 'object', required: ['__proto__'], properties: {} })
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype)
    expect(JSON.stringify(value)).toBe('{"__proto__":null}')
  })
})
