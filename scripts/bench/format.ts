// Console headings and number formatting shared by the measurements and the report.

export function heading(text: string): void {
  process.stdout.write(`\n== ${text}\n`);
}

export const fmtMs = (ms: number): string => `${Math.round(ms)} ms`;
export const secs = (ms: number): string => `${(ms / 1000).toFixed(2)} s`;
