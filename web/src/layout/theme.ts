export type Theme = 'light' | 'dark'

const key = 'cadre.theme'

/** The theme chosen on this browser, else the system's. */
export const initialTheme = (): Theme => {
  const saved = localStorage.getItem(key)
  if (saved === 'light' || saved === 'dark') return saved
  return matchMedia('(prefers-color-scheme: dark)').matches ? 'dark' : 'light'
}

export const applyTheme = (theme: Theme): void => {
  document.documentElement.classList.toggle('dark', theme === 'dark')
  localStorage.setItem(key, theme)
}
