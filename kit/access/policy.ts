import { BlockList, isIP } from 'node:net';

/**
 * Where and when a caller may call: CIDR ranges and hours of the day in a time zone. The rules are data (an
 * organisation-wide policy, per role, per API key); this is how one is evaluated.
 */
export interface AccessRule {
  /** Allowed client networks, e.g. 192.0.2.0/24 or 2001:db8::/32; empty: any address. */
  cidrs: readonly string[];
  /** Allowed local hours, e.g. 07:00–19:00 on MON–SAT; null: any time. */
  hours: { from: string; to: string; days: readonly Weekday[]; timeZone: string } | null;
}

export const WEEKDAYS = ['MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT', 'SUN'] as const;
export type Weekday = (typeof WEEKDAYS)[number];

/** A CIDR string's parts, or null when it is not one. */
export function parseCidr(cidr: string): { address: string; prefix: number; family: 'ipv4' | 'ipv6' } | null {
  const [address, bits, extra] = cidr.trim().split('/');
  if (!address || extra !== undefined) return null;
  const version = isIP(address);
  if (!version) return null;
  const max = version === 4 ? 32 : 128;
  const prefix = bits === undefined ? max : Number(bits);
  if (!Number.isInteger(prefix) || prefix < 0 || prefix > max || (bits !== undefined && !/^\d+$/.test(bits))) return null;
  return { address, prefix, family: version === 4 ? 'ipv4' : 'ipv6' };
}

/** Node's own address matching (BlockList), with IPv4-mapped IPv6 addresses (::ffff:a.b.c.d) seen as IPv4. */
export function addressAllowed(ip: string | null, cidrs: readonly string[]): boolean {
  if (cidrs.length === 0) return true;
  if (!ip) return false;
  const address = ip.startsWith('::ffff:') && isIP(ip.slice(7)) === 4 ? ip.slice(7) : ip;
  const family = isIP(address) === 4 ? 'ipv4' : isIP(address) === 6 ? 'ipv6' : null;
  if (!family) return false;
  const list = new BlockList();
  for (const cidr of cidrs) {
    const parsed = parseCidr(cidr);
    if (parsed) list.addSubnet(parsed.address, parsed.prefix, parsed.family);
  }
  return list.check(address, family);
}

const minutes = (hhmm: string) => {
  const [h, m] = hhmm.split(':').map(Number);
  return h! * 60 + m!;
};

/** The weekday and minute of the day at `at` in `timeZone`. */
function localTime(at: Date, timeZone: string): { day: Weekday; minute: number } {
  const parts = new Intl.DateTimeFormat('en-GB', { timeZone, weekday: 'short', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).formatToParts(at);
  const get = (type: string) => parts.find((p) => p.type === type)!.value;
  return { day: get('weekday').toUpperCase().slice(0, 3) as Weekday, minute: Number(get('hour')) * 60 + Number(get('minute')) };
}

/** Null when the call may go ahead; otherwise why not, in words a person understands. */
export function ruleRefusal(rule: AccessRule, ip: string | null, at: Date, name: string): string | null {
  if (!addressAllowed(ip, rule.cidrs)) return `${name} allows calls only from ${rule.cidrs.join(', ')}; this one came from ${ip ?? 'an unknown address'}`;
  if (rule.hours) {
    const { day, minute } = localTime(at, rule.hours.timeZone);
    const [from, to] = [minutes(rule.hours.from), minutes(rule.hours.to)];
    const inHours = from <= to ? minute >= from && minute < to : minute >= from || minute < to;
    if (!rule.hours.days.includes(day) || !inHours) {
      return `${name} allows calls only ${rule.hours.days.join(', ')} ${rule.hours.from}–${rule.hours.to} (${rule.hours.timeZone})`;
    }
  }
  return null;
}

/** Live sockets whose caller has hours are checked again at least this often (a change of clocks moves the end). */
export const HOURS_RECHECK_MS = 15 * 60_000;

/**
 * When the hours a rule allows at `at` end: the next moment a call would be refused for the time (`to`, or midnight
 * before a day the rule does not list); null when the rule has no hours or `at` is outside them. Reckoned in the
 * rule's local time as it is at `at`: a change of clocks before then moves the real end by up to an hour, so whoever
 * waits for it checks again sooner too (HOURS_RECHECK_MS).
 */
export function hoursEnd(rule: AccessRule, at: Date): Date | null {
  if (!rule.hours || ruleRefusal({ cidrs: [], hours: rule.hours }, null, at, '') !== null) return null;
  const { day, minute } = localTime(at, rule.hours.timeZone);
  const [from, to] = [minutes(rule.hours.from), minutes(rule.hours.to)];
  const nextDay = WEEKDAYS[(WEEKDAYS.indexOf(day) + 1) % WEEKDAYS.length]!;
  // Overnight hours (22:00–06:00) go on past midnight only into a day the rule lists.
  const left = from <= to || minute < to ? to - minute : MINUTES_A_DAY - minute + (rule.hours.days.includes(nextDay) ? to : 0);
  const minuteStart = at.getTime() - (at.getTime() % 60_000);
  return new Date(minuteStart + left * 60_000);
}

const MINUTES_A_DAY = 24 * 60;

export const isTimeOfDay = (value: string) => /^([01]\d|2[0-3]):[0-5]\d$/.test(value);
export const isTimeZone = (value: string) => {
  try {
    new Intl.DateTimeFormat('en', { timeZone: value });
    return true;
  } catch {
    return false;
  }
};
