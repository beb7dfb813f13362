/**
 * Invariant checks over the master's state, run after every event in tests and
 * with `mesosim run --check-invariants`. Only agents touched since the last
 * check are examined, so a check costs O(work done by the event).
 *
 *  - per agent and resource: offered = sum of its outstanding offers,
 *    allocated = sum of its unreleased tasks, both >= 0, offered + allocated
 *    <= total (so free >= 0);
 *  - offers end exactly once (the master records a double end as a violation);
 *  - a task's resources are released at most once, and only for a terminal
 *    (or unreachable) state;
 *  - checks added with addCheck, e.g. the fleet's: an update with a uuid is
 *    redelivered until it is acknowledged (a retry is always armed).
 */
import type { Master } from "./master.js";
import { SCALAR_NAMES } from "./protocol/resources.js";

const EPS = 1e-6;

export class InvariantChecker {
	readonly #master: Master;
	readonly #dirty = new Set<number>();
	checked = 0;
	readonly violations: string[] = [];
	#seenMasterViolations = 0;

	constructor(master: Master) {
		this.#master = master;
		const prev = master.observer;
		master.observer = {
			...prev,
			offerMade: (o) => {
				this.#dirty.add(o.agent);
				prev.offerMade?.(o);
			},
			offerEnded: (o, how) => {
				this.#dirty.add(o.agent);
				prev.offerEnded?.(o, how);
			},
			taskChanged: (t, p) => {
				this.#dirty.add(t.agent);
				prev.taskChanged?.(t, p);
			},
			agentChanged: (a) => {
				this.#dirty.add(a);
				prev.agentChanged?.(a);
			},
		};
	}

	readonly #extra: (() => string[])[] = [];

	/** Adds a check from outside the master (e.g. the agents' redelivery audit). */
	addCheck(fn: () => string[]): void {
		this.#extra.push(fn);
	}

	/** Checks every agent touched since the last call; returns the number of new violations. */
	check(): number {
		this.checked++;
		const before = this.violations.length;
		for (const fn of this.#extra)
			for (const v of fn()) if (this.violations.length < 1000) this.violations.push(v);
		const m = this.#master;
		while (this.#seenMasterViolations < m.violations.length) {
			this.violations.push(m.violations[this.#seenMasterViolations++]!);
		}
		for (const a of this.#dirty) this.#checkAgent(a);
		this.#dirty.clear();
		return this.violations.length - before;
	}

	/** Checks every agent (end of run). */
	checkAll(): number {
		for (let a = 0; a < this.#master.cluster.size; a++) this.#dirty.add(a);
		return this.check();
	}

	#checkAgent(a: number): void {
		const m = this.#master;
		const cl = m.cluster;
		const offered = [0, 0, 0, 0];
		const allocated = [0, 0, 0, 0];
		for (const o of m.offersOnAgent(a)) for (let k = 0; k < 4; k++) offered[k]! += o.q[k]!;
		for (const t of m.tasksOnAgent(a)) {
			if (t.released) continue;
			for (let k = 0; k < 4; k++) allocated[k]! += t.q[k]!;
		}
		for (let k = 0; k < 4; k++) {
			const name = SCALAR_NAMES[k]!;
			const off = cl.offered[k]![a]!;
			const alloc = cl.allocated[k]![a]!;
			const total = cl.total[k]![a]!;
			const id = cl.ids[a];
			if (off < -EPS || alloc < -EPS)
				this.violations.push(`agent ${id}: negative ${name} (offered ${off}, allocated ${alloc})`);
			if (Math.abs(off - offered[k]!) > EPS)
				this.violations.push(`agent ${id}: offered ${name} ${off} != sum of offers ${offered[k]}`);
			if (Math.abs(alloc - allocated[k]!) > EPS)
				this.violations.push(`agent ${id}: allocated ${name} ${alloc} != sum of tasks ${allocated[k]}`);
			if (off + alloc > total + EPS)
				this.violations.push(`agent ${id}: ${name} over-committed (${off} + ${alloc} > ${total})`);
		}
	}
}
