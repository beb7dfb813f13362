/**
 * Decisions on the live master (docs/api.md, "Decisions"): a bounded
 * DecisionRing (master/decisions) that records why each offer went where,
 * off by default, switched on by `serve --decisions N` or by
 * POST /sim/v1/decisions, and read by cycle, offer or task. The dashboard's
 * step mode walks these records.
 *
 * Recording costs a record per agent visit; the ring keeps the last `cycles`
 * cycles and at most `visits` agent visits over them (a 60,000-agent cycle is
 * 60,000 visits), whichever bound is reached first evicting the oldest cycle.
 * Turning recording off keeps what the ring holds readable; turning it on
 * again, or with other bounds, starts an empty ring.
 *
 * Record times are the master's clock (in live mode Unix ms); the status
 * carries `originMs` so a client can show simulated time (time - originMs).
 */
import type { FastifyInstance, FastifyRequest, RouteHandlerMethod } from "fastify";
import { type Static, type TSchema, Type } from "typebox";
import { Compile } from "typebox/compile";
import { explain } from "../../common/schema/explain.js";
import { formatIssue, IssueList } from "../../common/schema/issues.js";
import { DecisionRing, type RingLimits } from "../../master/index.js";
import { recordDecisions, type Simulation } from "../runner/build.js";
import { badControl, notFound } from "./errors.js";

/** Cycles a ring keeps when the caller names none. */
export const DEFAULT_DECISION_CYCLES = 50;
/** Agent visits a ring keeps when the caller names none (a few cycles of a 60,000-agent cluster). */
export const DEFAULT_DECISION_VISITS = 200_000;
export const MAX_DECISION_CYCLES = 10_000;
export const MAX_DECISION_VISITS = 2_000_000;
/** Cycles GET /sim/v1/decisions returns unless `last` says otherwise. */
const DEFAULT_LAST = 10;

const Cycles = Type.Integer({ minimum: 1, maximum: MAX_DECISION_CYCLES });
const Visits = Type.Integer({ minimum: 1, maximum: MAX_DECISION_VISITS });

const SwitchBody = Type.Object(
	{ record: Type.Boolean(), cycles: Type.Optional(Cycles), visits: Type.Optional(Visits) },
	{ additionalProperties: false },
);
const ListQuery = Type.Object(
	{ last: Type.Optional(Type.Integer({ minimum: 0, maximum: MAX_DECISION_CYCLES })) },
	{ additionalProperties: false },
);
const CycleParam = Type.Integer({ minimum: 0 });

const switchValidator = Compile(SwitchBody);
const listValidator = Compile(ListQuery);
const cycleValidator = Compile(CycleParam);

/**
 * The value if it passes, else a 400 naming each wrong field
 * ("cycles: must be an integer from 1 to 10000 (got 0)").
 */
function checked<S extends TSchema>(
	schema: S,
	validator: { Check(v: unknown): boolean },
	value: unknown,
	name: string,
): Static<S> {
	if (validator.Check(value)) return value as Static<S>;
	const issues = new IssueList();
	explain(schema, value, name === "" ? [] : [name], issues);
	const text = issues.issues.map((i) => formatIssue(i).replace(/^\//, "").replaceAll("/", ".")).join("; ");
	throw badControl(text || `${name || "the request"}: not valid`);
}

/** Query strings carry text: digits become numbers (so "ten" is reported as given). */
function numbersIn(query: unknown): Record<string, unknown> {
	const out: Record<string, unknown> = {};
	for (const [k, v] of Object.entries((query ?? {}) as Record<string, unknown>))
		out[k] = typeof v === "string" && /^\d{1,15}$/.test(v) ? Number(v) : v;
	return out;
}

/** The ring and whether it is fed; one per live master. */
export class DecisionControl {
	readonly #sim: Simulation;
	#ring: DecisionRing | null = null;

	constructor(sim: Simulation, initial: Partial<RingLimits> | null = null) {
		this.#sim = sim;
		if (initial !== null) this.start(initial);
	}

	get recording(): boolean {
		return this.#ring !== null && this.#sim.decisions === this.#ring;
	}

	get ring(): DecisionRing | null {
		return this.#ring;
	}

	/** Records into a ring of these bounds (the running ring if it has them, else a new empty one). */
	start(limits: Partial<RingLimits>): void {
		const want: RingLimits = {
			maxCycles: limits.maxCycles ?? DEFAULT_DECISION_CYCLES,
			maxVisits: limits.maxVisits ?? DEFAULT_DECISION_VISITS,
		};
		const same =
			this.recording &&
			this.#ring!.limits.maxCycles === want.maxCycles &&
			this.#ring!.limits.maxVisits === want.maxVisits;
		if (same) return;
		this.#ring = new DecisionRing(want);
		recordDecisions(this.#sim, this.#ring);
	}

	/** Stops recording; what the ring holds stays readable. */
	stop(): void {
		if (this.recording) recordDecisions(this.#sim, null);
	}

	status(last: number) {
		const ring = this.#ring;
		return {
			recording: this.recording,
			limits: ring === null ? null : { cycles: ring.limits.maxCycles, visits: ring.limits.maxVisits },
			held: ring?.size ?? 0,
			oldest: ring?.oldest ?? null,
			newest: ring?.newest ?? null,
			/** Record times minus originMs is simulated time. */
			originMs: this.#sim.engine.originMs,
			cycles: ring === null ? [] : ring.last(last),
		};
	}

	cycle(n: number) {
		const ring = this.#ring;
		const found = ring?.cycle(n);
		if (found !== undefined) return found;
		const oldest = ring?.oldest ?? null;
		const newest = ring?.newest ?? null;
		if (ring === null || oldest === null || newest === null || n < oldest)
			throw notFound(`cycle ${n} is not held: ${this.#whyMissing()}`);
		if (n > newest)
			throw notFound(
				this.recording
					? `cycle ${n} has not run yet: the newest cycle recorded is ${newest}`
					: `cycle ${n} is not held: ${this.#whyMissing()}; the newest cycle held is ${newest}`,
			);
		throw notFound(`cycle ${n} was not recorded: recording was off while it ran`);
	}

	offer(id: string) {
		const found = this.#ring?.offer(id);
		if (found !== undefined) return found;
		throw notFound(`offer ${id} is not held: ${this.#whyMissing()}`);
	}

	task(id: string) {
		const found = this.#ring?.task(id);
		if (found !== undefined) return found;
		throw notFound(`task ${id} is not held: ${this.#whyMissing()}`);
	}

	/** Why something asked for is not in the ring: recording is off, or it is older than the oldest cycle. */
	#whyMissing(): string {
		const ring = this.#ring;
		const on = 'POST /sim/v1/decisions {"record": true} starts it';
		if (ring === null) return `recording is off (${on})`;
		const oldest = ring.oldest;
		const held =
			oldest === null
				? "the ring holds no cycle yet"
				: `older than the ring holds (its oldest cycle is ${oldest}, at ${this.#simTime(ring.cycle(oldest)!.time)}), from a time recording was off, or unknown`;
		return this.recording ? held : `recording is off (${on}); ${held}`;
	}

	#simTime(time: number): string {
		return `t=${((time - this.#sim.engine.originMs) / 1000).toFixed(3)} s`;
	}
}

type Handler = (req: FastifyRequest) => unknown;

/** The /sim/v1/decisions routes; `guarded` wraps a handler as the control plugin does (catch-up, errors). */
export function decisionRoutes(
	app: FastifyInstance,
	prefix: string,
	control: DecisionControl,
	guarded: (fn: Handler) => RouteHandlerMethod,
	body: (req: FastifyRequest) => unknown,
): void {
	const base = `${prefix}/decisions`;
	app.get(
		base,
		guarded((req) => {
			const q = checked(ListQuery, listValidator, numbersIn(req.query), "");
			return control.status(q.last ?? DEFAULT_LAST);
		}),
	);
	app.post(
		base,
		guarded((req) => {
			const b = checked(SwitchBody, switchValidator, body(req), "");
			if (b.record)
				control.start({
					...(b.cycles === undefined ? {} : { maxCycles: b.cycles }),
					...(b.visits === undefined ? {} : { maxVisits: b.visits }),
				});
			else {
				if (b.cycles !== undefined || b.visits !== undefined)
					throw badControl("cycles, visits: only with record: true");
				control.stop();
			}
			return control.status(0);
		}),
	);
	app.get(
		`${base}/cycles/:n`,
		guarded((req) => {
			const raw = (req.params as { n: string }).n;
			const n = checked(CycleParam, cycleValidator, numbersIn({ n: raw }).n, "cycle");
			return control.cycle(n);
		}),
	);
	app.get(
		`${base}/offers/:id`,
		guarded((req) => control.offer((req.params as { id: string }).id)),
	);
	app.get(
		`${base}/tasks/:id`,
		guarded((req) => control.task((req.params as { id: string }).id)),
	);
}
