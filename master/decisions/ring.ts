/**
 * DecisionRing — a DecisionSink that keeps the last cycles and the answers to
 * their offers, indexed for "why": one cycle, one offer, one task. The live
 * master keeps a small one (/sim/v1/decisions); `mesosim explain` one as
 * large as the run needs.
 *
 * Layout: cycles in arrival order (a plain array with a start index, compacted
 * now and then); per offer id its cycle and visit; per offer id the answer and
 * the framework's reasons; per task id the answer that launched it.
 * Invariants: an offer, answer, reason or task is indexed exactly while the
 * cycle that made its offer is held. Bounded by `maxCycles` and `maxVisits`
 * (whichever is reached first evicts the oldest cycle).
 */
import type {
	AgentVisit,
	AnswerRecord,
	CycleRecord,
	DecisionRecord,
	DecisionSink,
	OfferMade,
	ReasonRecord,
} from "../protocol/decisions.js";

/** Everything known about one offer: where it came from and what became of it. */
export interface OfferWhy {
	offer: OfferMade;
	cycle: number;
	time: number;
	visit: AgentVisit;
	/** What the framework did with it (null: not answered yet, rescinded or timed out). */
	answer: AnswerRecord | null;
	/** The framework's own words, when it gave any. */
	reasons: ReasonRecord[];
}

export interface TaskWhy {
	task_id: string;
	answer: AnswerRecord;
	offers: OfferWhy[];
}

export interface RingLimits {
	maxCycles: number;
	maxVisits: number;
}

export class DecisionRing implements DecisionSink {
	readonly limits: RingLimits;
	#cycles: CycleRecord[] = [];
	#start = 0;
	#visits = 0;
	readonly #offers = new Map<string, { cycle: CycleRecord; visit: AgentVisit; offer: OfferMade }>();
	readonly #answers = new Map<string, AnswerRecord>();
	readonly #reasons = new Map<string, ReasonRecord[]>();
	readonly #tasks = new Map<string, AnswerRecord>();

	constructor(limits: RingLimits) {
		this.limits = limits;
	}

	write(record: DecisionRecord): void {
		switch (record.kind) {
			case "cycle":
				this.#addCycle(record);
				break;
			case "answer": {
				let held = false;
				for (const id of record.offer_ids) {
					if (!this.#offers.has(id)) continue;
					this.#answers.set(id, record);
					held = true;
				}
				if (held) for (const id of record.task_ids) this.#tasks.set(id, record);
				break;
			}
			case "reason":
				for (const id of record.offer_ids) {
					if (!this.#offers.has(id)) continue;
					const list = this.#reasons.get(id);
					if (list === undefined) this.#reasons.set(id, [record]);
					else list.push(record);
				}
				break;
		}
	}

	/** Cycles held now. */
	get size(): number {
		return this.#cycles.length - this.#start;
	}

	/** Number of the oldest cycle held (null when none). */
	get oldest(): number | null {
		return this.size === 0 ? null : this.#cycles[this.#start]!.cycle;
	}

	get newest(): number | null {
		return this.size === 0 ? null : this.#cycles[this.#cycles.length - 1]!.cycle;
	}

	/** The last `n` cycles, oldest first. */
	last(n: number): CycleRecord[] {
		const from = Math.max(this.#start, this.#cycles.length - Math.max(0, Math.floor(n)));
		return this.#cycles.slice(from);
	}

	cycle(n: number): CycleRecord | undefined {
		// Cycle numbers grow by one per cycle, but recording may have been off in between.
		for (let i = this.#cycles.length - 1; i >= this.#start; i--) {
			const c = this.#cycles[i]!;
			if (c.cycle === n) return c;
			if (c.cycle < n) return undefined;
		}
		return undefined;
	}

	/** The last cycle that ran at or before `time` (the master's clock). */
	cycleAt(time: number): CycleRecord | undefined {
		for (let i = this.#cycles.length - 1; i >= this.#start; i--) {
			const c = this.#cycles[i]!;
			if (c.time <= time) return c;
		}
		return undefined;
	}

	offer(id: string): OfferWhy | undefined {
		const at = this.#offers.get(id);
		if (at === undefined) return undefined;
		return {
			offer: at.offer,
			cycle: at.cycle.cycle,
			time: at.cycle.time,
			visit: at.visit,
			answer: this.#answers.get(id) ?? null,
			reasons: this.#reasons.get(id) ?? [],
		};
	}

	task(id: string): TaskWhy | undefined {
		const answer = this.#tasks.get(id);
		if (answer === undefined) return undefined;
		const offers: OfferWhy[] = [];
		for (const offerId of answer.offer_ids) {
			const why = this.offer(offerId);
			if (why !== undefined) offers.push(why);
		}
		return { task_id: id, answer, offers };
	}

	#addCycle(c: CycleRecord): void {
		this.#cycles.push(c);
		this.#visits += c.visits.length;
		for (const visit of c.visits)
			for (const offer of visit.offers) this.#offers.set(offer.offer_id, { cycle: c, visit, offer });
		const { maxCycles, maxVisits } = this.limits;
		while (this.size > 1 && (this.size > maxCycles || this.#visits > maxVisits)) this.#evictOldest();
		if (this.#start > 1024 && this.#start * 2 > this.#cycles.length) {
			this.#cycles = this.#cycles.slice(this.#start);
			this.#start = 0;
		}
	}

	#evictOldest(): void {
		const c = this.#cycles[this.#start]!;
		this.#cycles[this.#start] = undefined as unknown as CycleRecord;
		this.#start++;
		this.#visits -= c.visits.length;
		for (const visit of c.visits) {
			for (const offer of visit.offers) {
				const id = offer.offer_id;
				this.#offers.delete(id);
				this.#reasons.delete(id);
				const answer = this.#answers.get(id);
				this.#answers.delete(id);
				if (answer !== undefined)
					for (const t of answer.task_ids) if (this.#tasks.get(t) === answer) this.#tasks.delete(t);
			}
		}
	}
}
