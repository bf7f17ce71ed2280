import tailwindcss from '@tailwindcss/vite'
import react from '@vitejs/plugin-react'
import { defineConfig } from 'vite'

// The web UI, built into web/dist and served by `cadre serve` at `/`. In development (`npm run
// dev:web`) Vite serves it and sends the API and the stream on to a running `cadre serve`.
export default defineConfig({
  root: import.meta.dirname,
  plugins: [react(), tailwindcss()],
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true },
  server: {
    proxy: {
      '/api': { target: process.env.CADRE_URL ?? 'http://127.0.0.1:7878', ws: true },
    },
  },
})
