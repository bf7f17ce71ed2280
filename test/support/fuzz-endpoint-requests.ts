import fc from 'fast-check'
import {
  type Credential,
  contentType,
  type FuzzRequest,
  idValue,
  malformedJson,
  methods,
  segment,
  strayBody,
} from './fuzz-request.ts'
import { nastyString } from './fuzz-schema-arbitrary.ts'

/** Git's smart HTTP endpoint, answered outside the JSON API: right and wrong tokens, junk packs. */
export const gitRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    action: fc.constantFrom('info/refs', 'git-upload-pack', 'git-receive-pack', 'objects/x', ''),
    method: fc.constantFrom('GET', 'POST', 'PUT'),
    taskId: segment('task'),
    service: fc.constantFrom('git-upload-pack', 'git-receive-pack', 'git-daemon', ''),
    credential: fc.constantFrom<Credential>('git', 'git', 'git', 'access', 'none'),
    pack: fc.oneof(
      fc.uint8Array({ maxLength: 300 }).map((bytes) => ({ bytes: [...bytes] })),
      fc.string({ maxLength: 200 }).map((text) => ({ gzip: text })),
      fc.constantFrom(
        '0000',
        '0032want 0000000000000000000000000000000000000000\n0000',
        `0067${'0'.repeat(40)} ${'1'.repeat(40)} refs/heads/main\0 report-status\n0000PACK`,
        'zzzzjunk',
        '00',
      ),
    ),
    gzipped: fc.boolean(),
  })
  .map(({ action, method, taskId, service, credential, pack, gzipped }) => ({
    method,
    template: `/git/{taskId}.git/${action}`,
    params: { taskId },
    query: action === 'info/refs' ? [['service', service, false] as [string, string, boolean]] : [],
    credential,
    headers: {
      'content-type': `application/x-${service}-request`,
      // A gzip header over a body that is not gzip: the decompressor fails mid-stream.
      ...(gzipped && { 'content-encoding': 'gzip' }),
    },
    ...(method !== 'GET' && { body: pack }),
  }))

/** Cadre's MCP endpoints: JSON-RPC over Streamable HTTP, with tools that call the API back. */
export const mcpRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    template: fc.constantFrom('/mcp', '/mcp/tasks/{taskId}'),
    method: fc.constantFrom('POST', 'POST', 'GET', 'DELETE'),
    taskId: segment('task'),
    credential: fc.constantFrom<Credential>('access', 'tools', 'tools'),
    rpc: fc.record({
      jsonrpc: fc.constantFrom('2.0', '1.0'),
      id: fc.oneof(fc.nat(), fc.string({ maxLength: 5 }), fc.constant(null)),
      method: fc.constantFrom('initialize', 'tools/list', 'tools/call', 'ping', 'resources/list', 'x/y'),
      params: fc.oneof(
        fc.record({
          name: fc.constantFrom(
            'list_projects',
            'create_task',
            'get_task',
            'send_message',
            'feature_list',
            'nope',
          ),
          arguments: fc.record(
            {
              projectId: idValue('project'),
              taskId: idValue('task'),
              featureId: idValue('feature'),
              prompt: nastyString,
              text: nastyString,
            },
            { requiredKeys: [] },
          ),
        }),
        fc.record({
          protocolVersion: fc.constantFrom('2025-03-26', '2024-11-05', 'x'),
          capabilities: fc.constant({}),
          clientInfo: fc.constant({ name: 'fuzz', version: '0' }),
        }),
        fc.jsonValue({ maxDepth: 2 }),
      ),
    }),
    garbage: fc.option(malformedJson, { freq: 5 }),
  })
  .map(({ template, method, taskId, credential, rpc, garbage }) => ({
    method,
    template,
    params: { taskId },
    query: [],
    credential: template === '/mcp' ? 'access' : credential,
    headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
    ...(method === 'POST' && { body: garbage ?? JSON.stringify(rpc) }),
  }))

/** Paths outside the document: the UI, unknown API paths, odd spellings of real ones. */
export const strayRequest: fc.Arbitrary<FuzzRequest> = fc
  .record({
    template: fc.constantFrom(
      '/api/{junk}',
      '/{junk}',
      '/assets/{junk}',
      '/api',
      '//api//projects',
      '/API/PROJECTS',
      '/api/projects/',
      '/api/stream',
      '/api/tasks/{junk}/{junk}',
      '/api/openapi.json',
    ),
    junk: segment('task'),
    method: fc.constantFrom(...methods),
    body: strayBody,
  })
  .map(({ template, junk, method, body }) => ({
    method,
    template,
    params: { junk },
    query: [],
    credential: 'access',
    headers: contentType(body.contentType),
    ...(body.body !== undefined && { body: body.body }),
  }))
