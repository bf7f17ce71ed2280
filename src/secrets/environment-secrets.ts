// Variables whose names say they hold a credential; their values are secrets wherever they appear.
const secretName = /(?:^|_)(?:API_?KEY|KEY|TOKEN|SECRET|PASSWORD|PASSWD|CREDENTIALS?)(?:_|$)/i

/** Secret values found in an environment: credential-named variables and passwords in URLs. */
export const environmentSecrets = (env: NodeJS.ProcessEnv): string[] => {
  const values: string[] = []
  for (const [name, value] of Object.entries(env)) {
    if (!value) continue
    if (secretName.test(name)) values.push(value)
    const password = urlPassword(value)
    if (password) values.push(password)
  }
  return values
}

const urlPassword = (value: string): string | undefined => {
  if (!/^[a-z][a-z0-9+.-]*:\/\/[^/\s]*:[^/\s]*@/i.test(value)) return undefined
  try {
    return decodeURIComponent(new URL(value).password) || undefined
  } catch {
    return undefined
  }
}
