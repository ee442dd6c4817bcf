/** The report's sections: each measurement held against its target, its peer, or issue 11's baseline. */
import type { DataSet } from './dataset.js';
import { totalCpu, type LoadRun } from './load.js';
import { sumOf } from './proc.js';
import { CONNECTIONS, connectionsText, type Measurements } from './measure.js';
import type { Figure, Section } from './report.js';
import type { FanOut } from './fan-out.js';

/** Measured by issue 11 on this machine kind before any of its work (10k customers, `npm start` then). */
const BASELINE = 'issue 11 baseline';
const TARGET = 'issue 11 target';
const BASELINE_CPU: Record<string, number> = { gateway: 2.9, identity: 2.9, sales: 2.7, marketing: 2.6, service: 2.3, postgres: 3.2 };
const PROCESS_NAMES: Record<string, string> = { postgres: 'PostgreSQL' };
const processName = (name: string) => PROCESS_NAMES[name] ?? name;

const fig = (name: string, value: number | null, unit: string, ref?: Figure['ref'], note?: string): Figure => ({ name, value, unit, ref, note });
const latencies = (label: string, run: LoadRun, peer: LoadRun, peerLabel: string): Figure[] =>
  (['p50', 'p95', 'p99'] as const).map((p) => fig(`${label} ${p}`, run[p], 'ms', { label: peerLabel, value: peer[p] }));

function dataSetSection(data: DataSet): Section {
  const { counts } = data;
  const records = Object.values(counts).reduce((a, b) => a + b, 0);
  const issue = (value: number) => ({ label: 'issue 11 data set', value });
  return {
    title: 'Data set',
    text: "Written through the platform's own bulk mutations before anything is measured, in two steps (see Data size): upsertCustomers, upsertOpportunities, createQuotes (each with a line), openCases and recordInteractions; Czech, Polish and Slovak customers.",
    figures: [
      fig('customers', counts.customers, '', issue(10_000)),
      fig('opportunities', counts.opportunities, '', issue(20_000)),
      fig('quotes (one line each)', counts.quotes, '', { label: 'opportunities', value: counts.opportunities }),
      fig('cases', counts.cases, '', issue(5_000)),
      fig('interactions', counts.interactions, '', issue(205_000)),
      fig('records written per second', records / data.seconds, 'records/s', { label: `${BASELINE}: single creates`, value: 180 }),
    ],
    charts: [{ title: 'Records written', unit: 'records', labels: Object.keys(counts), datasets: [{ label: 'records', data: Object.values(counts) }] }],
  };
}

function full360Section(m: Measurements): Section {
  const figures = CONNECTIONS.flatMap((c, i) => {
    const [run, lower] = [m.full360[i]!, m.lookup[i]!];
    const peer = `single-subgraph lookup, ${connectionsText(c)}`;
    return [
      fig(`req/s at ${connectionsText(c)}`, run.rps, 'req/s', { label: peer, value: lower.rps }),
      ...latencies(`latency at ${connectionsText(c)}`, run, lower, peer),
    ];
  });
  const [, ten, fifty] = m.full360 as [LoadRun, LoadRun, LoadRun];
  figures.push(
    fig('req/s at 10 connections', ten.rps, 'req/s', { label: `${TARGET}: 3× the ${BASELINE} of 110 req/s`, value: 330, goal: 'min' }),
    fig('p99 at 10 connections', ten.p99, 'ms', { label: TARGET, value: 100, goal: 'max' }),
    fig('p95 at 10 connections', ten.p95, 'ms', { label: BASELINE, value: 155 }),
    fig('req/s at 50 ÷ at 10 connections', fifty.rps / ten.rps, '×', { label: `${TARGET}: no fall from 10 to 50 connections`, value: 1, goal: 'min' }),
  );
  return {
    title: '360° query',
    text: "The README's 360° query (identity, sales, marketing, service) for a random customer, with autocannon at 1, 10 and 50 connections; each figure next to the single-subgraph lookup at the same connections (its lower bound) or a target.",
    figures,
    charts: [
      {
        title: 'Throughput',
        unit: 'req/s',
        labels: CONNECTIONS.map((c) => `${c} conn.`),
        datasets: [
          { label: '360° query', data: m.full360.map((r) => r.rps) },
          { label: 'lookup', data: m.lookup.map((r) => r.rps) },
        ],
      },
      {
        title: '360° latency',
        unit: 'ms',
        labels: CONNECTIONS.map((c) => `${c} conn.`),
        datasets: (['p50', 'p95', 'p99'] as const).map((p) => ({ label: p, data: m.full360.map((r) => r[p]) })),
      },
    ],
  };
}

function readsSection(m: Measurements): Section {
  const [one, ten] = [m.lookup[0]!, m.lookup[1]!];
  const lower = 'lookup, 1 connection';
  return {
    title: 'Other reads',
    text: "The lower bound `customer(id) { displayName }` (identity alone); global search for a surname or a model, a random page of 100 customers (keyset), and the size of a dynamic segment (web visitors of the last 90 days with an open deal: a count of its kept members, which each read first brings up to date with what changed, ADR 22; issue 11 measured segments' `size` at 9–160 ms), one at a time (what a person waits for).",
    figures: [
      fig('lookup p50 at 1 connection', one.p50, 'ms', { label: BASELINE, value: 1.15 }),
      fig('lookup req/s at 10 connections', ten.rps, 'req/s', { label: '360° query, 10 connections', value: m.full360[1]!.rps }),
      fig('search req/s at 1 connection', m.search.rps, 'req/s', { label: lower, value: one.rps }),
      fig('search p50', m.search.p50, 'ms', { label: BASELINE, value: 15 }),
      ...latencies('search', m.search, one, lower).slice(1),
      fig('list page req/s at 1 connection', m.list.rps, 'req/s', { label: lower, value: one.rps }),
      fig('list page p50', m.list.p50, 'ms', { label: BASELINE, value: 11 }),
      ...latencies('list page', m.list, one, lower).slice(1),
      fig('segment size req/s at 1 connection', m.segment.rps, 'req/s', { label: lower, value: one.rps }),
      ...latencies('segment size', m.segment, one, lower),
    ],
    charts: [
      {
        title: 'Latency at 1 connection',
        unit: 'ms',
        labels: ['lookup', 'search', 'list page', 'segment size'],
        datasets: (['p50', 'p95', 'p99'] as const).map((p) => ({ label: p, data: [one[p], m.search[p], m.list[p], m.segment[p]] })),
      },
    ],
  };
}

function dataSizeSection(data: DataSet, m: Measurements): Section {
  const { smaller } = m;
  const customers = (n: number) => n.toLocaleString('en-US');
  const fewer = `at ${customers(smaller.customers)} customers, the first step`;
  const reads: Array<[string, LoadRun, LoadRun]> = [
    ['360° query', m.full360[0]!, smaller.full360],
    ['search', m.search, smaller.search],
    ['list page', m.list, smaller.list],
    ['segment size', m.segment, smaller.segment],
  ];
  // Issue 11's target compares a million customers with 10,000: only a 1m run, whose first step is 10,000, holds it.
  const issueSizes = smaller.customers === 10_000 && data.counts.customers >= 1_000_000;
  return {
    title: 'Data size',
    text: `The 360° query, search, a page of the customer list and a segment's size, one at a time (1 connection), first on the data set's first ${customers(smaller.customers)} customers before the rest was written, then on all ${customers(data.counts.customers)} (the figures above). Issue 11 asks for them within 2× at a million customers of their latency at 10,000; only a 1m run measures that pair, the smaller scales show the trend over a tenth of their size.`,
    figures: reads.flatMap(([name, whole, part]) => [
      fig(`${name} p50`, whole.p50, 'ms', { label: fewer, value: part.p50 }),
      fig(`${name} p99`, whole.p99, 'ms', { label: fewer, value: part.p99 }),
      // A segment is not among issue 11's reads held within 2× (it names the 360° query, lists and search).
      ...(issueSizes && name !== 'segment size'
        ? [fig(`${name} p50 at 1M ÷ at 10k customers`, whole.p50 / part.p50, '×', { label: `${TARGET}: within 2×`, value: 2, goal: 'max' as const })]
        : []),
    ]),
    charts: [
      {
        title: 'Latency p50 by data size',
        unit: 'ms',
        labels: reads.map(([name]) => name),
        datasets: [
          { label: `${customers(smaller.customers)} customers`, data: reads.map(([, , part]) => part.p50) },
          { label: `${customers(data.counts.customers)} customers`, data: reads.map(([, whole]) => whole.p50) },
        ],
      },
    ],
  };
}

function cpuSection(m: Measurements): Section {
  const [full, lookup] = [m.full360[1]!, m.lookup[1]!];
  const names = Object.keys(full.cpuMsPerRequest);
  const runs: Array<[string, LoadRun]> = [
    ['360° query (10 conn.)', full],
    ['lookup (10 conn.)', lookup],
    ['search (1 conn.)', m.search],
    ['list page (1 conn.)', m.list],
  ];
  return {
    title: 'CPU per request',
    text: "CPU milliseconds (user + system, from /proc) each process used from the start of a run until the platform was idle again, less its background over that time, divided by the requests sent; PostgreSQL is the bench's embedded server (or the backends of the bench's databases). The background is what each process used per second in the 3 s before the run, with nothing asked of the platform (the relays' and consumers' safety polls, periodic jobs, autovacuum); work the requests cause after they are answered (audit records, events) is the run's.",
    figures: [
      fig('background before the 360° run, all processes', sumOf(full.backgroundMsPerSecond), 'ms/s', {
        label: 'the 360° run itself, all processes',
        value: totalCpu(full) * full.rps,
      }),
      ...names.map((name) =>
        fig(`360° query: ${processName(name)}`, full.cpuMsPerRequest[name]!, 'ms', { label: BASELINE, value: BASELINE_CPU[name] ?? Number.NaN }),
      ),
      fig('360° query: total', totalCpu(full), 'ms', { label: TARGET, value: 5, goal: 'max' }),
      fig('360° query: total', totalCpu(full), 'ms', { label: BASELINE, value: 17 }),
      ...names.map((name) =>
        fig(`lookup: ${processName(name)}`, lookup.cpuMsPerRequest[name]!, 'ms', { label: '360° query, same process', value: full.cpuMsPerRequest[name]! }),
      ),
      fig('lookup: total', totalCpu(lookup), 'ms', { label: '360° query total', value: totalCpu(full) }),
      fig('search: total', totalCpu(m.search), 'ms', { label: 'lookup total', value: totalCpu(lookup) }),
      fig('list page: total', totalCpu(m.list), 'ms', { label: 'lookup total', value: totalCpu(lookup) }),
      ...Object.keys(m.search.cpuMsPerRequest).map((name) =>
        fig(`search: ${processName(name)}`, m.search.cpuMsPerRequest[name]!, 'ms', { label: '360° query, same process', value: full.cpuMsPerRequest[name]! }),
      ),
    ],
    charts: [
      {
        title: 'CPU per request by process',
        unit: 'ms',
        labels: runs.map(([label]) => label),
        datasets: names.map((name) => ({ label: processName(name), data: runs.map(([, run]) => run.cpuMsPerRequest[name] ?? 0) })),
        stacked: true,
      },
    ],
  };
}

function ingestionSection(m: Measurements): Section {
  const { ingestion: i, singleCreates } = m;
  return {
    title: 'Ingestion',
    text: `${i.rows} interactions through the gateway's bulk recordInteractions (1,000 a call, 2 calls in flight), then PostgreSQL COPY of the same rows (new ids) into the interaction table itself, with its indexes and the data set in it, in a transaction rolled back afterwards; and single recordInteraction calls at 10 connections.`,
    figures: [
      fig('bulk recordInteractions', i.bulkRowsPerSecond, 'rows/s', { label: 'COPY of the same rows', value: i.copyRowsPerSecond }),
      fig('bulk ÷ COPY', i.bulkRowsPerSecond / i.copyRowsPerSecond, '×', { label: TARGET, value: 0.5, goal: 'min' }),
      fig('bulk recordInteractions', i.bulkRowsPerSecond, 'rows/s', { label: BASELINE, value: 5_200 }),
      fig('COPY into the same table', i.copyRowsPerSecond, 'rows/s', { label: BASELINE, value: 30_000 }),
      fig('single creates', singleCreates.rps, 'calls/s', { label: TARGET, value: 1_000, goal: 'min' }),
      // A create passes the same gateway and subgraph as the lookup and then writes: the lookup's rate is above its reach.
      fig('single creates', singleCreates.rps, 'calls/s', { label: 'lookups at 10 connections: a read through the same hops', value: m.lookup[1]!.rps }),
    ],
    charts: [
      {
        title: 'Rows per second',
        unit: 'rows/s',
        labels: ['bulk API', 'COPY', 'single creates'],
        datasets: [{ label: 'rows/s', data: [i.bulkRowsPerSecond, i.copyRowsPerSecond, singleCreates.rps] }],
      },
    ],
  };
}

function eventsSection(m: Measurements): Section {
  const e = m.events;
  const s = m.sustained;
  return {
    title: 'Events',
    text: `At light load: ${e.events} recordInteraction mutations one after another, each followed on interactionRecorded by the stock graphql-ws client, from the mutation's answer (its commit) to the event at the subscriber. Sustained: ${s.events} interactions for one customer at ${s.offeredPerSecond} a second (a recordInteractions batch every 100 ms), each from its batch's answer to the subscriber.`,
    figures: [
      fig('light load: commit → subscriber p50', e.p50, 'ms', { label: BASELINE, value: 23 }),
      fig('light load: commit → subscriber p95', e.p95, 'ms', { label: 'sustained p95', value: s.p95 }),
      fig('light load: commit → subscriber p99', e.p99, 'ms', { label: BASELINE, value: 66 }),
      fig('sustained: events received per second', s.deliveredPerSecond, 'events/s', { label: TARGET, value: 500, goal: 'min' }),
      fig('sustained: commit → subscriber p50', s.p50, 'ms', { label: 'light load p50', value: e.p50 }),
      fig('sustained: commit → subscriber p95', s.p95, 'ms', { label: `${TARGET} (at ${s.offeredPerSecond} events/s offered)`, value: 250, goal: 'max' }),
      fig('sustained: commit → subscriber p99', s.p99, 'ms', { label: 'light load p99', value: e.p99 }),
    ],
    charts: [
      {
        title: 'Commit → subscriber',
        unit: 'ms',
        labels: ['p50', 'p95', 'p99'],
        datasets: [
          { label: 'light load', data: [e.p50, e.p95, e.p99] },
          { label: `${s.offeredPerSecond} events/s`, data: [s.p50, s.p95, s.p99] },
        ],
      },
    ],
  };
}

function socketsSection(m: Measurements): Section {
  const s = m.sockets;
  const before = { label: 'before they opened', value: s.rssBeforeMb };
  return {
    title: 'Memory per subscribed socket',
    text: `The gateway's resident memory (RSS) before ${s.sockets} sockets each opened one idle customerChanged subscription, with them open, and 3 s after they left (issue 11: returned when they leave), each read after a full garbage collection (through the gateway's inspector, opened for this).`,
    figures: [
      fig('gateway memory per socket', s.kbPerSocket, 'KB', { label: TARGET, value: 30, goal: 'max' }),
      fig('of which JavaScript heap', s.heapKbPerSocket, 'KB', { label: 'resident memory per socket', value: s.kbPerSocket }),
      fig('gateway RSS with the sockets open', s.rssOpenMb, 'MB', before),
      fig('gateway RSS after they left', s.rssAfterMb, 'MB', before),
      fig('gateway memory kept per socket after they left', s.keptKbPerSocket, 'KB', { label: 'while they were open', value: s.kbPerSocket }),
    ],
    charts: [
      {
        title: 'Gateway RSS',
        unit: 'MB',
        labels: ['before', `${s.sockets} open`, 'after'],
        datasets: [{ label: 'RSS', data: [s.rssBeforeMb, s.rssOpenMb, s.rssAfterMb] }],
      },
    ],
  };
}

function fanOutSection(m: Measurements): Section {
  const runs = m.fanOut;
  const label = (n: number) => `${n.toLocaleString('en-US')} subscribers`;
  // Measured right after each run, on as many sockets.
  const floorOf = (run: FanOut) => m.fanOutFloor.find((floor) => floor.subscribers === run.subscribers)!;
  return {
    title: 'Fan-out',
    text: `One recordInteraction event to many subscribers of the same interactionRecorded topic with the same selection, each on its own socket (the stock graphql-ws client, in the bench process), ${runs[0]?.events ?? 0} events per run: commit → every subscriber, CPU of all processes from the commit until the last one had it beyond what they use idle with the same subscribers over that time, and CPU while the subscribers sat idle. After each run, the floor: a bare WebSocket server (bench/fan-out-floor.js, nothing else on its path) sends the message the subscribers received to as many sockets (plain ws clients in the bench process), each under its own subscription id, after one unmeasured event: its CPU is what ws, the library graphql-ws writes with, and the kernel's loopback writes cost for as many sockets on this machine, its system time the kernel's share; whatever else a server does comes on top.`,
    figures: runs.flatMap((run) => [
      fig(`${label(run.subscribers)}: p50`, run.p50, 'ms', { label: `${TARGET} for p99`, value: 500 }),
      fig(`${label(run.subscribers)}: p99`, run.p99, 'ms', { label: TARGET, value: 500, goal: 'max' }),
      fig(`${label(run.subscribers)}: slowest`, run.max, 'ms', { label: 'p99', value: run.p99 }),
      fig(`${label(run.subscribers)}: CPU per event`, run.cpuSecondsPerEvent, 's', { label: TARGET, value: 0.2, goal: 'max' }),
      fig(`${label(run.subscribers)}: CPU per event`, run.cpuSecondsPerEvent, 's', {
        label: 'the floor: a bare WebSocket server sending the same message to as many sockets',
        value: floorOf(run).cpuSecondsPerEvent,
      }),
      fig(`${label(run.subscribers)}: the floor's CPU per event`, floorOf(run).cpuSecondsPerEvent, 's', { label: TARGET, value: 0.2 }),
      fig(`${label(run.subscribers)}: the floor's system CPU per event`, floorOf(run).systemSecondsPerEvent, 's', {
        label: "the floor's CPU per event",
        value: floorOf(run).cpuSecondsPerEvent,
      }),
      fig(`${label(run.subscribers)}: CPU per event, idle use included`, run.grossCpuSecondsPerEvent, 's', {
        label: 'beyond idle',
        value: run.cpuSecondsPerEvent,
      }),
      fig(`${label(run.subscribers)}: CPU while idle`, run.idleCpuMsPerSecond, 'ms/s', {
        label: 'the same platform without them',
        value: run.baselineCpuMsPerSecond,
      }),
    ]),
    charts: [
      {
        title: 'Commit → subscriber',
        unit: 'ms',
        labels: runs.map((run) => label(run.subscribers)),
        datasets: [
          { label: 'p50', data: runs.map((run) => run.p50) },
          { label: 'p99', data: runs.map((run) => run.p99) },
        ],
      },
    ],
  };
}

function connectionsSection(m: Measurements): Section {
  const { idle, peak } = m.connections;
  return {
    title: 'Connections',
    text: "The platform's PostgreSQL connections (pg_stat_activity on its five databases; the bench's own excluded), sampled every 100 ms from the first load run to the end of the fan-out, at the default pool settings (DB_POOL_MAX, DB_BACKGROUND_POOL_MAX, BUS_POOL_MAX, JOB_CONCURRENCY).",
    figures: [
      fig('connections at most at once', peak, 'connections', { label: TARGET, value: 30, goal: 'max' }),
      fig('connections when idle', idle, 'connections', { label: 'at most at once', value: peak }),
    ],
    charts: [{ title: 'PostgreSQL connections', unit: 'connections', labels: ['idle', 'at most'], datasets: [{ label: 'connections', data: [idle, peak] }] }],
  };
}

function peerSection(m: Measurements): Section {
  const title = 'Peer: Hive Gateway';
  if ('reason' in m.peer) {
    return {
      title,
      text: `peer: not measured (${m.peer.reason})`,
      figures: [fig('360° req/s via Hive Gateway', null, 'req/s', undefined, m.peer.reason)],
      charts: [],
    };
  }
  const { hive, ours, rounds } = m.peer;
  const peer = { label: 'Hive Gateway', value: hive.rps };
  return {
    title,
    text: `The same 360° query at 10 connections through Hive Gateway's runtime on the same supergraph and subgraph processes, in ${rounds} runs alternating with ${rounds} of our gateway's (each figure the mean of its gateway's runs), so that both meet the machine in the same state. It signs the subgraphs' caller tokens as our gateway does but skips the client's token, access policy, limits and audit, so it does less per request.`,
    figures: [
      fig('our gateway req/s', ours.rps, 'req/s', peer),
      fig('our gateway req/s', ours.rps, 'req/s', { label: `${TARGET}: 1.5× Hive Gateway`, value: 1.5 * hive.rps, goal: 'min' }),
      ...latencies('our gateway', ours, hive, 'Hive Gateway'),
      fig('gateway process CPU per request', ours.cpuMsPerRequest.gateway!, 'ms', { label: 'Hive Gateway process', value: hive.cpuMsPerRequest.gateway! }),
      fig('all processes CPU per request', totalCpu(ours), 'ms', { label: 'with Hive Gateway', value: totalCpu(hive) }),
    ],
    charts: [
      { title: '360° at 10 connections', unit: 'req/s', labels: ['our gateway', 'Hive Gateway'], datasets: [{ label: 'req/s', data: [ours.rps, hive.rps] }] },
      {
        title: '360° latency at 10 connections',
        unit: 'ms',
        labels: ['p50', 'p95', 'p99'],
        datasets: [
          { label: 'our gateway', data: [ours.p50, ours.p95, ours.p99] },
          { label: 'Hive Gateway', data: [hive.p50, hive.p95, hive.p99] },
        ],
      },
    ],
  };
}

function stackFloorSection(m: Measurements): Section {
  const { floor, ours, rounds } = m.stackFloor;
  const names = Object.keys(floor.cpuMsPerRequest).filter((name) => name !== 'postgres');
  const floorTotal = totalCpu(floor);
  const floorRef = (label: string) => ({ label: `the floor, ${label}`, value: floorTotal });
  const postgres = ours.cpuMsPerRequest.postgres ?? 0;
  const oursInNode = totalCpu(ours) - postgres;
  return {
    title: "The 360° query's floor",
    text: `The same 360° query at 10 connections through the federated stack with nothing of the platform's on its path (bench/stack-floor.js): the stock @apollo/gateway over four bare @apollo/subgraph servers answering the query's shape from constants (two deals, two interactions), with no database, caller's token, access policy, ORM or logging; in ${rounds} runs alternating with ${rounds} of the platform's (each figure the mean of its side's runs). What its five processes spend is what Apollo's gateway, four Apollo subgraphs and the loopback HTTP between them cost on this machine; the platform's database, checks and mapping come on top.`,
    figures: [
      fig("the floor's CPU per request, all processes", floorTotal, 'ms', { label: TARGET, value: 5 }),
      fig("the platform's CPU per request, all processes", totalCpu(ours), 'ms', floorRef('all processes')),
      fig("the platform's CPU per request, its Node processes", oursInNode, 'ms', floorRef('all processes')),
      ...names.map((name) =>
        fig(`the platform's CPU per request: ${processName(name)}`, ours.cpuMsPerRequest[name]!, 'ms', {
          label: 'the floor, same process',
          value: floor.cpuMsPerRequest[name]!,
        }),
      ),
      fig("the platform's CPU per request: PostgreSQL", postgres, 'ms', { label: 'the platform, all processes', value: totalCpu(ours) }),
      // The least the platform could spend on this stack with its database as it is: nothing of its own in Node.
      fig("the floor and the platform's PostgreSQL", floorTotal + postgres, 'ms', { label: TARGET, value: 5 }),
      fig("the platform's req/s", ours.rps, 'req/s', { label: 'the floor', value: floor.rps }),
      fig("the platform's p99", ours.p99, 'ms', { label: 'the floor', value: floor.p99 }),
    ],
    charts: [
      {
        title: 'CPU per 360° query by process',
        unit: 'ms',
        labels: ['the floor', 'the platform'],
        datasets: [...names, 'postgres'].map((name) => ({
          label: processName(name),
          data: [floor.cpuMsPerRequest[name] ?? 0, ours.cpuMsPerRequest[name] ?? 0],
        })),
        stacked: true,
      },
    ],
  };
}

export const sections = (data: DataSet, m: Measurements): Section[] => [
  dataSetSection(data),
  full360Section(m),
  readsSection(m),
  dataSizeSection(data, m),
  cpuSection(m),
  ingestionSection(m),
  eventsSection(m),
  socketsSection(m),
  fanOutSection(m),
  connectionsSection(m),
  peerSection(m),
  stackFloorSection(m),
];
