/**
 * A one-line progress bar on stderr, drawn only when stderr is a terminal (never into a pipe or a
 * file), redrawn at most every 100 ms and erased when the run ends.
 */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

export class Progress {
  private last = 0;
  private drawn = false;
  private readonly t0: number;

  constructor(
    private readonly stream: ProgressStream,
    private readonly total: number,
    private readonly enabled: boolean,
    private readonly now: () => number = Date.now,
  ) {
    this.t0 = now();
  }

  update(done: number, failed: number, force = false): void {
    if (!this.enabled || !this.total) return;
    const t = this.now();
    if (!force && t - this.last < 100 && done < this.total) return;
    this.last = t;
    this.stream.write(`\r${renderBar(done, this.total, failed, (t - this.t0) / 1000, this.stream.columns ?? 80)}\u001b[K`);
    this.drawn = true;
  }

  /** Erases the bar. */
  end(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}

/** "[#########·········] 450/1000 files · 2 failed · 12 s" fitted to the width. */
export function renderBar(done: number, total: number, failed: number, seconds: number, columns: number): string {
  const tail = ` ${done}/${total} files${failed ? ` · ${failed} failed` : ''} · ${Math.round(seconds)} s`;
  const width = Math.max(10, Math.min(40, columns - tail.length - 3));
  const filled = total ? Math.round((done / total) * width) : width;
  return `[${'#'.repeat(filled)}${'·'.repeat(width - filled)}]${tail}`;
}
