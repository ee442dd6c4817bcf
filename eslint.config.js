// Lint rules the code keeps (run by `npm run lint`, part of `npm test`): typescript-eslint's type-aware checks, and
// the ownership boundary: a subgraph imports only its own code, the kit and packages; the kit imports no subgraph.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const SUBGRAPHS = ['identity', 'sales', 'marketing', 'service'];

export default tseslint.config(
  { ignores: ['node_modules/**', '**/dist/**', 'tests/generated/**', 'dashboard/src/generated/**', '.data/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts', '**/*.tsx'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: import.meta.dirname } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': ['error', { checksVoidReturn: false }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', caughtErrors: 'none' }],
      // Class-based entities and decorators need an empty object type now and then.
      '@typescript-eslint/no-unsafe-function-type': 'off',
      'no-control-regex': 'off',
    },
  },
  ...SUBGRAPHS.map((name) => ({
    files: [`subgraphs/${name}/**/*.ts`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: SUBGRAPHS.filter((other) => other !== name)
                .flatMap((other) => [`**/${other}/src/**`, `**/subgraphs/${other}/**`, `@crm/${other}`, `@crm/${other}/**`])
                .concat(['**/gateway/**', '@crm/gateway', '@crm/gateway/**']),
              message: `A subgraph reads and writes only its own data: reach another domain through the graph or its events (ADR 1).`,
            },
            { group: ['**/kit/**', '!@crm/kit/**'], message: 'Import the kit by its package name: @crm/kit/<file>.js.' },
          ],
        },
      ],
    },
  })),
  {
    files: ['kit/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            {
              group: ['**/gateway/**', '**/subgraphs/**', '@crm/*', '!@crm/kit'],
              message: 'The kit is shared by every service and holds no domain data: it imports none of them (nor @crm/demo).',
            },
          ],
        },
      ],
    },
  },
);
