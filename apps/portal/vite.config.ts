/// <reference types="vitest/config" />
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * Writes a brotli (`.br`) and a gzip (`.gz`) twin of each script and style sheet at build time, at
 * the highest levels (too slow per request, free once): the API serves them to browsers that
 * accept them (create-app.ts), so nothing is compressed while serving.
 */
function precompress(): Plugin {
  return {
    name: 'enroll-precompress',
    apply: 'build',
    writeBundle(options, bundle) {
      const dir = options.dir ?? 'dist';
      for (const name of Object.keys(bundle).filter((n) => /\.(js|css|svg)$/.test(n))) {
        const file = join(dir, name);
        const body = readFileSync(file);
        if (body.length < 1024) {
          continue;
        }
        writeFileSync(
          `${file}.br`,
          brotliCompressSync(body, {
            params: { [constants.BROTLI_PARAM_QUALITY]: 11, [constants.BROTLI_PARAM_SIZE_HINT]: body.length },
          }),
        );
        writeFileSync(`${file}.gz`, gzipSync(body, { level: 9 }));
      }
    },
  };
}

const lib = (path: string): string => fileURLToPath(new URL(`../../libs/${path}`, import.meta.url));
const api = process.env.ENROLL_API_URL ?? 'http://localhost:3000';

export default defineConfig({
  plugins: [react(), precompress()],
  // The portal shares the API's rules and shapes as source: @enroll/domain is plain TypeScript.
  resolve: {
    alias: { '@enroll/domain': lib('domain/src/index.ts'), '@enroll/contract': lib('contract/src/index.ts') },
  },
  build: { outDir: 'dist', emptyOutDir: true, sourcemap: true, chunkSizeWarningLimit: 300 },
  server: { proxy: { '/api': api, '/pki': api, '/health': api } },
  test: {
    environment: 'jsdom',
    setupFiles: ['./src/test/setup.ts'],
    include: ['src/**/*.test.tsx', 'src/**/*.test.ts'],
    restoreMocks: true,
  },
});
