// Writes docs/api.md from the OpenAPI document and the event registry: `npm run docs:api`.
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { renderApiReference } from '../src/server/render-api-reference.ts'

const target = join(import.meta.dirname, '..', 'docs', 'api.md')
writeFileSync(target, renderApiReference())
console.log(`wrote ${target}`)
