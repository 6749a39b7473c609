// The dashboard's build. Run from the repository root as `vite build web` (root = this folder,
// output web/dist, served by the API server at `/`) or `vite web` for development, which proxies
// the API and its WebSocket to a running `arbiter serve` (ARBITER_API, default
// http://127.0.0.1:8080).
import { defineConfig, loadEnv } from 'vite';
import react from '@vitejs/plugin-react';

export default defineConfig(({ mode }) => {
  const api = loadEnv(mode, '.', 'ARBITER_').ARBITER_API ?? 'http://127.0.0.1:8080';
  return {
    plugins: [react()],
    // Relative asset URLs: the build works wherever the server mounts it.
    base: './',
    build: { outDir: 'dist', emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 1024 },
    server: {
      host: '127.0.0.1',
      proxy: {
        '/api': { target: api, changeOrigin: true },
        '/docs': { target: api, changeOrigin: true },
        '/ws': { target: api.replace(/^http/, 'ws'), ws: true },
      },
    },
  };
});
