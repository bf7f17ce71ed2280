import {
  type KyselyPlugin,
  OperationNodeTransformer,
  type PrimitiveValueListNode,
  type ValueNode,
} from 'kysely'
import { CadreError } from '../core/errors.ts'

const refuse = (value: unknown) => {
  if (typeof value === 'string' && value.includes('\0')) {
    throw new CadreError(
      'bad_request',
      'text with a NUL character (\\u0000) can be neither stored nor looked up: PostgreSQL text cannot hold one',
    )
  }
}

class NulRefuser extends OperationNodeTransformer {
  protected override transformValue(node: ValueNode): ValueNode {
    refuse(node.value)
    return super.transformValue(node)
  }

  protected override transformPrimitiveValueList(node: PrimitiveValueListNode): PrimitiveValueListNode {
    for (const value of node.values) refuse(value)
    return super.transformPrimitiveValueList(node)
  }
}

/**
 * PostgreSQL refuses a NUL in text, as an error of its own that would be an internal one: a value
 * with one (an id, a name, a prompt from a request) is refused before the query as the caller's.
 */
export const refuseNulText: KyselyPlugin = {
  transformQuery: ({ node }) => new NulRefuser().transformNode(node),
  transformResult: async ({ result }) => result,
}
