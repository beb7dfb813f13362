/**
 * Arrival processes for job-based patterns: the absolute simulated time of
 * each next arrival, drawn from the group's own arrival stream.
 *
 *   poisson   exponential gaps at ratePerMin
 *   diurnal   λ(t) = λ0 (1 + A sin(2π (t − (peakHour − 6h)) / 24h)), by thinning;
 *             the rate peaks at peakHour (simulated time 0 is midnight)
 *   mmpp      Markov-modulated Poisson: the rate is rates[s] while in state s,
 *             a state lasts exp(meanSojournMs[s]); states cycle in order
 *   cron      ticks at k·every + at (k = 0, 1, …); the pattern delays each job
 *             of a tick by its own U(0, jitterMs) draw
 */
import type { Rng } from "../../engine/index.js";

export type Arrivals =
	| { kind: "poisson"; ratePerMin: number }
	| { kind: "diurnal"; ratePerMin: number; amplitude: number; peakHour: number }
	| { kind: "mmpp"; rates: number[]; meanSojournMs: number[] }
	| { kind: "cron"; everyMs: number; atMs: number; jitterMs: number };

const DAY_MS = 86_400_000;
const HOUR_MS = 3_600_000;

export interface ArrivalProcess {
	/** The next arrival (absolute ms), not before the previous one; null: none ever. */
	next(): number | null;
}

export function arrivalProcess(a: Arrivals, start: number, rng: Rng): ArrivalProcess {
	switch (a.kind) {
		case "poisson":
			return poisson(a.ratePerMin, start, rng);
		case "diurnal":
			return diurnal(a, start, rng);
		case "mmpp":
			return mmpp(a, start, rng);
		case "cron":
			return cron(a, start);
	}
}

function poisson(ratePerMin: number, start: number, rng: Rng): ArrivalProcess {
	let t = start;
	const mean = ratePerMin > 0 ? 60_000 / ratePerMin : Number.POSITIVE_INFINITY;
	return {
		next() {
			if (!Number.isFinite(mean)) return null;
			t += rng.exp(mean);
			return Math.round(t);
		},
	};
}

function diurnal(
	a: { ratePerMin: number; amplitude: number; peakHour: number },
	start: number,
	rng: Rng,
): ArrivalProcess {
	let t = start;
	const max = a.ratePerMin * (1 + a.amplitude);
	const phase = (a.peakHour - 6) * HOUR_MS;
	const rate = (x: number) =>
		a.ratePerMin * (1 + a.amplitude * Math.sin((2 * Math.PI * (x - phase)) / DAY_MS));
	return {
		next() {
			if (max <= 0) return null;
			for (let guard = 0; guard < 1_000_000; guard++) {
				t += rng.exp(60_000 / max);
				if (rng.next() * max <= rate(t)) return Math.round(t);
			}
			return null;
		},
	};
}

function mmpp(a: { rates: number[]; meanSojournMs: number[] }, start: number, rng: Rng): ArrivalProcess {
	let t = start;
	let state = 0;
	const sojourn = (s: number) => a.meanSojournMs[s % a.meanSojournMs.length]!;
	let stateEnd = start + rng.exp(sojourn(0));
	const any = a.rates.some((r) => r > 0);
	return {
		next() {
			if (!any) return null;
			for (;;) {
				const r = a.rates[state]!;
				const gap = r > 0 ? rng.exp(60_000 / r) : Number.POSITIVE_INFINITY;
				if (t + gap <= stateEnd) {
					t += gap;
					return Math.round(t);
				}
				// Memoryless: restart the clock at the state change.
				t = stateEnd;
				state = (state + 1) % a.rates.length;
				stateEnd = t + rng.exp(sojourn(state));
			}
		},
	};
}

function cron(a: { everyMs: number; atMs: number }, start: number): ArrivalProcess {
	let k = 0;
	let tick = start;
	return {
		next() {
			tick = start + a.atMs + k * a.everyMs;
			k++;
			return tick;
		},
	};
}

/** Mean arrivals per minute (for descriptions). */
export function meanRatePerMin(a: Arrivals): number {
	switch (a.kind) {
		case "poisson":
		case "diurnal":
			return a.ratePerMin;
		case "mmpp": {
			let w = 0;
			let s = 0;
			a.rates.forEach((r, k) => {
				const d = a.meanSojournMs[k % a.meanSojournMs.length]!;
				w += d;
				s += r * d;
			});
			return w > 0 ? s / w : 0;
		}
		case "cron":
			return 60_000 / a.everyMs;
	}
}
