import { readFile } from 'node:fs/promises';
import { buildSchema } from 'graphql';
import { CriticalityLevel, diff, type Change } from '@graphql-inspector/core';

/**
 * A breaking change the client teams were told of: `path` as graphql-inspector names the changed place
 * (`Type.field`, `Type.field.argument`, `Enum.VALUE`, `Input.field`), why, and the release that makes it.
 */
export interface Announcement {
  path: string;
  reason: string;
  release: string;
}

export interface SchemaReport {
  /** Breaking and not announced: the check fails on these. */
  unannounced: Change[];
  announced: Array<{ change: Change; announcement: Announcement }>;
  dangerous: Change[];
  safe: Change[];
  /** Announcements that match no breaking change (already released, or a typo in the path). */
  stale: Announcement[];
}

/** Compares the client schema with the last released one (graphql-inspector) and sorts the changes. */
export async function compareSchemas(releasedSdl: string, currentSdl: string, announcements: Announcement[]): Promise<SchemaReport> {
  const changes = await diff(buildSchema(releasedSdl), buildSchema(currentSdl));
  const byPath = new Map(announcements.map((a) => [a.path, a]));
  const report: SchemaReport = { unannounced: [], announced: [], dangerous: [], safe: [], stale: [] };
  const used = new Set<string>();
  for (const change of changes) {
    if (change.criticality.level === CriticalityLevel.Breaking) {
      const announcement = change.path ? byPath.get(change.path) : undefined;
      if (announcement) {
        report.announced.push({ change, announcement });
        used.add(announcement.path);
      } else report.unannounced.push(change);
    } else if (change.criticality.level === CriticalityLevel.Dangerous) report.dangerous.push(change);
    else report.safe.push(change);
  }
  report.stale = announcements.filter((a) => !used.has(a.path));
  return report;
}

/** The announcements file: a JSON list of { path, reason, release }, refused with a clear message when malformed. */
export async function readAnnouncements(file: string): Promise<Announcement[]> {
  const list: unknown = JSON.parse(await readFile(file, 'utf8'));
  const valid = (a: unknown): a is Announcement =>
    !!a && typeof a === 'object' && ['path', 'reason', 'release'].every((key) => typeof (a as Record<string, unknown>)[key] === 'string');
  if (!Array.isArray(list) || !list.every(valid)) throw new Error(`${file} must be a JSON list of { "path", "reason", "release" }`);
  return list;
}

/** The report as people read it in CI's log. */
export function describeReport(report: SchemaReport): string {
  const line = (change: Change) => `  ${change.path ?? '(schema)'}: ${change.message}`;
  const section = (title: string, lines: string[]) => (lines.length ? [`${title} (${lines.length}):`, ...lines, ''] : []);
  // The long lists first, so what fails the check stands right above the verdict at the end of CI's log.
  return [
    ...section('Safe', report.safe.map(line)),
    ...section('Dangerous (clients may need to handle it, e.g. a new enum value or argument)', report.dangerous.map(line)),
    ...section(
      'Breaking, announced',
      report.announced.map(({ change, announcement }) => `${line(change)} (release ${announcement.release}: ${announcement.reason})`),
    ),
    ...section(
      'Announcements that match no breaking change (remove them once released)',
      report.stale.map((a) => `  ${a.path}`),
    ),
    ...section(
      'BREAKING, not announced: keep the old form deprecated for a release, or announce it in schema/announced-breaking-changes.json',
      report.unannounced.map(line),
    ),
    report.unannounced.length
      ? `schema:check failed: ${report.unannounced.length} unannounced breaking change(s).`
      : `schema:check passed: no unannounced breaking change (${report.announced.length} announced, ${report.dangerous.length} dangerous, ${report.safe.length} safe).`,
  ].join('\n');
}
