import { defineConfig } from 'vite';

/**
 * The live dashboard, served by the gateway under /dashboard (gateway/dashboard.ts). Vite's own oxc transform
 * compiles the TSX (React's automatic JSX runtime): no framework plugin needed.
 */
export default defineConfig({
  root: import.meta.dirname,
  base: '/dashboard/',
  oxc: { jsx: { runtime: 'automatic' } },
  build: { outDir: 'dist', emptyOutDir: true, chunkSizeWarningLimit: 1000 },
  logLevel: 'warn',
});
