// ESLint flat config: typescript-eslint with type information (the tsconfig.json project), so the
// rules that need types run: floating / misused promises, exhaustive switches. `npm run lint`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['node_modules/', '.data/', '.tools/', 'dist/', 'coverage/', 'test/fixtures/', 'eslint.config.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {
      parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname },
    },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      // the point of this config: errors
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', { considerDefaultExhaustiveForUnions: true }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none', ignoreRestSiblings: true }],
      // noise for this codebase's style (tsc's strict mode already holds it), kept off:
      // - no-unsafe-*: values parsed from JSON / provider SDKs are narrowed by zod or by hand where used
      '@typescript-eslint/no-unsafe-assignment': 'off',
      '@typescript-eslint/no-unsafe-member-access': 'off',
      '@typescript-eslint/no-unsafe-argument': 'off',
      '@typescript-eslint/no-unsafe-return': 'off',
      '@typescript-eslint/no-unsafe-call': 'off',
      // - `${n}` of numbers and the like in log lines and messages is intended
      '@typescript-eslint/restrict-template-expressions': 'off',
      // - `async` handlers without an await satisfy an interface that returns a promise
      '@typescript-eslint/require-await': 'off',
      // - the non-null `!` after a check the compiler cannot follow (noUncheckedIndexedAccess)
      '@typescript-eslint/no-non-null-assertion': 'off',
      // - empty catch blocks with a comment are the "nothing to do" of best-effort cleanup
      'no-empty': ['error', { allowEmptyCatch: true }],
    },
  },
  {
    // tests: vitest's expect(...).rejects and fire-and-forget servers are awaited through the harness
    files: ['test/**/*.ts'],
    rules: {
      '@typescript-eslint/unbound-method': 'off',
    },
  },
);
