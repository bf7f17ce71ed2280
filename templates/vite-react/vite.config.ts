import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// PORT and HOST come from whoever runs the dev server (Cadre's preview gives each task its own).
export default defineConfig({
  plugins: [react()],
  server: {
    host: process.env.HOST ?? '127.0.0.1',
    port: Number(process.env.PORT ?? 5173),
    strictPort: true,
  },
})
