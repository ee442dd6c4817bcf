import { BarElement, CategoryScale, Chart as ChartJS, Legend, LinearScale, LineElement, PointElement, Tooltip } from 'chart.js';
import { Bar, Line } from 'react-chartjs-2';

ChartJS.register(CategoryScale, LinearScale, BarElement, LineElement, PointElement, Legend, Tooltip);

export interface Series {
  label: string;
  values: number[];
  color: string;
}

interface ChartProps {
  title: string;
  labels: string[];
  series: Series[];
  kind?: 'bar' | 'line';
  horizontal?: boolean;
  stacked?: boolean;
}

/**
 * A chart with its numbers also on the figure (`data-values`): what it draws can be read by a test or a screen
 * reader's user agent without decoding the canvas.
 */
export function Chart({ title, labels, series, kind = 'bar', horizontal = false, stacked = false }: ChartProps) {
  const data = {
    labels,
    datasets: series.map((s) => ({ label: s.label, data: s.values, backgroundColor: s.color, borderColor: s.color })),
  };
  const options = {
    responsive: true,
    maintainAspectRatio: false,
    animation: { duration: 250 },
    indexAxis: horizontal ? ('y' as const) : ('x' as const),
    // Counts and sums of money: whole numbers on the value axis.
    scales: { x: { stacked, ticks: { precision: 0 } }, y: { stacked, beginAtZero: true, ticks: { precision: 0 } } },
    plugins: { legend: { display: series.length > 1 } },
  };
  return (
    <figure
      className="chart"
      aria-label={title}
      data-chart={title}
      data-labels={JSON.stringify(labels)}
      data-values={JSON.stringify(series.map((s) => s.values))}
    >
      <figcaption>{title}</figcaption>
      <div className="chart-canvas">{kind === 'line' ? <Line data={data} options={options} /> : <Bar data={data} options={options} />}</div>
    </figure>
  );
}

export const COLORS = { value: '#2563eb', weighted: '#93c5fd', good: '#16a34a', warn: '#f59e0b', bad: '#dc2626', muted: '#94a3b8' };
