import type { IncomingMessage, ServerResponse } from 'node:http'
import { chooseReply } from './choose-reply.ts'
import { estimateUsage } from './estimate-usage.ts'
import { createFaultInjector } from './inject-fault.ts'
import { pause } from './pause.ts'
import { createPromptCache } from './prompt-cache.ts'
import { anthropicMessages } from './protocols/anthropic-messages.ts'
import { errorResponse } from './protocols/error-response.ts'
import { gemini } from './protocols/gemini.ts'
import { geminiChunks } from './protocols/gemini-reply.ts'
import { modelEntry, modelList } from './protocols/model-lists.ts'
import { openaiChat } from './protocols/openai-chat.ts'
import { openaiResponses } from './protocols/openai-responses.ts'
import type { WireProtocol } from './protocols/wire-protocol.ts'
import { randomId } from './random-id.ts'
import { readJsonBody } from './read-body.ts'
import { requestUrl } from './request-url.ts'
import { protocolOf, routeRequest, type SimRoute } from './route-request.ts'
import type { Scenario } from './scenario.ts'
import { scenarioHeader, selectScenario } from './select-scenario.ts'
import { sendFailure } from './send-failure.ts'
import { sendError, sendJson } from './send-json.ts'
import type { SimFaults } from './sim-faults.ts'
import type { SimProtocol, SimRequest } from './sim-request.ts'
import { sendCutJson, writeStream } from './write-stream.ts'

const wireProtocols: Record<SimProtocol, WireProtocol> = {
  anthropic: anthropicMessages,
  'openai-responses': openaiResponses,
  'openai-chat': openaiChat,
  gemini,
}

// Each service names its request id header differently; clients log it.
const idHeader = (protocol: SimProtocol) => (protocol === 'anthropic' ? 'request-id' : 'x-request-id')

type Generate = Extract<SimRoute, { kind: 'generate' | 'count-tokens' }>

/** What one simulator serves from: its scenarios, what its prompt cache holds, the faults it injects. */
interface SimState {
  scenarios: readonly Scenario[]
  cache: ReturnType<typeof createPromptCache>
  injectFault?: ReturnType<typeof createFaultInjector>
}

// Tells a client (and whoever reads its logs) that the failure was made on purpose.
const faultHeader = 'x-cadre-fault'

const answer = async (
  route: Generate,
  request: SimRequest,
  { scenarios, cache, injectFault }: SimState,
  incoming: IncomingMessage,
  response: ServerResponse,
) => {
  const header = incoming.headers[scenarioHeader]
  const scenario = selectScenario(scenarios, request.model, Array.isArray(header) ? header[0] : header)
  const chosen = chooseReply(scenario, request)
  // A call failed on purpose is refused before the service would read (and cache) its prompt.
  const fault = injectFault?.(chosen)
  const served = fault?.reply ?? chosen
  const reply =
    served.type === 'message' && !served.exactInput
      ? { ...served, usage: cache.account(request, served.usage) }
      : served
  const marked: Record<string, string> = fault ? { [faultHeader]: fault.kind } : {}
  const gone = new AbortController()
  response.once('close', () => gone.abort())
  await pause(reply.pace.latencyMs, gone.signal)
  if (reply.type === 'error') {
    const failure = errorResponse(request.protocol, reply.kind, reply.message, reply.retryAfterSeconds)
    return sendError(response, { ...failure, headers: { ...failure.headers, ...marked } })
  }
  const wire = wireProtocols[request.protocol]
  const headers = { [idHeader(request.protocol)]: randomId('req_'), ...marked }
  if (request.stream && route.kind === 'generate' && route.sse) {
    const frames = wire.stream(reply, request)
    // An injected cut drops the connection anywhere in the reply, not only before its end.
    const sent =
      fault?.keep === undefined ? frames : frames.slice(0, Math.max(1, Math.ceil(frames.length * fault.keep)))
    return writeStream(response, sent, { pace: reply.pace, cut: reply.cut, headers })
  }
  // Gemini without `alt=sse` streams one JSON array of the chunks.
  const body = request.stream ? geminiChunks(reply, request) : wire.json(reply, request)
  if (reply.cut) return sendCutJson(response, body, headers)
  sendJson(response, 200, body, headers)
}

const countTokens = (route: Generate, request: SimRequest, response: ServerResponse) => {
  const tokens = estimateUsage(request, []).inputTokens
  if (route.protocol === 'anthropic') return sendJson(response, 200, { input_tokens: tokens })
  sendJson(response, 200, {
    totalTokens: tokens,
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: tokens }],
  })
}

const handle = async (sim: SimState, incoming: IncomingMessage, response: ServerResponse) => {
  const url = requestUrl(incoming.url)
  const route = routeRequest(incoming.method ?? 'GET', url, incoming.headers)
  if (route.kind === 'list-models') {
    return sendJson(
      response,
      200,
      modelList(
        route.listing,
        sim.scenarios.map((scenario) => scenario.name),
      ),
    )
  }
  if (route.kind === 'get-model') return sendJson(response, 200, modelEntry(route.listing, route.id))
  if (route.kind === 'not-found') {
    const message = `the model simulator has no route ${incoming.method} ${url.pathname}`
    return sendError(response, errorResponse(route.protocol, 'not_found', message))
  }
  try {
    const request = wireProtocols[route.protocol].parse(await readJsonBody(incoming), route.hints)
    if (route.kind === 'count-tokens') return countTokens(route, request, response)
    await answer(route, request, sim, incoming, response)
  } catch (error) {
    sendFailure(response, route.protocol, error, 'the model simulator failed')
  }
}

/**
 * The simulator's request listener. It never throws: a bad request gets a 400 and anything
 * unexpected a 500, each in the error shape of the protocol the client speaks. With `faults`, a
 * seeded share of model calls fails on purpose (see `createFaultInjector`).
 */
export const createSimHandler = (scenarios: readonly Scenario[], faults?: SimFaults) => {
  const sim: SimState = {
    scenarios,
    cache: createPromptCache(),
    ...(faults && faults.rate > 0 && { injectFault: createFaultInjector(faults) }),
  }
  return (incoming: IncomingMessage, response: ServerResponse): void => {
    // A client that leaves mid-reply makes late writes fail; that is its business, not a crash.
    response.on('error', () => {})
    handle(sim, incoming, response).catch((error: unknown) => {
      const protocol = protocolOf(requestUrl(incoming.url), incoming.headers)
      sendFailure(response, protocol, error, 'the model simulator failed')
    })
  }
}
