/** Small statistics for benchmark figures: median, min, max, "median [min–max]". */

export function median(xs: readonly number[]): number {
	if (xs.length === 0) return Number.NaN;
	const s = [...xs].sort((a, b) => a - b);
	const m = s.length >> 1;
	return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

export function min(xs: readonly number[]): number {
	let m = Number.POSITIVE_INFINITY;
	for (const x of xs) if (x < m) m = x;
	return xs.length === 0 ? Number.NaN : m;
}

export function max(xs: readonly number[]): number {
	let m = Number.NEGATIVE_INFINITY;
	for (const x of xs) if (x > m) m = x;
	return xs.length === 0 ? Number.NaN : m;
}

/** Rounds to `digits` decimals (for JSON output). */
export function round(x: number, digits = 3): number {
	if (!Number.isFinite(x)) return x;
	const f = 10 ** digits;
	return Math.round(x * f) / f;
}

/** A millisecond figure with sensible precision: 0.0123, 1.23, 12.3, 123. */
export function fmtMs(ms: number): string {
	if (!Number.isFinite(ms)) return String(ms);
	if (ms >= 100) return ms.toFixed(0);
	if (ms >= 10) return ms.toFixed(1);
	if (ms >= 1) return ms.toFixed(2);
	return ms.toFixed(3);
}

/** "median [min–max]" of a list of figures. */
export function spread(xs: readonly number[], fmt: (x: number) => string = fmtMs): string {
	if (xs.length === 0) return "-";
	if (xs.length === 1) return fmt(xs[0]!);
	return `${fmt(median(xs))} [${fmt(min(xs))}–${fmt(max(xs))}]`;
}
