/**
 * A small Prometheus registry: counters, gauges and fixed-bucket histograms with labels, rendered
 * in the text exposition format 0.0.4. One registry is created by the composition root and passed
 * to every module that counts something (no global), so tests get a fresh one each.
 *
 * Bounds: each metric keeps at most `maxSeries` label combinations (default 1000); further
 * combinations are folded into one series whose label values are all "_other", so a hostile
 * label value (a sensor name, a format) cannot grow memory.
 */

export type Labels = Record<string, string | number>;

export interface Counter {
  /** Adds `n` (default 1; negative values are ignored: counters only go up). */
  inc(n?: number): void;
  inc(labels: Labels, n?: number): void;
  /** The current value of one series (0 when never touched). */
  get(labels?: Labels): number;
}

export interface Gauge {
  set(value: number): void;
  set(labels: Labels, value: number): void;
  inc(n?: number): void;
  inc(labels: Labels, n?: number): void;
  dec(n?: number): void;
  dec(labels: Labels, n?: number): void;
  get(labels?: Labels): number;
}

export interface Histogram {
  /** Records one observation (in the metric's unit, seconds for *_seconds). */
  observe(value: number): void;
  observe(labels: Labels, value: number): void;
  /** Count and sum of one series. */
  get(labels?: Labels): { count: number; sum: number };
}

export interface MetricOptions {
  name: string;
  help: string;
  /** Label names, fixed at registration. */
  labels?: readonly string[];
  /** Called just before rendering, to set gauges from live state. */
  collect?: () => void;
}

export interface HistogramOptions extends MetricOptions {
  /** Upper bounds, ascending; +Inf is added. */
  buckets: readonly number[];
}

export interface Registry {
  /** Registers (or returns the already registered) counter of that name. */
  counter(opts: MetricOptions): Counter;
  gauge(opts: MetricOptions): Gauge;
  histogram(opts: HistogramOptions): Histogram;
  /** The text exposition format 0.0.4. */
  render(): string;
}

/** Content type of `render()` output. */
export const METRICS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

/** Default latency buckets in seconds, 1 ms to 10 s. */
export const LATENCY_BUCKETS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] as const;

const NAME_RE = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_RE = /^[a-zA-Z_][a-zA-Z0-9_]*$/;
const OTHER = '_other';

function escapeLabel(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"');
}

function escapeHelp(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

type Kind = 'counter' | 'gauge' | 'histogram';

interface Family {
  kind: Kind;
  name: string;
  help: string;
  labelNames: readonly string[];
  buckets?: readonly number[];
  collect?: () => void;
  /** key (rendered label set) -> value, or histogram state. */
  series: Map<string, number | HistState>;
  api: Counter | Gauge | Histogram;
}

interface HistState { counts: number[]; sum: number; count: number }

/** Creates an empty registry. `maxSeries`: label combinations kept per metric (default 1000). */
export function createRegistry(opts: { maxSeries?: number } = {}): Registry {
  const maxSeries = opts.maxSeries ?? 1000;
  const families = new Map<string, Family>();

  function labelKey(fam: Family, labels: Labels | undefined): string {
    if (fam.labelNames.length === 0) return '';
    const parts: string[] = [];
    for (const n of fam.labelNames) {
      const v = labels?.[n];
      parts.push(`${n}="${escapeLabel(v === undefined ? '' : String(v))}"`);
    }
    const key = parts.join(',');
    if (fam.series.has(key) || fam.series.size < maxSeries) return key;
    return fam.labelNames.map((n) => `${n}="${OTHER}"`).join(',');
  }

  function register<T extends Counter | Gauge | Histogram>(kind: Kind, o: MetricOptions, make: (f: Family) => T, buckets?: readonly number[]): T {
    const existing = families.get(o.name);
    if (existing) {
      if (existing.kind !== kind || existing.labelNames.join(',') !== (o.labels ?? []).join(',')) {
        throw new Error(`metric ${o.name} is already registered as a different ${existing.kind}`);
      }
      return existing.api as T;
    }
    if (!NAME_RE.test(o.name)) throw new Error(`invalid metric name ${JSON.stringify(o.name)}`);
    for (const l of o.labels ?? []) if (!LABEL_RE.test(l) || l === 'le') throw new Error(`invalid label name ${JSON.stringify(l)}`);
    const fam: Family = { kind, name: o.name, help: o.help, labelNames: o.labels ?? [], buckets, collect: o.collect, series: new Map(), api: undefined as never };
    fam.api = make(fam);
    families.set(o.name, fam);
    return fam.api as T;
  }

  // Overload helpers: (n) or (labels, n).
  function split(a: unknown, b: unknown, dflt: number | undefined): [Labels | undefined, number] {
    if (typeof a === 'object' && a !== null) return [a as Labels, (b as number | undefined) ?? dflt ?? 0];
    return [undefined, (a as number | undefined) ?? dflt ?? 0];
  }

  function add(fam: Family, labels: Labels | undefined, n: number) {
    const k = labelKey(fam, labels);
    fam.series.set(k, ((fam.series.get(k) as number | undefined) ?? 0) + n);
  }

  return {
    counter(o) {
      return register('counter', o, (fam) => ({
        inc(a?: unknown, b?: unknown) {
          const [labels, n] = split(a, b, 1);
          if (!(n > 0)) return;
          add(fam, labels, n);
        },
        get(labels?: Labels) {
          return (fam.series.get(labelKey(fam, labels)) as number | undefined) ?? 0;
        },
      }) as Counter);
    },
    gauge(o) {
      return register('gauge', o, (fam) => ({
        set(a: unknown, b?: unknown) {
          const [labels, n] = split(a, b, undefined);
          fam.series.set(labelKey(fam, labels), n);
        },
        inc(a?: unknown, b?: unknown) {
          const [labels, n] = split(a, b, 1);
          add(fam, labels, n);
        },
        dec(a?: unknown, b?: unknown) {
          const [labels, n] = split(a, b, 1);
          add(fam, labels, -n);
        },
        get(labels?: Labels) {
          return (fam.series.get(labelKey(fam, labels)) as number | undefined) ?? 0;
        },
      }) as Gauge);
    },
    histogram(o) {
      const buckets = [...o.buckets];
      for (let i = 1; i < buckets.length; i++) if (!(buckets[i] > buckets[i - 1])) throw new Error(`${o.name}: buckets must ascend`);
      return register('histogram', o, (fam) => ({
        observe(a: unknown, b?: unknown) {
          const [labels, v] = split(a, b, undefined);
          if (!Number.isFinite(v)) return;
          const k = labelKey(fam, labels);
          let st = fam.series.get(k) as HistState | undefined;
          if (!st) { st = { counts: new Array(buckets.length).fill(0), sum: 0, count: 0 }; fam.series.set(k, st); }
          // Counts are stored per bucket (not cumulative) and summed at render time.
          let i = 0;
          while (i < buckets.length && v > buckets[i]) i++;
          if (i < buckets.length) st.counts[i]++;
          st.sum += v;
          st.count++;
        },
        get(labels?: Labels) {
          const st = fam.series.get(labelKey(fam, labels)) as HistState | undefined;
          return { count: st?.count ?? 0, sum: st?.sum ?? 0 };
        },
      }) as Histogram, buckets);
    },
    render() {
      const out: string[] = [];
      for (const fam of families.values()) {
        try { fam.collect?.(); } catch { /* a failing collector must not break the whole page */ }
        out.push(`# HELP ${fam.name} ${escapeHelp(fam.help)}`);
        out.push(`# TYPE ${fam.name} ${fam.kind}`);
        if (fam.kind !== 'histogram') {
          if (fam.series.size === 0 && fam.labelNames.length === 0) out.push(`${fam.name} 0`);
          for (const [k, v] of fam.series) out.push(`${fam.name}${k ? `{${k}}` : ''} ${formatValue(v as number)}`);
          continue;
        }
        const b = fam.buckets!;
        const series = fam.series.size === 0 && fam.labelNames.length === 0
          ? new Map<string, HistState>([['', { counts: new Array(b.length).fill(0), sum: 0, count: 0 }]])
          : (fam.series as Map<string, HistState>);
        for (const [k, st] of series) {
          const pre = k ? `${k},` : '';
          let cum = 0;
          for (let i = 0; i < b.length; i++) {
            cum += st.counts[i];
            out.push(`${fam.name}_bucket{${pre}le="${formatValue(b[i])}"} ${cum}`);
          }
          out.push(`${fam.name}_bucket{${pre}le="+Inf"} ${st.count}`);
          out.push(`${fam.name}_sum${k ? `{${k}}` : ''} ${formatValue(st.sum)}`);
          out.push(`${fam.name}_count${k ? `{${k}}` : ''} ${st.count}`);
        }
      }
      return out.join('\n') + '\n';
    },
  };
}

/** Registers process gauges (resident memory, heap, open handles are left out: not portable). */
export function registerProcessMetrics(reg: Registry): void {
  const rss = reg.gauge({ name: 'process_resident_memory_bytes', help: 'Resident memory size in bytes.', collect: () => rss.set(process.memoryUsage.rss()) });
  const heap = reg.gauge({ name: 'nodejs_heap_used_bytes', help: 'V8 heap in use, bytes.', collect: () => heap.set(process.memoryUsage().heapUsed) });
  const cpu = reg.gauge({
    name: 'process_cpu_seconds', help: 'User plus system CPU time of this process, seconds.',
    collect: () => { const u = process.cpuUsage(); cpu.set((u.user + u.system) / 1e6); },
  });
  const up = Date.now();
  const uptime = reg.gauge({ name: 'process_uptime_seconds', help: 'Seconds since this registry was set up.', collect: () => uptime.set((Date.now() - up) / 1000) });
}
