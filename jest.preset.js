// Shared Jest setup: @swc/jest compiles TypeScript (and the ESM-only NestJS 12 packages) to
// CommonJS with decorator metadata; workspace libraries resolve to their sources.
const path = require('node:path');

module.exports = {
  testEnvironment: 'node',
  transform: {
    '^.+\\.(t|j|mj)s$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
        },
        module: { type: 'commonjs' },
      },
    ],
  },
  transformIgnorePatterns: [
    '/node_modules/(?!(@nestjs|file-type|strtok3|token-types|@tokenizer|uint8array-extras|@borewit)/)',
  ],
  moduleFileExtensions: ['ts', 'js', 'mjs', 'json'],
  moduleNameMapper: {
    '^@enroll/pki$': path.join(__dirname, 'libs/pki/src/index.ts'),
    '^@enroll/domain$': path.join(__dirname, 'libs/domain/src/index.ts'),
    '^@enroll/migrations$': path.join(__dirname, 'migrations/src/index.ts'),
    '^@enroll/contract$': path.join(__dirname, 'libs/contract/src/index.ts'),
  },
};
