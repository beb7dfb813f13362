/**
 * Distributions for chameleon specs, as tagged unions (`kind`), and their
 * samplers. Three flavours share one shape:
 *  - number distributions (task sizes, tasks per job): parameters are numbers;
 *  - duration distributions (run time, startup delay): parameters are
 *    durations ("90s", "5m") or numbers of seconds, resolved to integer ms;
 *  - a bare value stands for `{kind: const, value}`.
 * Every kind except uniform takes optional `min` / `max` clamps.
 * Sampling draws only from the Rng it is given (docs/architecture.md "Determinism").
 */
import { type TProperties, type TSchema, Type } from "typebox";
import type { Rng } from "../../engine/index.js";

export const DIST_KINDS = [
	"const",
	"uniform",
	"normal",
	"lognormal",
	"exp",
	"pareto",
	"choice",
	"empirical",
] as const;
export type DistKind = (typeof DIST_KINDS)[number];

/** A resolved distribution; for durations every value is in ms. */
export type Dist = (
	| { kind: "const"; value: number }
	| { kind: "uniform"; min: number; max: number }
	| { kind: "normal"; mean: number; sd: number }
	| { kind: "lognormal"; median: number; sigma: number }
	| { kind: "exp"; mean: number }
	| { kind: "pareto"; alpha: number; xmin: number }
	| { kind: "choice"; values: number[]; weights: number[] }
	| { kind: "empirical"; points: [number, number][] }
) & { clampMin?: number; clampMax?: number };

export const X_TYPE = "x-type";
export const X_EXPECT = "x-expect";

const DURATION_EXPECT = 'a duration such as "90s", "15m" or "1h30m", or a number of seconds';

/** A duration: "90s", "1h30m", or a number of seconds. */
export function durationSchema(description: string, extra: Record<string, unknown> = {}) {
	return Type.Union([Type.String(), Type.Number({ minimum: 0 })], {
		description,
		[X_TYPE]: "duration",
		[X_EXPECT]: DURATION_EXPECT,
		...extra,
	});
}

function obj<K extends DistKind, F extends TProperties>(kind: K, fields: F, description: string) {
	return Type.Object({ kind: Type.Literal(kind), ...fields }, { additionalProperties: false, description });
}

function branches<P extends TSchema>(param: () => P) {
	const clamps = () => ({ min: Type.Optional(param()), max: Type.Optional(param()) });
	const list = [
		obj("const", { value: param(), ...clamps() }, "always `value`"),
		obj("uniform", { min: param(), max: param() }, "uniform between min and max"),
		obj("normal", { mean: param(), sd: param(), ...clamps() }, "normal(mean, sd), never below 0"),
		obj(
			"lognormal",
			{ median: param(), sigma: Type.Number({ minimum: 0 }), ...clamps() },
			"lognormal with the given median and log-sd sigma",
		),
		obj("exp", { mean: param(), ...clamps() }, "exponential with the given mean"),
		obj(
			"pareto",
			{ alpha: Type.Number({ exclusiveMinimum: 0 }), xmin: param(), ...clamps() },
			"Pareto(alpha, xmin): heavy tail above xmin",
		),
		obj(
			"choice",
			{
				values: Type.Array(param(), { minItems: 1 }),
				weights: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1 })),
				...clamps(),
			},
			"one of `values`, with `weights` (default equal)",
		),
		obj(
			"empirical",
			{
				points: Type.Array(Type.Array(Type.Number(), { minItems: 2, maxItems: 2 }), { minItems: 1 }),
				...clamps(),
			},
			"inverse CDF of [value, cumulative probability] points, linear between points; the last probability is 1",
		),
	] as const;
	// `type: "object"` on the union lets the error explainer pick this branch for
	// any object and then name the wrong field inside it (discriminated by kind).
	return Type.Union([...list], { type: "object", [X_TYPE]: "distribution" } as never);
}

const NUMBER_DIST_EXPECT =
	"a number or a distribution {kind: const|uniform|normal|lognormal|exp|pareto|choice|empirical, …}";
const DURATION_DIST_EXPECT =
	'a duration ("90s", or seconds) or a distribution {kind: const|uniform|normal|lognormal|exp|pareto|choice|empirical, …}';

/** A number, or a distribution of numbers. */
export function numberDistSchema(description: string) {
	return Type.Union([Type.Number({ minimum: 0 }), branches(() => Type.Number({ minimum: 0 }))], {
		description,
		[X_TYPE]: "number | distribution",
		[X_EXPECT]: NUMBER_DIST_EXPECT,
	});
}

const durationParam = () =>
	Type.Union([Type.String(), Type.Number({ minimum: 0 })], {
		[X_TYPE]: "duration",
		[X_EXPECT]: DURATION_EXPECT,
	});

/** A duration, or a distribution whose parameters are durations. */
export function durationDistSchema(description: string) {
	return Type.Union([Type.String(), Type.Number({ minimum: 0 }), branches(durationParam)], {
		description,
		[X_TYPE]: "duration | distribution",
		[X_EXPECT]: DURATION_DIST_EXPECT,
	});
}

/** A duration distribution, or "infinite" (runs until killed). */
export function runForSchema(description: string) {
	return Type.Union(
		[Type.Literal("infinite"), Type.String(), Type.Number({ minimum: 0 }), branches(durationParam)],
		{
			description,
			[X_TYPE]: 'duration | distribution | "infinite"',
			[X_EXPECT]: `${DURATION_DIST_EXPECT}, or "infinite"`,
		},
	);
}

export type RawDist = number | string | ({ kind: DistKind } & Record<string, unknown>);

/**
 * Resolves a raw distribution (already shape-checked by the schema). `unit`
 * converts each parameter (durations -> ms); `problem` records a semantic
 * error at a sub-path. Returns null after a problem.
 */
export function resolveDist(
	raw: RawDist,
	unit: (v: unknown, path: (string | number)[]) => number,
	problem: (path: (string | number)[], message: string) => void,
): Dist | null {
	if (typeof raw === "number" || typeof raw === "string") return { kind: "const", value: unit(raw, []) };
	const r = raw as Record<string, unknown>;
	const u = (k: string) => unit(r[k], [k]);
	let d: Dist;
	switch (raw.kind) {
		case "const":
			d = { kind: "const", value: u("value") };
			break;
		case "uniform":
			d = { kind: "uniform", min: u("min"), max: u("max") };
			if (d.min > d.max) {
				problem(["max"], `must be >= min (${String(r.min)})`);
				return null;
			}
			return d;
		case "normal":
			d = { kind: "normal", mean: u("mean"), sd: unit(r.sd, ["sd"]) };
			break;
		case "lognormal":
			d = { kind: "lognormal", median: u("median"), sigma: r.sigma as number };
			if (d.median <= 0) {
				problem(["median"], "must be greater than 0");
				return null;
			}
			break;
		case "exp":
			d = { kind: "exp", mean: u("mean") };
			break;
		case "pareto":
			d = { kind: "pareto", alpha: r.alpha as number, xmin: u("xmin") };
			if (d.xmin <= 0) {
				problem(["xmin"], "must be greater than 0");
				return null;
			}
			break;
		case "choice": {
			const values = (r.values as unknown[]).map((v, k) => unit(v, ["values", k]));
			const weights = (r.weights as number[] | undefined) ?? values.map(() => 1);
			if (weights.length !== values.length) {
				problem(["weights"], `must have one weight per value (${values.length}, got ${weights.length})`);
				return null;
			}
			if (weights.reduce((s, w) => s + w, 0) <= 0) {
				problem(["weights"], "must not all be 0");
				return null;
			}
			d = { kind: "choice", values, weights: [...weights] };
			break;
		}
		case "empirical": {
			const pts = r.points as number[][];
			const points: [number, number][] = [];
			for (let k = 0; k < pts.length; k++) {
				const [v, p] = pts[k] as [number, number];
				const value = unit(v, ["points", k, 0]);
				if (p < 0 || p > 1) {
					problem(["points", k, 1], `a cumulative probability must be from 0 to 1 (got ${p})`);
					return null;
				}
				const prev = points[points.length - 1];
				if (prev !== undefined && (p < prev[1] || value < prev[0])) {
					problem(["points", k], "values and probabilities must not decrease");
					return null;
				}
				points.push([value, p]);
			}
			if (points[points.length - 1]![1] !== 1) {
				problem(["points", points.length - 1, 1], "the last cumulative probability must be 1");
				return null;
			}
			d = { kind: "empirical", points };
			break;
		}
		default:
			problem(["kind"], `unknown distribution kind ${JSON.stringify(raw.kind)}`);
			return null;
	}
	if (r.min !== undefined) d.clampMin = unit(r.min, ["min"]);
	if (r.max !== undefined) d.clampMax = unit(r.max, ["max"]);
	if (d.clampMin !== undefined && d.clampMax !== undefined && d.clampMin > d.clampMax) {
		problem(["max"], `must be >= min (${String(r.min)})`);
		return null;
	}
	return d;
}

/** One draw; never negative. Const distributions draw nothing from the stream. */
export function sample(d: Dist, rng: Rng): number {
	let x: number;
	switch (d.kind) {
		case "const":
			x = d.value;
			break;
		case "uniform":
			x = rng.uniform(d.min, d.max);
			break;
		case "normal":
			x = rng.normal(d.mean, d.sd);
			break;
		case "lognormal":
			x = rng.lognormal(d.median, d.sigma);
			break;
		case "exp":
			x = rng.exp(d.mean);
			break;
		case "pareto":
			x = rng.pareto(d.alpha, d.xmin);
			break;
		case "choice": {
			let total = 0;
			for (const w of d.weights) total += w;
			let u = rng.next() * total;
			x = d.values[d.values.length - 1]!;
			for (let k = 0; k < d.values.length; k++) {
				u -= d.weights[k]!;
				if (u < 0) {
					x = d.values[k]!;
					break;
				}
			}
			break;
		}
		case "empirical": {
			const u = rng.next();
			const pts = d.points;
			x = pts[pts.length - 1]![0];
			let prev: [number, number] | undefined;
			for (const p of pts) {
				if (u <= p[1]) {
					if (prev === undefined || p[1] === prev[1]) x = p[0];
					else x = prev[0] + ((u - prev[1]) / (p[1] - prev[1])) * (p[0] - prev[0]);
					break;
				}
				prev = p;
			}
			break;
		}
	}
	if (d.clampMin !== undefined && x < d.clampMin) x = d.clampMin;
	if (d.clampMax !== undefined && x > d.clampMax) x = d.clampMax;
	return Math.max(x, 0);
}

/** The mean of a distribution (clamps ignored), for descriptions. */
export function meanOf(d: Dist): number {
	switch (d.kind) {
		case "const":
			return d.value;
		case "uniform":
			return (d.min + d.max) / 2;
		case "normal":
			return d.mean;
		case "lognormal":
			return d.median * Math.exp((d.sigma * d.sigma) / 2);
		case "exp":
			return d.mean;
		case "pareto":
			return d.alpha > 1 ? (d.alpha * d.xmin) / (d.alpha - 1) : Number.POSITIVE_INFINITY;
		case "choice": {
			const total = d.weights.reduce((s, w) => s + w, 0);
			return d.values.reduce((s, v, k) => s + (v * d.weights[k]!) / total, 0);
		}
		case "empirical": {
			let m = 0;
			let prev: [number, number] = [d.points[0]![0], 0];
			for (const p of d.points) {
				m += ((p[0] + prev[0]) / 2) * (p[1] - prev[1]);
				prev = p;
			}
			return m;
		}
	}
}
