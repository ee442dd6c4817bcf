import type { ReactNode } from 'react';

/** One headline number, named for tests and readers alike (`data-figure`), its unformatted value in `data-value`. */
export function Figure({ name, label, value, children }: { name: string; label: string; value: string | number; children: ReactNode }) {
  return (
    <div className="figure" data-figure={name} data-value={value}>
      <span className="figure-label">{label}</span>
      <span className="figure-value">{children}</span>
    </div>
  );
}

export function Problem({ error }: { error: string | null }) {
  return error ? (
    <p className="problem" role="alert">
      {error}
    </p>
  ) : null;
}
