import { escapeLike } from '@crm/kit/sql.js';
import { badInput } from '@crm/kit/errors.js';
import type { SegmentCondition, SegmentRuleGroup } from './segment.rules.js';

export interface CompiledRules {
  /** A boolean SQL condition over `customer_profile t` (t.id is the customer id) with `?` placeholders. */
  sql: string;
  params: unknown[];
  /**
   * For rules with `withinDays` windows: a timestamptz expression over `t`, the first moment one of the interactions
   * a window counts falls out of it, when the condition's truth can change with time alone (null when none is in a
   * window). Counts only shrink as time passes, so between such moments only a change of data changes membership.
   */
  due: { sql: string; params: unknown[] } | null;
}

const MAX_DEPTH = 5;
const MAX_CONDITIONS = 50;
const DAY_MS = 86_400_000;
const PROFILE_COLUMNS = { CITY: 't.city', GENDER: 't.gender', PREFERRED_LANGUAGE: 't.preferred_language', OCCUPATION: 't.occupation' } as const;

const likePattern = (text: string) => `%${escapeLike(text)}%`;

/**
 * Turns a segment's rule tree into one parameterized SQL condition evaluated by PostgreSQL.
 * Only column names from fixed maps reach the SQL text; every value travels as a parameter.
 */
export function compileRules(rules: SegmentRuleGroup, now: Date): CompiledRules {
  const params: unknown[] = [];
  const dues: Array<{ sql: string; params: unknown[] }> = [];
  let conditions = 0;

  function group(node: SegmentRuleGroup, path: string, depth: number): string {
    if (depth > MAX_DEPTH) throw badInput(`${path}: groups nest at most ${MAX_DEPTH} levels deep`, path);
    if (node.operator !== 'AND' && node.operator !== 'OR') throw badInput(`${path}.operator must be AND or OR`, `${path}.operator`);
    const parts = [
      ...(node.conditions ?? []).map((c, i) => condition(c, `${path}.conditions[${i}]`)),
      ...(node.groups ?? []).map((g, i) => group(g, `${path}.groups[${i}]`, depth + 1)),
    ];
    if (parts.length === 0) throw badInput(`${path} is an empty group: give it at least one condition or group`, path);
    return `(${parts.join(` ${node.operator.toLowerCase()} `)})`;
  }

  function condition(node: SegmentCondition, path: string): string {
    if (++conditions > MAX_CONDITIONS) throw badInput(`A segment has at most ${MAX_CONDITIONS} conditions`, path);
    const kinds = (['profile', 'consent', 'interactions', 'opportunity'] as const).filter((k) => node[k] != null);
    if (kinds.length !== 1) throw badInput(`${path} must set exactly one of profile, consent, interactions, opportunity`, path);
    if (node.profile) {
      const column = PROFILE_COLUMNS[node.profile.field];
      if (!column) throw badInput(`${path}.profile.field is not a profile field segments know`, `${path}.profile.field`);
      const value = node.profile.value?.trim();
      switch (node.profile.operator) {
        case 'IS_SET':
          return `${column} is not null`;
        case 'IS_NOT_SET':
          return `${column} is null`;
      }
      if (!value) throw badInput(`${path}.profile.value is required for ${node.profile.operator}`, `${path}.profile.value`);
      switch (node.profile.operator) {
        case 'EQUALS':
          params.push(value);
          return `lower(${column}) = lower(?)`;
        case 'NOT_EQUALS':
          params.push(value);
          return `lower(${column}) is distinct from lower(?)`;
        case 'CONTAINS':
          params.push(likePattern(value));
          return `${column} ilike ?`;
        default:
          throw badInput(`${path}.profile.operator is unknown`, `${path}.profile.operator`);
      }
    }
    if (node.consent) {
      const purpose = node.consent.purpose.trim();
      if (!purpose) throw badInput(`${path}.consent.purpose must not be empty`, `${path}.consent.purpose`);
      params.push(purpose);
      const channel = node.consent.channel?.trim();
      if (channel) params.push(channel);
      // With a channel: that channel's decision wins, else the ANY decision (as the send service decides).
      const granted = channel
        ? `coalesce((select cs.granted from consent_state cs where cs.customer_id = t.id and cs.purpose = ? and cs.channel in (?, 'ANY')
            order by cs.channel = 'ANY' limit 1), false)`
        : 'exists (select 1 from consent_state cs where cs.customer_id = t.id and cs.purpose = ? and cs.granted)';
      return node.consent.granted ? granted : `not ${granted}`;
    }
    if (node.opportunity) {
      const open = 'exists (select 1 from opportunity_state o where o.customer_id = t.id and o.is_open)';
      return node.opportunity.hasOpen ? open : `not ${open}`;
    }
    return interactions(node.interactions!, `${path}.interactions`);
  }

  function interactions(node: NonNullable<SegmentCondition['interactions']>, path: string): string {
    if (!Number.isInteger(node.withinDays) || node.withinDays < 1 || node.withinDays > 3650) {
      throw badInput(`${path}.withinDays must be between 1 and 3650 days, got ${node.withinDays}`, `${path}.withinDays`);
    }
    const atMost = node.atMost ?? null;
    if (node.atLeast < 0 || (atMost === null && node.atLeast < 1)) throw badInput(`${path}.atLeast must be at least 1 (or 0 with atMost)`, `${path}.atLeast`);
    if (atMost !== null && atMost < node.atLeast) throw badInput(`${path}.atMost must not be below atLeast`, `${path}.atMost`);
    const filters = ['i.customer_id = t.id', 'i.occurred_at >= ?'];
    const filterParams: unknown[] = [new Date(now.getTime() - node.withinDays * DAY_MS)];
    if (node.type) {
      filters.push('i.type = ?::interaction_type');
      filterParams.push(node.type);
    }
    if (node.channel) {
      filters.push('i.channel = ?::interaction_channel');
      filterParams.push(node.channel);
    }
    if (node.property) {
      const key = node.property.key.trim();
      if (!key || !node.property.contains) throw badInput(`${path}.property needs a key and a text to contain`, `${path}.property`);
      filters.push('i.properties ->> ? ilike ?');
      filterParams.push(key, likePattern(node.property.contains));
    }
    const matching = `from interaction i where ${filters.join(' and ')}`;
    // In hours, as the window's start is computed: a day of an interval is a calendar day, 23 or 25 hours at a change
    // of summer time in the session's time zone.
    dues.push({ sql: `(select min(i.occurred_at) ${matching}) + ?::interval`, params: [...filterParams, `${node.withinDays * 24} hours`] });
    // Counted only as far as the comparison needs (atLeast, or one past atMost): a customer with thousands of page
    // views costs a few index entries, not all of them. The order is the indexes' (customer, type or channel, time):
    // without it, a LIMIT makes a scan of the whole table look cheap wherever the statistics promise many matches.
    // The comparison is made inside, so that BETWEEN does not run the count twice.
    params.push(node.atLeast, ...(atMost === null ? [] : [atMost]), ...filterParams, (atMost ?? node.atLeast - 1) + 1);
    const comparison = atMost === null ? 'count(*) >= ?' : 'count(*) between ? and ?';
    return `(select ${comparison} from (select ${matching} order by i.occurred_at desc limit ?) counted)`;
  }

  const sql = group(rules, 'rules', 1);
  const due = dues.length === 0 ? null : { sql: `least(${dues.map((d) => d.sql).join(', ')})`, params: dues.flatMap((d) => d.params) };
  return { sql, params, due };
}
