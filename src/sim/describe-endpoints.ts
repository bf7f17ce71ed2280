/**
 * How to point each kind of client at a simulator (or recorder, or replayer) at `url`, as lines
 * to print: environment variables first, then the clients configured through files.
 */
export const describeEndpoints = (url: string): string[] => [
  'Point clients at it (any API key is accepted):',
  `ANTHROPIC_BASE_URL=${url}`,
  `OPENAI_BASE_URL=${url}/v1`,
  `GOOGLE_GEMINI_BASE_URL=${url}`,
  `Codex: -c 'model_providers.local.base_url="${url}/v1"' with wire_api = "responses" (OPENAI_BASE_URL is not read)`,
  `OpenCode: an @ai-sdk/openai-compatible provider with options.baseURL = "${url}/v1"`,
]
