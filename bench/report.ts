/**
 * The report: every figure with what it is compared with (a target of issue 11, a peer measured in the same run,
 * or the issue's baseline) and the ratio, printed, and written as Markdown and as an HTML page whose charts are
 * drawn by chart.js inlined from node_modules (the page works offline).
 */
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';

/** What a figure is held against: `goal` makes it a target (at most / at least); without one it is a peer or a baseline. */
export interface Reference {
  label: string;
  value: number;
  goal?: 'max' | 'min';
}

export interface Figure {
  name: string;
  /** null: not measured (`note` says why). */
  value: number | null;
  unit: string;
  ref?: Reference;
  note?: string;
}

export interface Chart {
  title: string;
  unit: string;
  labels: string[];
  datasets: Array<{ label: string; data: number[] }>;
  stacked?: boolean;
}

export interface Section {
  title: (typeof SECTIONS)[number];
  text: string;
  figures: Figure[];
  charts: Chart[];
}

/** Every report has these sections, in this order (the smoke test checks them). */
export const SECTIONS = [
  'Data set',
  '360° query',
  'Other reads',
  'Data size',
  'CPU per request',
  'Ingestion',
  'Events',
  'Memory per subscribed socket',
  'Fan-out',
  'Connections',
  'Peer: Hive Gateway',
  "The 360° query's floor",
] as const;

export interface Report {
  scale: string;
  date: string;
  environment: Array<[string, string]>;
  sections: Section[];
}

export function formatNumber(value: number): string {
  if (!Number.isFinite(value)) return String(value);
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 10 ? 1 : 2;
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
}

const withUnit = (value: number, unit: string) => (unit === '×' || unit === '%' ? `${formatNumber(value)}${unit}` : `${formatNumber(value)} ${unit}`.trim());

export function ratioOf(figure: Figure): number | null {
  return figure.value === null || !figure.ref || figure.ref.value === 0 ? null : figure.value / figure.ref.value;
}

export function verdictOf(figure: Figure): 'met' | 'missed' | null {
  if (figure.value === null || !figure.ref?.goal) return null;
  return (figure.ref.goal === 'max' ? figure.value <= figure.ref.value : figure.value >= figure.ref.value) ? 'met' : 'missed';
}

/** The columns every output shows: figure, value, compared with, ratio, verdict. */
function cells(figure: Figure): [string, string, string, string, string] {
  const value = figure.value === null ? `not measured (${figure.note ?? 'no reason given'})` : withUnit(figure.value, figure.unit);
  const ref = figure.ref
    ? `${figure.ref.goal === 'max' ? 'target ≤ ' : figure.ref.goal === 'min' ? 'target ≥ ' : ''}${withUnit(figure.ref.value, figure.unit)} (${figure.ref.label})`
    : '—';
  const ratio = ratioOf(figure);
  return [figure.name, value, ref, ratio === null ? '—' : `${formatNumber(ratio)}×`, verdictOf(figure) ?? ''];
}

export function printSection(section: Section, print: (line: string) => void): void {
  print(`\n${section.title}`);
  const rows = section.figures.map(cells);
  const width = (i: number) => Math.max(...rows.map((row) => row[i]!.length));
  for (const row of rows) {
    const [name, value, ref, ratio, verdict] = row;
    print(`  ${name.padEnd(width(0))}  ${value.padStart(width(1))}  ${ratio.padStart(width(3))} of ${ref}${verdict ? `  ${verdict}` : ''}`);
  }
}

const escapeHtml = (text: string) => text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
const escapeCell = (text: string) => text.replace(/\|/g, '\\|');

function targetsLine(report: Report): string {
  const verdicts = report.sections.flatMap((s) => s.figures.map(verdictOf)).filter((v) => v !== null);
  return `${verdicts.filter((v) => v === 'met').length} of ${verdicts.length} targets met.`;
}

export function markdown(report: Report): string {
  const lines = [
    `# Benchmark — scale ${report.scale}, ${report.date}`,
    '',
    'Written by `npm run bench`; not edited by hand. Ratios are value ÷ the figure it is compared with: a target of',
    'issue 11, a peer measured in the same run, or the baseline issue 11 measured before any of its work.',
    '',
    '| | |',
    '|---|---|',
    ...report.environment.map(([key, value]) => `| ${key} | ${escapeCell(value)} |`),
    '',
    targetsLine(report),
  ];
  for (const section of report.sections) {
    lines.push('', `## ${section.title}`, '', section.text, '', '| Figure | Value | Compared with | Ratio | Target |', '|---|--:|---|--:|---|');
    for (const row of section.figures.map(cells)) lines.push(`| ${row.map(escapeCell).join(' | ')} |`);
  }
  return `${lines.join('\n')}\n`;
}

async function chartJs(): Promise<string> {
  const require = createRequire(import.meta.url);
  const main = require.resolve('chart.js');
  return readFile(path.join(path.dirname(main), 'chart.umd.min.js'), 'utf8');
}

export async function html(report: Report): Promise<string> {
  const charts = report.sections.flatMap((s) => s.charts);
  const body = report.sections
    .map((section) => {
      const rows = section.figures
        .map(
          (figure) =>
            `<tr>${cells(figure)
              .map((cell) => `<td>${escapeHtml(cell)}</td>`)
              .join('')}</tr>`,
        )
        .join('\n');
      const canvases = section.charts.map((chart) => `<div class="chart"><canvas id="chart-${charts.indexOf(chart)}"></canvas></div>`).join('\n');
      return `<h2>${escapeHtml(section.title)}</h2>\n<p>${escapeHtml(section.text)}</p>\n<div class="charts">${canvases}</div>
<table><thead><tr><th>Figure</th><th>Value</th><th>Compared with</th><th>Ratio</th><th>Target</th></tr></thead>\n<tbody>${rows}</tbody></table>`;
    })
    .join('\n');
  const configs = charts.map((chart) => ({
    type: 'bar',
    data: { labels: chart.labels, datasets: chart.datasets },
    options: {
      animation: false,
      plugins: { title: { display: true, text: `${chart.title} (${chart.unit})` } },
      scales: { x: { stacked: chart.stacked ?? false }, y: { stacked: chart.stacked ?? false, beginAtZero: true } },
    },
  }));
  const script = (await chartJs()).replace(/<\/script/gi, '<\\/script');
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Benchmark — scale ${escapeHtml(report.scale)}, ${escapeHtml(report.date)}</title>
<style>body{font-family:system-ui,sans-serif;max-width:1100px;margin:2em auto;padding:0 1em;color:#222}
table{border-collapse:collapse;width:100%;margin:1em 0}td,th{border-bottom:1px solid #ddd;padding:4px 8px;text-align:left;font-size:14px}
td:nth-child(2),td:nth-child(4){text-align:right;white-space:nowrap}.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{width:520px;height:300px}</style>
</head><body>
<h1>Benchmark — scale ${escapeHtml(report.scale)}, ${escapeHtml(report.date)}</h1>
<table>${report.environment.map(([key, value]) => `<tr><th>${escapeHtml(key)}</th><td>${escapeHtml(value)}</td></tr>`).join('')}</table>
<p>${escapeHtml(targetsLine(report))}</p>
${body}
<script>${script}</script>
<script>
const configs = ${JSON.stringify(configs).replace(/</g, '\\u003c')};
configs.forEach((config, i) => new Chart(document.getElementById('chart-' + i), { ...config, options: { ...config.options, maintainAspectRatio: false } }));
</script>
</body></html>
`;
}

/** Writes `<date>-<scale>.md`, `.html` and `latest.md` into `dir`; returns their paths. */
export async function writeReport(report: Report, dir: string): Promise<string[]> {
  await mkdir(dir, { recursive: true });
  const base = path.join(dir, `${report.date}-${report.scale}`);
  await writeFile(`${base}.md`, markdown(report));
  await writeFile(`${base}.html`, await html(report));
  await copyFile(`${base}.md`, path.join(dir, 'latest.md'));
  return [`${base}.md`, `${base}.html`, path.join(dir, 'latest.md')];
}
