// ESLint with typescript-eslint's type-checked recommended rules over the product's code (src) and
// the scripts that build, benchmark and judge it. `npm run lint` runs it with zero warnings
// allowed; `npm test` runs it before the test layers.
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['out/**', 'dist/**', 'node_modules/**', '.test-output/**', 'test/**', 'scripts/**/*.js', '*.mjs'] },
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // require() inside a function is deliberate here: modules loaded on first use (the .msg
      // reader, mailauth's internals, the bench's child processes) keep start-up and bundles small
      '@typescript-eslint/no-require-imports': 'off',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
    },
  },
);
