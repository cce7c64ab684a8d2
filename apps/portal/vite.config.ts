/// <reference types="vitest/config" />
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'vite';

const lib = (path: string): string => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));
const api = process.env.ENROLL_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react()],
  // The portal shares the API's rules and shapes as source: @enroll/domain is plain TypeScript.
  resolve: { alias: { '@enroll/domain': lib('domain/src/index.ts'), '@enroll/contract': lib('contract/src/index.ts') } },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 300 },
  server: { proxy: { '/api': api, '/pki': api, '/health': api } },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    restoreMocks: true,
  },
});
