import type { SimMessageReply } from '../sim-reply.ts'
import type { SimProtocol, SimRequest } from '../sim-request.ts'
import type { StreamFrame } from './stream-frame.ts'

/** What the URL says about a request before its body is read (Gemini puts model and streaming there). */
export interface RouteHints {
  model?: string
  stream?: boolean
}

/** One provider wire protocol: reads its request bodies and writes replies the way the service does. */
export interface WireProtocol {
  readonly name: SimProtocol
  /** The body in protocol-free terms; throws SimInputError naming each field that is wrong. */
  parse(body: unknown, hints: RouteHints): SimRequest
  /** The whole reply as the JSON body of a non-streaming response. */
  json(reply: SimMessageReply, request: SimRequest): unknown
  /**
   * The reply as stream frames, in order. When `reply.cut` is set: the frames up to the middle of
   * the last part, with no closing or terminal event.
   */
  stream(reply: SimMessageReply, request: SimRequest): StreamFrame[]
}
