import type { CodegenConfig } from '@graphql-codegen/cli';

/** One job: typed documents for the client operations the tests and the dashboard send through the gateway. */
const config: CodegenConfig = {
  schema: 'schema/api.graphql',
  generates: {
    'tests/generated/graphql.ts': {
      documents: 'tests/operations/**/*.graphql',
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        scalars: { DateTimeISO: 'string', LocalDate: 'string', Decimal: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
    // The dashboard's operations as typed strings: the browser bundle needs no GraphQL parser to send them.
    'dashboard/src/generated/graphql.ts': {
      documents: 'dashboard/src/**/*.graphql',
      plugins: ['typescript-operations', 'typed-document-node'],
      config: {
        useTypeImports: true,
        enumsAsTypes: true,
        documentMode: 'string',
        scalars: { DateTimeISO: 'string', LocalDate: 'string', Decimal: 'string', JSONObject: 'Record<string, unknown>' },
      },
    },
  },
  silent: false,
};

export default config;
