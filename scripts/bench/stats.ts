/**
 * Timing for the benchmark. Every figure is measured next to a reference in the same process and
 * the same minute: subject and reference runs alternate (A B A B ...), so a machine that slows
 * down for a while slows both, and the ratio stays meaningful. Reported: the median wall time of
 * each, and the median of the per-pair ratios (more robust than the ratio of medians).
 */

export interface Timed {
  /** Median wall time, ms. */
  ms: number;
  /** Every run, ms. */
  runs: number[];
}

export interface Paired {
  subject: Timed;
  reference: Timed;
  /** Median of subject/reference over the pairs. */
  ratio: number;
}

export function median(values: number[]): number {
  if (!values.length) return NaN;
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const gc: (() => void) | undefined = (globalThis as { gc?: () => void }).gc;

/** Collects garbage between runs when node was started with --expose-gc (less noise). */
export function settle(): void {
  if (gc) gc();
}

export async function timeOnce(fn: () => unknown): Promise<number> {
  settle();
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export interface PairOptions {
  /** Measured pairs. */
  runs: number;
  /** Unmeasured runs of each first (JIT, caches). */
  warmup?: number;
}

/** Alternates subject and reference runs; see the module comment. */
export async function pair(subject: () => unknown, reference: () => unknown, o: PairOptions): Promise<Paired> {
  for (let i = 0; i < (o.warmup ?? 1); i++) {
    await subject();
    await reference();
  }
  const s: number[] = [];
  const r: number[] = [];
  const ratios: number[] = [];
  for (let i = 0; i < o.runs; i++) {
    // alternate which goes first, so neither always runs right after a collection
    let a: number;
    let b: number;
    if (i % 2 === 0) {
      a = await timeOnce(subject);
      b = await timeOnce(reference);
    } else {
      b = await timeOnce(reference);
      a = await timeOnce(subject);
    }
    s.push(a);
    r.push(b);
    ratios.push(a / b);
  }
  return { subject: { ms: median(s), runs: s }, reference: { ms: median(r), runs: r }, ratio: median(ratios) };
}

/** Three-way version: subject against two references, interleaved. */
export async function triple(
  subject: () => unknown,
  refA: () => unknown,
  refB: () => unknown,
  o: PairOptions,
): Promise<{ subject: Timed; a: Timed; b: Timed; ratioA: number; ratioB: number }> {
  for (let i = 0; i < (o.warmup ?? 1); i++) {
    await subject();
    await refA();
    await refB();
  }
  const s: number[] = [];
  const a: number[] = [];
  const b: number[] = [];
  const ra: number[] = [];
  const rb: number[] = [];
  const order: Array<[() => unknown, number[]]> = [
    [subject, s],
    [refA, a],
    [refB, b],
  ];
  for (let i = 0; i < o.runs; i++) {
    // rotate the order each round
    for (let k = 0; k < 3; k++) {
      const [fn, into] = order[(i + k) % 3];
      into.push(await timeOnce(fn));
    }
    ra.push(s[i] / a[i]);
    rb.push(s[i] / b[i]);
  }
  return { subject: { ms: median(s), runs: s }, a: { ms: median(a), runs: a }, b: { ms: median(b), runs: b }, ratioA: median(ra), ratioB: median(rb) };
}

export function fmtMs(ms: number): string {
  if (!Number.isFinite(ms)) return '–';
  if (ms >= 100) return `${ms.toFixed(0)} ms`;
  if (ms >= 10) return `${ms.toFixed(1)} ms`;
  return `${ms.toFixed(2)} ms`;
}

export function fmtRatio(r: number): string {
  if (!Number.isFinite(r)) return '–';
  return r >= 10 ? `${r.toFixed(1)}×` : `${r.toFixed(2)}×`;
}

export function fmtMiB(bytes: number): string {
  return `${(bytes / 1048576).toFixed(1)} MiB`;
}
