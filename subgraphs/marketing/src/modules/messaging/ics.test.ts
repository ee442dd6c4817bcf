import { calendarInvite, icsUtc } from './ics.js';

const event = {
  uid: 'lead-42@crm',
  start: new Date('2026-11-21T15:00:00+01:00'),
  end: new Date('2026-11-21T16:00:00+01:00'),
  summary: 'Test drive; family SUV, 7 seats',
  description: 'Your request:\nmodel Family SUV',
  stamp: new Date('2026-11-16T21:05:09.123Z'),
};

describe('calendarInvite', () => {
  it('writes one VEVENT inside a VCALENDAR with a REQUEST method and CRLF line ends', () => {
    const ics = calendarInvite(event);
    const lines = ics.split('\r\n');
    expect(lines.slice(0, 5)).toEqual(['BEGIN:VCALENDAR', 'VERSION:2.0', 'PRODID:-//CRM//Marketing//EN', 'CALSCALE:GREGORIAN', 'METHOD:REQUEST']);
    expect(lines).toContain('BEGIN:VEVENT');
    expect(lines).toContain('UID:lead-42@crm');
    expect(lines.at(-2)).toBe('END:VCALENDAR');
    expect(ics.endsWith('\r\n')).toBe(true);
    expect(ics.replace(/\r\n/g, '')).not.toContain('\n');
  });

  it('writes start, end and stamp in UTC', () => {
    const lines = calendarInvite(event).split('\r\n');
    expect(lines).toContain('DTSTART:20261121T140000Z');
    expect(lines).toContain('DTEND:20261121T150000Z');
    expect(lines).toContain('DTSTAMP:20261116T210509Z');
    expect(icsUtc(new Date('2026-01-02T03:04:05.678Z'))).toBe('20260102T030405Z');
  });

  it('escapes text values', () => {
    const lines = calendarInvite(event).split('\r\n');
    expect(lines).toContain('SUMMARY:Test drive\\; family SUV\\, 7 seats');
    expect(lines).toContain('DESCRIPTION:Your request:\\nmodel Family SUV');
  });

  it('folds lines longer than 75 octets', () => {
    const ics = calendarInvite({ ...event, description: 'Ř'.repeat(100) });
    for (const line of ics.split('\r\n')) expect(Buffer.byteLength(line)).toBeLessThanOrEqual(75);
    expect(ics.replace(/\r\n /g, '')).toContain(`DESCRIPTION:${'Ř'.repeat(100)}`);
  });

  it('refuses an event that does not end after it starts', () => {
    expect(() => calendarInvite({ ...event, end: event.start })).toThrow(RangeError);
  });
});
