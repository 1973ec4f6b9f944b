import { defineProject } from 'vitest/config';
import vue from '@vitejs/plugin-vue';
import { sharedDomainAlias } from './vite.config.ts';

export default defineProject({
  plugins: [vue()],
  resolve: { alias: [sharedDomainAlias] },
  test: {
    name: 'web',
    environment: 'happy-dom',
    include: ['src/**/*.test.ts'],
  },
});
