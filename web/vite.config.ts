import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vite';
import vue from '@vitejs/plugin-vue';

/**
 * Runtime values from shared/ (rule names, ballot checks) come from its pure domain module:
 * the package root also builds the TypeBox wire schemas at import time, which no client needs
 * to run. Types still come from '@piaojue/shared'.
 */
export const sharedDomainAlias = {
  find: /^@piaojue\/shared\/domain$/,
  replacement: fileURLToPath(new URL('../shared/src/domain/index.ts', import.meta.url)),
};

export default defineConfig({
  plugins: [vue()],
  resolve: { alias: [sharedDomainAlias] },
  server: {
    proxy: {
      '/api': { target: 'http://127.0.0.1:3000', ws: true, changeOrigin: false },
    },
  },
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
  },
});
