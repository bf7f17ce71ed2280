import fc from 'fast-check'
import { idMarker } from './fuzz-id-pools.ts'
import { nastyString } from './fuzz-schema-arbitrary.ts'

/**
 * One frame a client sends on /api/stream. Text may name real tasks and projects with id markers.
 * `huge` passes the server's frame limit and `badUtf8` is a text frame that is not UTF-8: both end
 * the connection, by the protocol's rules.
 */
export type StreamFrame = { text: string } | { binary: number[] } | { huge: number } | { badUtf8: true }

/** A seq, or something posing as one. */
const cursor = fc.oneof(
  { weight: 4, arbitrary: fc.nat({ max: 50 }) },
  fc.constantFrom(-1, 1.5, 2 ** 53, 1e308, '1', null, true, [], {}),
)

const taskId = fc.oneof({ weight: 4, arbitrary: fc.nat().map((n) => idMarker('task', n)) }, nastyString)
const projectId = fc.oneof({ weight: 4, arbitrary: fc.nat().map((n) => idMarker('project', n)) }, nastyString)

/** Requests of the protocol's shapes, right or slightly wrong. */
const request = fc.oneof(
  fc.record({ op: fc.constant('subscribe'), taskId, after: cursor }, { requiredKeys: ['op', 'taskId'] }),
  fc.record(
    {
      op: fc.constant('subscribe'),
      projectId,
      cursors: fc.oneof(
        fc.dictionary(taskId.map(String), cursor, { maxKeys: 4 }),
        fc.constant(JSON.parse('{"__proto__": 1, "constructor": 2}')),
        fc.constantFrom(null, [], 'all'),
      ),
    },
    { requiredKeys: ['op', 'projectId'] },
  ),
  fc.record(
    { op: fc.constantFrom('unsubscribe', 'subscribe', 'SUBSCRIBE', 'ping', ''), taskId, projectId },
    {
      requiredKeys: ['op'],
    },
  ),
)

export const streamFrame: fc.Arbitrary<StreamFrame> = fc.oneof(
  { weight: 10, arbitrary: request.map((value) => ({ text: JSON.stringify(value) })) },
  { weight: 3, arbitrary: fc.jsonValue().map((value) => ({ text: JSON.stringify(value) })) },
  { weight: 3, arbitrary: nastyString.map((text) => ({ text })) },
  { weight: 2, arbitrary: fc.uint8Array({ maxLength: 200 }).map((bytes) => ({ binary: [...bytes] })) },
  { weight: 1, arbitrary: fc.constantFrom(64 * 1024 + 1, 1024 * 1024).map((huge) => ({ huge })) },
  { weight: 1, arbitrary: fc.constant({ badUtf8: true as const }) },
)
