import { describe, expect, it } from 'vitest'
import { fitToolInput } from './fit-tool-input.ts'

const schema = (...names: string[]) => ({
  type: 'object',
  properties: Object.fromEntries(names.map((name) => [name, { type: 'string' }])),
})

describe('fitting a scenario tool input to the offered tool', () => {
  it("renames keys to the tool's own spelling of the same parameter", () => {
    const input = { file_path: '/w/hello.txt', content: 'hi' }
    expect(fitToolInput(input, schema('filePath', 'content'))).toEqual({
      filePath: '/w/hello.txt',
      content: 'hi',
    })
    expect(fitToolInput(input, schema('file_path', 'content'))).toEqual(input)
    expect(fitToolInput({ FilePath: 'x' }, schema('file-path'))).toEqual({ 'file-path': 'x' })
  })

  it('leaves keys without a counterpart, and inputs without a usable schema, as written', () => {
    expect(fitToolInput({ path: 'x', extra: 1 }, schema('file_path'))).toEqual({ path: 'x', extra: 1 })
    expect(fitToolInput({ a: 1 }, undefined)).toEqual({ a: 1 })
    expect(fitToolInput({ a: 1 }, { properties: [] })).toEqual({ a: 1 })
    expect(fitToolInput('*** Begin Patch', schema('input'))).toBe('*** Begin Patch')
  })
})
