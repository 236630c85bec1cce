/**
 * The impact report of an experiment: per variant, impressions, clicks, conversions and revenue, the
 * click-through and conversion rates with 95 % Wilson intervals, and each variant against the baseline with a
 * two-proportion z-test (two-sided), so a difference is called significant only when chance is unlikely.
 */
import { errorFunction } from 'simple-statistics';

/** What was counted for one variant. */
export interface VariantCounts {
  readonly variant: string;
  /** Recommendation lists shown. */
  readonly impressions: number;
  /** Click events attributed to the variant. */
  readonly clicks: number;
  /** Conversion events (e.g. purchases) attributed to the variant. */
  readonly conversions: number;
  /** The conversions' value (e.g. price), when the events carry one. */
  readonly revenue: number;
}

/** A rate with its confidence interval. */
export interface Rate {
  readonly rate: number;
  readonly low: number;
  readonly high: number;
}

export interface VariantImpact extends VariantCounts {
  readonly clickThrough: Rate;
  readonly conversion: Rate;
  readonly revenuePerImpression: number;
}

/** One variant's rate against the baseline's. */
export interface Comparison {
  readonly variant: string;
  readonly baseline: string;
  readonly metric: 'clickThrough' | 'conversion';
  /** Variant rate minus baseline rate. */
  readonly difference: number;
  /** Relative lift, difference / baseline rate (NaN when the baseline rate is 0). */
  readonly lift: number;
  readonly z: number;
  readonly pValue: number;
  readonly significant: boolean;
}

export interface ImpactReport {
  readonly variants: readonly VariantImpact[];
  readonly comparisons: readonly Comparison[];
  /** The significance level the comparisons use. */
  readonly alpha: number;
}

/** The standard normal CDF. */
function normalCdf(z: number): number {
  return 0.5 * (1 + errorFunction(z / Math.SQRT2));
}

/**
 * The standard normal quantile, by bisection on {@link normalCdf} (simple-statistics' `probit` is off in the
 * third decimal: 1.9572 for 0.975).
 */
export function normalQuantile(p: number): number {
  let low = -10;
  let high = 10;
  for (let i = 0; i < 80; i += 1) {
    const mid = (low + high) / 2;
    if (normalCdf(mid) < p) low = mid;
    else high = mid;
  }
  return (low + high) / 2;
}

/** The Wilson score interval of `successes` out of `trials` at confidence 1 − alpha. */
export function wilsonInterval(successes: number, trials: number, alpha = 0.05): Rate {
  if (trials <= 0) return { rate: 0, low: 0, high: 0 };
  const z = normalQuantile(1 - alpha / 2);
  const p = successes / trials;
  const z2n = (z * z) / trials;
  const centre = (p + z2n / 2) / (1 + z2n);
  const half = (z * Math.sqrt((p * (1 - p)) / trials + z2n / (4 * trials))) / (1 + z2n);
  return { rate: p, low: Math.max(0, centre - half), high: Math.min(1, centre + half) };
}

/** The two-sided two-proportion z-test of a/n against b/m: z and p-value. */
export function twoProportionTest(a: number, n: number, b: number, m: number): { z: number; pValue: number } {
  if (n <= 0 || m <= 0) return { z: 0, pValue: 1 };
  const pooled = (a + b) / (n + m);
  const se = Math.sqrt(pooled * (1 - pooled) * (1 / n + 1 / m));
  if (se === 0) return { z: 0, pValue: 1 };
  const z = (a / n - b / m) / se;
  return { z, pValue: Math.min(1, 2 * (1 - normalCdf(Math.abs(z)))) };
}

/**
 * The report of an experiment's counts. The baseline is the named variant, or the first.
 * @throws RangeError when the baseline is not a variant
 */
export function experimentImpact(
  counts: readonly VariantCounts[],
  options: { readonly baseline?: string; readonly alpha?: number } = {},
): ImpactReport {
  const alpha = options.alpha ?? 0.05;
  const variants = counts.map((c) => ({
    ...c,
    clickThrough: wilsonInterval(c.clicks, c.impressions, alpha),
    conversion: wilsonInterval(c.conversions, c.impressions, alpha),
    revenuePerImpression: c.impressions > 0 ? c.revenue / c.impressions : 0,
  }));
  const baselineName = options.baseline ?? counts[0]?.variant;
  const baseline = counts.find((c) => c.variant === baselineName);
  if (counts.length > 0 && baseline === undefined)
    throw new RangeError(`baseline "${String(baselineName)}" is not a variant of the experiment`);
  const comparisons: Comparison[] = [];
  for (const c of counts) {
    if (baseline === undefined || c.variant === baseline.variant) continue;
    for (const metric of ['clickThrough', 'conversion'] as const) {
      const pick = (v: VariantCounts) => (metric === 'clickThrough' ? v.clicks : v.conversions);
      const { z, pValue } = twoProportionTest(pick(c), c.impressions, pick(baseline), baseline.impressions);
      const rate = (v: VariantCounts) => (v.impressions > 0 ? pick(v) / v.impressions : 0);
      const difference = rate(c) - rate(baseline);
      comparisons.push({
        variant: c.variant,
        baseline: baseline.variant,
        metric,
        difference,
        lift: rate(baseline) > 0 ? difference / rate(baseline) : Number.NaN,
        z,
        pValue,
        significant: pValue < alpha,
      });
    }
  }
  return { variants, comparisons, alpha };
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)} %`;
}

function interval(rate: Rate): string {
  return `${percent(rate.rate)} [${percent(rate.low)}, ${percent(rate.high)}]`;
}

/** The report as aligned text tables. */
export function formatImpact(name: string, report: ImpactReport): string {
  const rows = [
    [
      'variant',
      'impressions',
      'clicks',
      'conversions',
      'revenue',
      'click-through (95% CI)',
      'conversion (95% CI)',
    ],
    ...report.variants.map((v) => [
      v.variant,
      v.impressions.toLocaleString('en'),
      v.clicks.toLocaleString('en'),
      v.conversions.toLocaleString('en'),
      v.revenue.toFixed(2),
      interval(v.clickThrough),
      interval(v.conversion),
    ]),
  ];
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  const lines = [
    `Experiment ${name}`,
    ...rows.map((r) =>
      r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd(),
    ),
  ];
  for (const c of report.comparisons) {
    const what = c.metric === 'clickThrough' ? 'click-through' : 'conversion';
    const lift = Number.isNaN(c.lift) ? '' : ` (${c.lift >= 0 ? '+' : ''}${(c.lift * 100).toFixed(1)} %)`;
    lines.push(
      `${c.variant} vs ${c.baseline}, ${what}: ${c.difference >= 0 ? '+' : ''}${(c.difference * 100).toFixed(2)} points${lift}, z = ${c.z.toFixed(2)}, p ${c.pValue < 0.0001 ? '< 0.0001' : `= ${c.pValue.toFixed(4)}`}: ${c.significant ? 'significant' : 'not significant'} at ${(report.alpha * 100).toFixed(0)} %`,
    );
  }
  return lines.join('\n');
}
