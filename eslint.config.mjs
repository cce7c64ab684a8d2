import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Boundaries (docs/design.md, "Layers"): dependencies point one way, apps -> libs. A lib imports
 * no app and no framework; an app imports no other app; another project is imported by its
 * package name, never by a relative path across projects.
 */
const APPS = [
  '@enroll/api',
  '@enroll/api/*',
  '@enroll/portal',
  '@enroll/portal/*',
  '@enroll/client',
  '@enroll/client/*',
];
const ACROSS_PROJECTS = {
  group: ['**/apps/**', '**/libs/**', '**/migrations/src/**'],
  message: 'Import another project by its package name.',
};
const restrict = (paths, message, extra = []) => [
  'error',
  { patterns: [{ group: paths, message }, ACROSS_PROJECTS, ...extra] },
];

export default tseslint.config(
  {
    ignores: [
      '**/dist/**',
      '**/node_modules/**',
      '**/coverage/**',
      '**/*.js',
      '**/*.mjs',
      '**/*.cjs',
      'data/**',
      '.nx/**',
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.strictTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    rules: {
      eqeqeq: ['error', 'always'],
      curly: ['error', 'all'],
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/restrict-template-expressions': ['error', { allowNumber: true, allowBoolean: true }],
      '@typescript-eslint/no-extraneous-class': ['error', { allowWithDecorator: true }],
      'no-console': 'off',
      '@typescript-eslint/no-confusing-void-expression': ['error', { ignoreArrowShorthand: true }],
      // Flags plain option objects passed to framework classes (NestFactory, class-validator): noise here.
      '@typescript-eslint/no-unsafe-class-instance-assignment': 'off',
    },
  },
  {
    files: ['libs/*/src/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        [...APPS, '@nestjs/*', 'typeorm', 'pg', 'express', 'react', 'react-dom', 'react/*'],
        'Libraries import no app and no framework.',
      ),
    },
  },
  {
    files: ['apps/api/src/**/*.ts', 'apps/api/test/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        APPS.filter((a) => !a.startsWith('@enroll/api')).concat(['react', 'react-dom']),
        'The API imports no other app.',
        // The authority is reached through its module's index, never its files.
        [
          {
            group: ['**/authority/*', '!**/authority/index'],
            message: "Import the authority from its index ('../authority').",
          },
        ],
      ),
    },
  },
  {
    files: ['apps/portal/src/**/*.{ts,tsx}'],
    rules: {
      'no-restricted-imports': restrict(
        APPS.filter((a) => !a.startsWith('@enroll/portal')).concat(['@nestjs/*', 'typeorm', 'pg', 'express']),
        'The portal talks to the API over HTTP; it shares types through @enroll/contract.',
      ),
    },
  },
  {
    files: ['apps/client/src/**/*.ts'],
    rules: {
      'no-restricted-imports': restrict(
        APPS.filter((a) => !a.startsWith('@enroll/client')).concat([
          '@nestjs/*',
          'typeorm',
          'pg',
          'express',
          'react',
          'react-dom',
        ]),
        'The client talks to the API over HTTP; it shares types through @enroll/contract.',
      ),
    },
  },
  {
    files: ['apps/portal/src/**/*.{ts,tsx}'],
    plugins: { 'react-hooks': reactHooks },
    // The classic hook rules; the React Compiler rules of 'recommended' do not apply (no compiler here).
    rules: { 'react-hooks/rules-of-hooks': 'error', 'react-hooks/exhaustive-deps': 'error' },
  },
  {
    files: ['**/*.spec.ts', '**/*.int-spec.ts', '**/test/**/*.{ts,tsx}', '**/*.test.{ts,tsx}', 'bench/**/*.ts'],
    rules: {
      '@typescript-eslint/no-non-null-assertion': 'off',
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
    },
  },
);
