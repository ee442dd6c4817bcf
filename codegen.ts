import type { CodegenConfig } from '@graphql-codegen/cli';

/** One job: typed documents for the client operations the tests (and examples) send through the gateway. */
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  documents: 'tests/operations/**/*.graphql',
  generates: {
    'tests/generated/graphql.ts': {
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', LocalDate: 'string', Decimal: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
  silent: false,
};

export default config;
