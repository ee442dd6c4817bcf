/**
 * What a caller may do, in one place. A staff member's role is a set of permissions; a partner's API key carries
 * scopes, which are the same permission names. Subgraphs check permissions, never roles.
 */
export const PERMISSIONS = {
  'customers:read': 'Read customers (names, kind, organization) and their 360° view',
  'customers:write': 'Create and change customers and their identifiers',
  'customers:merge': 'Merge duplicate customers and archive them',
  'pii:read': 'Read personal data: e-mails, phones, birth dates, identifiers, consent evidence, lead contacts',
  'consents:write': 'Record consent decisions',
  'staff:read': 'Read staff and teams',
  'staff:manage': 'Create and change staff and teams',
  'leads:read': 'Read leads (row level: own and team)',
  'leads:write': 'Create, qualify, assign and convert leads (row level)',
  'opportunities:read': 'Read opportunities and pipeline summaries (row level)',
  'opportunities:write': 'Create, move and change opportunities (row level)',
  'quotes:read': 'Read quotes (row level, by their opportunity)',
  'quotes:write': 'Create, send and change quotes (row level)',
  'activities:read': 'Read calls, meetings and tasks (row level)',
  'activities:write': 'Plan and complete calls, meetings and tasks (row level)',
  'products:read': 'Read the product catalogue',
  'products:write': 'Change the product catalogue',
  'pipelines:manage': 'Configure pipelines, lead routing rules and web forms',
  'interactions:read': 'Read the omnichannel timeline',
  'interactions:write': 'Record interactions (also in bulk)',
  'marketing:read': 'Read segments, campaigns, sequences, surveys and message sends',
  'marketing:write': 'Change segments, campaigns, sequences and surveys',
  'cases:read': 'Read cases and their messages (row level: line of support and assigned)',
  'cases:write': 'Open, change and answer cases (row level)',
  'cases:manage': 'Configure case assignment rules',
  'assets:read': 'Read assets, service visits and service contracts',
  'assets:write': 'Register assets, visits and service contracts',
  'knowledge:read': 'Read the knowledge base',
  'knowledge:write': 'Write the knowledge base',
  'events:subscribe': 'Follow changes live (subscriptions)',
  'apikeys:manage': 'Create, rotate and revoke API keys',
  'webhooks:manage': 'Register, change, pause, resume and replay webhook endpoints (a key: its own)',
  'access:manage': 'Change the access policy (addresses and hours)',
  'audit:read': 'Read the audit log',
  'privacy:manage': 'Export and erase a person’s data',
  /** The platform's own plumbing (gateway and subgraphs calling each other): never granted to a person or key. */
  'platform:internal': 'Calls between the platform’s own services',
} as const;

export type Permission = keyof typeof PERMISSIONS;

export const ROLES = ['ADMIN', 'SALES_MANAGER', 'SALES_REP', 'MARKETER', 'SERVICE_AGENT', 'ANALYST'] as const;
export type Role = (typeof ROLES)[number];

const READ_ALL: Permission[] = [
  'customers:read',
  'staff:read',
  'leads:read',
  'opportunities:read',
  'quotes:read',
  'activities:read',
  'products:read',
  'interactions:read',
  'marketing:read',
  'cases:read',
  'assets:read',
  'knowledge:read',
  'events:subscribe',
];
const SELLING: Permission[] = [
  'customers:read',
  'customers:write',
  'pii:read',
  'consents:write',
  'staff:read',
  'leads:read',
  'leads:write',
  'opportunities:read',
  'opportunities:write',
  'quotes:read',
  'quotes:write',
  'activities:read',
  'activities:write',
  'products:read',
  'interactions:read',
  'interactions:write',
  'marketing:read',
  'cases:read',
  'assets:read',
  'knowledge:read',
  'events:subscribe',
];

/** Each role's permissions. Row-level rules (which leads, opportunities, cases) come on top: see row-scope.ts. */
export const ROLE_PERMISSIONS: Record<Role, readonly Permission[]> = {
  ADMIN: (Object.keys(PERMISSIONS) as Permission[]).filter((p) => p !== 'platform:internal'),
  SALES_MANAGER: [...SELLING, 'customers:merge', 'products:write', 'pipelines:manage'],
  SALES_REP: SELLING,
  MARKETER: [
    'customers:read',
    'consents:write',
    'staff:read',
    'products:read',
    'interactions:read',
    'interactions:write',
    'marketing:read',
    'marketing:write',
    'opportunities:read',
    'knowledge:read',
    'events:subscribe',
  ],
  SERVICE_AGENT: [
    'customers:read',
    'customers:write',
    'pii:read',
    'consents:write',
    'staff:read',
    'products:read',
    'interactions:read',
    'cases:read',
    'cases:write',
    'assets:read',
    'assets:write',
    'knowledge:read',
    'knowledge:write',
    'events:subscribe',
  ],
  ANALYST: READ_ALL,
};

/** What an API key may be given: everything a person may do, except managing access itself. */
export const API_KEY_SCOPES: readonly Permission[] = (Object.keys(PERMISSIONS) as Permission[]).filter(
  (p) => !['platform:internal', 'apikeys:manage', 'access:manage', 'staff:manage'].includes(p),
);

export const isPermission = (value: string): value is Permission => Object.hasOwn(PERMISSIONS, value);
export const isRole = (value: string): value is Role => (ROLES as readonly string[]).includes(value);

/** The README's role table, from the declarations above (a test keeps the README equal to it). */
export function permissionTable(): string {
  const header = `| permission | ${ROLES.join(' | ')} | API key |`;
  const rule = `|---|${ROLES.map(() => ':-:').join('|')}|:-:|`;
  const rows = (Object.keys(PERMISSIONS) as Permission[])
    .filter((p) => p !== 'platform:internal')
    .map(
      (p) =>
        `| \`${p}\` ${PERMISSIONS[p]} | ${ROLES.map((r) => (ROLE_PERMISSIONS[r].includes(p) ? '✓' : '')).join(' | ')} | ${API_KEY_SCOPES.includes(p) ? 'scope' : ''} |`,
    );
  return [header, rule, ...rows].join('\n');
}
