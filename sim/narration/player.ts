/**
 * The script player: plays a scenario's `script:` beside its timeline, on the
 * simulated clock and the master's events only, so the same scenario and seed
 * give the same narration with the same numbers in every mode (headless
 * --text, tests, live).
 *
 * Steps play in order. A step is armed when the previous one has played; its
 * trigger then fires on a master observer hook (offer, decline, rescind,
 * taskState, agentState, cycle), on an engine timer (`at`) or on a measure
 * passing its comparison (checked after every engine event while armed). A
 * fired step plays after the engine event that fired it has run, never in
 * the middle of one: the observer hooks only set a flag, and the engine's
 * afterEvent hook plays. Playing reads the expectations, fills in the text
 * and hands a PlayedStep to `onPlay`; the live driver pauses the clock there
 * when the step says `pause`.
 *
 * The player changes nothing in the simulation: its only engine events are
 * `at` timers, which run no master code, so the master's event-log hash is
 * the same with or without a script.
 */
import type { OfferEnd, OfferRecord, TaskRecord, TaskState } from "../../master/index.js";
import { selectAgents } from "../control/selectors.js";
import type { Simulation } from "../runner/index.js";
import { type Expectation, parseText, renderText, type ScriptStep } from "../scenario/index.js";
import { agentStateName, describeCheck, MeasureReader, passes } from "./measures.js";
import type { ExpectationResult, PlayedStep } from "./types.js";

export interface PlayerOptions {
	onPlay?: (step: PlayedStep) => void;
	/** Values measured elsewhere that text may show (an exercise's answer shows the script's). */
	values?: ReadonlyMap<string, number | null>;
}

export class ScriptPlayer {
	readonly played: PlayedStep[] = [];
	readonly #sim: Simulation;
	readonly #steps: readonly ScriptStep[];
	readonly #reader: MeasureReader;
	readonly #onPlay: (step: PlayedStep) => void;
	/** Every measured value so far by expectation name (text may show earlier steps' values). */
	readonly #values = new Map<string, number | null>();
	/** Index of the armed step (steps.length when done). */
	#next = 0;
	#fired = false;

	constructor(sim: Simulation, steps: readonly ScriptStep[], opts: PlayerOptions = {}) {
		this.#sim = sim;
		this.#steps = steps;
		this.#reader = new MeasureReader(sim);
		this.#onPlay = opts.onPlay ?? (() => {});
		for (const [name, value] of opts.values ?? []) this.#values.set(name, value);
		this.#hook();
	}

	/** Steps whose trigger never came (reported at the end of a run). */
	get unplayed(): readonly ScriptStep[] {
		return this.#steps.slice(this.#next);
	}

	/** Every value measured so far, by expectation name. */
	get values(): ReadonlyMap<string, number | null> {
		return this.#values;
	}

	/** Arms the first step (plays it at once when it has no trigger or is due). */
	start(): void {
		this.#arm();
	}

	#hook(): void {
		const sim = this.#sim;
		const prev = sim.master.observer;
		sim.master.observer = {
			...prev,
			offerMade: (offer) => {
				this.#reader.noteOffer(offer.fw.info.name, sim.engine.now);
				this.#onOffer("offer", offer);
				prev.offerMade?.(offer);
			},
			offerEnded: (offer, how) => {
				this.#onOfferEnded(offer, how);
				prev.offerEnded?.(offer, how);
			},
			taskChanged: (task, previous) => {
				this.#onTask(task, previous);
				prev.taskChanged?.(task, previous);
			},
			agentChanged: (agent) => {
				this.#onAgent(agent);
				prev.agentChanged?.(agent);
			},
			cycleDecided: () => {
				const t = this.#armed()?.trigger;
				if (t?.kind === "event" && t.event === "cycle") this.#fired = true;
				prev.cycleDecided?.();
			},
		};
		const after = sim.engine.afterEvent;
		sim.engine.afterEvent = () => {
			after?.();
			this.#afterEvent();
		};
	}

	#armed(): ScriptStep | undefined {
		return this.#steps[this.#next];
	}

	#onOffer(event: "offer" | "decline" | "rescind", offer: OfferRecord): void {
		const t = this.#armed()?.trigger;
		if (t?.kind !== "event" || t.event !== event) return;
		if (t.framework === undefined || t.framework === offer.fw.info.name) this.#fired = true;
	}

	#onOfferEnded(offer: OfferRecord, how: OfferEnd): void {
		if (how === "declined") this.#onOffer("decline", offer);
		else if (how === "rescinded") this.#onOffer("rescind", offer);
	}

	#onTask(task: TaskRecord, previous: TaskState | null): void {
		const t = this.#armed()?.trigger;
		if (t?.kind !== "event" || t.event !== "taskState" || task.state === previous || task.state !== t.state)
			return;
		if (t.framework === undefined || t.framework === task.fw.info.name) this.#fired = true;
	}

	#onAgent(agent: number): void {
		const t = this.#armed()?.trigger;
		if (t?.kind !== "event" || t.event !== "agentState") return;
		if (agentStateName(this.#sim.master.cluster.state[agent]!) === t.state) this.#fired = true;
	}

	#afterEvent(): void {
		const step = this.#armed();
		if (step === undefined) return;
		const t = step.trigger;
		if (t.kind === "condition" && passes(this.#reader.read(t.measure), t.check)) this.#fired = true;
		if (this.#fired) this.#play();
	}

	/** Arms the next step; plays at once what is due now (a chain of untriggered steps plays together). */
	#arm(): void {
		this.#fired = false;
		const step = this.#armed();
		if (step === undefined) return;
		const t = step.trigger;
		const elapsed = this.#sim.engine.now - this.#sim.engine.originMs;
		if (t.kind === "next" || (t.kind === "at" && t.atMs <= elapsed)) {
			this.#play();
			return;
		}
		if (t.kind === "condition" && passes(this.#reader.read(t.measure), t.check)) {
			this.#play();
			return;
		}
		if (t.kind === "at")
			this.#sim.engine.timeout(t.atMs - elapsed, () => {
				this.#fired = true;
			});
	}

	#play(): void {
		const step = this.#steps[this.#next]!;
		const index = this.#next;
		this.#next++;
		const results = this.#measure(step.expect);
		const text = (s: string | undefined) =>
			s === undefined ? undefined : renderText(parseText(s), (name) => this.#values.get(name) ?? null);
		const played: PlayedStep = {
			index,
			tMs: this.#sim.engine.now - this.#sim.engine.originMs,
			pause: step.pause,
			expectations: results,
			agents: this.#highlightedAgents(step),
			frameworks: step.highlight?.frameworks ?? [],
			roles: step.highlight?.roles ?? [],
		};
		const fields = {
			title: text(step.title),
			caption: text(step.caption),
			question: text(step.question),
			answer: text(step.answer),
		};
		for (const [k, v] of Object.entries(fields))
			if (v !== undefined) (played as unknown as Record<string, string>)[k] = v;
		if (step.stepBy !== undefined) played.stepBy = step.stepBy;
		this.played.push(played);
		this.#onPlay(played);
		this.#arm();
	}

	/** Reads and judges expectations now, remembering the values for later text. */
	#measure(expect: readonly Expectation[]): ExpectationResult[] {
		return expect.map((e) => {
			const value = this.#reader.read(e.measure);
			this.#values.set(e.name, value);
			return { name: e.name, value, expected: describeCheck(e.check), ok: passes(value, e.check) };
		});
	}

	/** The highlighted agents as master cluster indices (the map's cells), registered ones only. */
	#highlightedAgents(step: ScriptStep): number[] {
		const sel = step.highlight?.agents;
		if (sel === undefined) return [];
		const wanted = new Set(selectAgents(this.#sim, sel));
		const cluster = this.#sim.master.cluster;
		const out: number[] = [];
		for (let a = 0; a < cluster.size; a++) if (wanted.has(cluster.local[a]!)) out.push(a);
		return out;
	}
}
