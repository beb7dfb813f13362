/**
 * CandidateAgents — the agents that can yield an offer now, and the agents
 * the next cycle was asked to visit.
 *
 * Layout: candidates as a Uint8Array flag per agent plus a dense list of the
 * flagged ones; the request as a second flag array and list, or "all".
 * Invariants: an agent that is not a candidate cannot yield an offer now
 * (the allocator re-marks an agent whenever that may have changed); between
 * cycles the list holds exactly the flagged agents. A cycle visits the
 * requested candidates, drops each one it visits and compacts the list after.
 * Complexity: mark O(1); a cycle's visit list O(requested) or O(candidates);
 * compaction O(candidates).
 * Guarded by: `mesosim bench allocator`; the fullScan check (AllocatorChecks).
 */
import { grownToFit } from "../../common/index.js";

export class CandidateAgents {
	#flag: Uint8Array = new Uint8Array(1024);
	#list: number[] = [];
	#requestAll = false;
	#requestedFlag: Uint8Array = new Uint8Array(1024);
	#requested: number[] = [];

	mark(agent: number): void {
		if (agent >= this.#flag.length) this.#flag = grownToFit(this.#flag, agent);
		if (this.#flag[agent] === 0) {
			this.#flag[agent] = 1;
			this.#list.push(agent);
		}
	}

	/** Marks agents 0 … agents-1. */
	markAll(agents: number): void {
		for (let a = 0; a < agents; a++) this.mark(a);
	}

	has(agent: number): boolean {
		return this.#flag[agent] === 1;
	}

	get count(): number {
		return this.#list.length;
	}

	/** The next cycle visits `agent` if it is a candidate. */
	request(agent: number): void {
		if (this.#requestAll) return;
		if (agent >= this.#requestedFlag.length) this.#requestedFlag = grownToFit(this.#requestedFlag, agent);
		if (this.#requestedFlag[agent] === 0) {
			this.#requestedFlag[agent] = 1;
			this.#requested.push(agent);
		}
	}

	/** The next cycle visits every candidate. */
	requestAll(): void {
		this.#requestAll = true;
	}

	/**
	 * Writes the agents this cycle visits into `visits` (requested candidates,
	 * in the order they became candidates or were requested) and clears the
	 * request. Returns whether every candidate was requested.
	 */
	takeRequest(visits: number[]): boolean {
		visits.length = 0;
		if (this.#requestAll) {
			for (const a of this.#list) visits.push(a);
		} else {
			for (const a of this.#requested) if (this.#flag[a] === 1) visits.push(a);
		}
		for (const a of this.#requested) this.#requestedFlag[a] = 0;
		this.#requested.length = 0;
		const all = this.#requestAll;
		this.#requestAll = false;
		return all;
	}

	/** The cycle visits `agent`: it stays out until something marks it again. */
	drop(agent: number): void {
		this.#flag[agent] = 0;
	}

	/** After a cycle's visits: the list keeps only the agents still flagged. */
	compact(): void {
		const list = this.#list;
		let kept = 0;
		for (let i = 0; i < list.length; i++) {
			const a = list[i]!;
			if (this.#flag[a] === 1) list[kept++] = a;
		}
		list.length = kept;
	}
}
