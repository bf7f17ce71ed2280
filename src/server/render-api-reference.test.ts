import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { expect, it } from 'vitest'
import { renderApiReference } from './render-api-reference.ts'

it('docs/api.md is the reference rendered from the current routes and events (run npm run docs:api)', () => {
  const committed = readFileSync(join(import.meta.dirname, '..', '..', 'docs', 'api.md'), 'utf8')
  expect(committed).toBe(renderApiReference())
})
