import type { SalesForecastQuery } from '../generated/graphql';
import { Chart, COLORS } from '../ui/Chart';

type Month = SalesForecastQuery['salesForecast']['months'][number];

const monthName = (month: string) => new Date(`${month}-01T12:00:00Z`).toLocaleDateString('en-GB', { month: 'short', year: 'numeric' });

/** Open deals by expected close month: value and weighted value. */
export function ForecastChart({ months }: { months: Month[] }) {
  return (
    <Chart
      title="Forecast by close month"
      labels={months.map((m) => monthName(m.month))}
      series={[
        { label: 'Value', values: months.map((m) => Number(m.value.amount)), color: COLORS.value },
        { label: 'Weighted value', values: months.map((m) => Number(m.weightedValue.amount)), color: COLORS.weighted },
      ]}
    />
  );
}
