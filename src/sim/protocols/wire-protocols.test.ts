import { anthropicMessages } from './anthropic-messages.ts'
import { gemini } from './gemini.ts'
import { openaiChat } from './openai-chat.ts'
import { openaiResponses } from './openai-responses.ts'
import { wireProtocolContract } from './wire-protocol.contract.ts'

const schema = { type: 'object', properties: {} }

wireProtocolContract(anthropicMessages, {
  body: {
    model: 'm',
    max_tokens: 10,
    messages: [{ role: 'user', content: 'hello' }],
    tools: [{ name: 'write', input_schema: schema }],
  },
  terminal: /^event: message_stop\n/,
})

wireProtocolContract(openaiResponses, {
  body: { model: 'm', input: 'hello', tools: [{ type: 'function', name: 'write', parameters: schema }] },
  terminal: /^event: response\.completed\n/,
})

wireProtocolContract(openaiChat, {
  body: {
    model: 'm',
    messages: [{ role: 'user', content: 'hello' }],
    tools: [{ type: 'function', function: { name: 'write', parameters: schema } }],
    stream_options: { include_usage: true },
  },
  terminal: /^data: \[DONE\]\n/,
})

wireProtocolContract(gemini, {
  body: {
    contents: [{ role: 'user', parts: [{ text: 'hello' }] }],
    tools: [{ functionDeclarations: [{ name: 'write', parameters: schema }] }],
  },
  hints: { model: 'm', stream: true },
  terminal: /"finishReason"/,
})
