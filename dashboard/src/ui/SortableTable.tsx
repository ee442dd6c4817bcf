import { useState, type ReactNode } from 'react';

export interface Column<Row> {
  key: string;
  label: string;
  /** What the column sorts by. */
  value: (row: Row) => string | number;
  /** What the cell shows; the value when not given. */
  render?: (row: Row) => ReactNode;
  numeric?: boolean;
}

interface TableProps<Row> {
  caption: string;
  columns: Array<Column<Row>>;
  rows: Row[];
  rowKey: (row: Row) => string;
  onRowClick?: (row: Row) => void;
}

/** A table sorted by the header last clicked (again: the other way). */
export function SortableTable<Row>({ caption, columns, rows, rowKey, onRowClick }: TableProps<Row>) {
  const [sort, setSort] = useState<{ key: string; descending: boolean } | null>(null);
  const column = columns.find((c) => c.key === sort?.key);
  const sorted = column
    ? [...rows].sort((a, b) => {
        const [x, y] = [column.value(a), column.value(b)];
        const order = typeof x === 'number' && typeof y === 'number' ? x - y : String(x).localeCompare(String(y));
        return sort!.descending ? -order : order;
      })
    : rows;
  const toggle = (key: string) => setSort((old) => ({ key, descending: old?.key === key ? !old.descending : false }));
  return (
    <div className="panel">
      <table data-table={caption}>
        <caption>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c) => (
              <th
                key={c.key}
                className={c.numeric ? 'numeric' : undefined}
                aria-sort={sort?.key === c.key ? (sort.descending ? 'descending' : 'ascending') : 'none'}
                onClick={() => toggle(c.key)}
              >
                {c.label}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {sorted.map((row) => (
            <tr key={rowKey(row)} onClick={onRowClick ? () => onRowClick(row) : undefined} className={onRowClick ? 'link' : undefined}>
              {columns.map((c) => (
                <td key={c.key} className={c.numeric ? 'numeric' : undefined} data-column={c.key}>
                  {c.render ? c.render(row) : c.value(row)}
                </td>
              ))}
            </tr>
          ))}
          {sorted.length === 0 && (
            <tr>
              <td colSpan={columns.length} className="empty">
                Nothing yet
              </td>
            </tr>
          )}
        </tbody>
      </table>
    </div>
  );
}
