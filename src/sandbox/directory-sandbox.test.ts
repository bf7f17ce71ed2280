import { openDirectorySandbox } from './directory-sandbox.ts'
import { describeSandboxContract } from './sandbox.contract.ts'

describeSandboxContract('a plain directory', openDirectorySandbox)
