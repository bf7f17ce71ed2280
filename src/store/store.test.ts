import { engines } from '../../test/support/test-stores.ts'
import { describeStoreContract } from './store.contract.ts'

for (const engine of engines) describeStoreContract(engine)
