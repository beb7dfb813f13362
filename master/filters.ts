/**
 * Offer filters (DECLINE and the unused part of an ACCEPT).
 *
 * Layout: per framework one open-addressing hash table in typed arrays, keyed
 * by (agent, role): agent Int32Array, role Uint16Array, expiry Float64Array
 * and the index of the refused resources in a RefusedPool. The pool (one per
 * master, shared by every framework) holds each distinct refused set once:
 * a decline that refuses what the agent's previous filter refused (the same
 * free resources, declined by the next framework) shares that record. A
 * filter costs about 40 bytes and no JS object, so 50,000 agents × 1,000
 * frameworks of filters (Mesos's DeclineOffers set-up) fit in memory.
 * Lookup is O(1) expected (linear probing, load <= 0.7, tombstones purged on
 * rehash). Expiry costs nothing until the filter is looked at (then it is
 * dropped); the allocator separately keeps the expiry times so that an agent
 * becomes an allocation candidate again when a filter on it runs out.
 * Rule (Mesos): a filter blocks only while the refused resources contain
 * everything that would now be offered.
 * Guarded by: `mesosim bench allocator` (DeclineOffers), test/unit/filters.test.ts.
 */

import { grownToFit } from "../common/index.js";
import type { Range } from "./protocol/messages.js";
import { rangesContain } from "./protocol/resources.js";
import { SCALAR_EPSILON } from "./quantity.js";

export const ROLE_SPAN = 65_536;

export interface OfferFilter {
	expiresAt: number;
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
}

const NO_RECORD = -1;

/** Refused resource sets, reference-counted and shared by every framework's filters. */
export class RefusedPool {
	#cpus = new Float64Array(256);
	#mem = new Float64Array(256);
	#disk = new Float64Array(256);
	#gpus = new Float64Array(256);
	#ports: Range[][] = [];
	/** References from filters; -1 marks a free record. */
	#refs = new Int32Array(256);
	#free: number[] = [];
	#count = 0;
	/** Per agent the record its last filter used (the usual candidate for sharing). */
	#last = new Int32Array(1024).fill(NO_RECORD);

	/** Live records (for tests and memory figures). */
	get records(): number {
		return this.#count - this.#free.length;
	}

	/** A record holding `f`'s refused resources, with one more reference. */
	intern(agent: number, f: OfferFilter): number {
		if (agent >= this.#last.length) this.#last = grownToFit(this.#last, agent, NO_RECORD);
		const last = this.#last[agent]!;
		if (last !== NO_RECORD && this.#refs[last]! > 0 && this.#equals(last, f)) {
			this.#refs[last]!++;
			return last;
		}
		let id: number;
		if (this.#free.length > 0) id = this.#free.pop()!;
		else {
			id = this.#count++;
			if (id === this.#refs.length) this.#grow();
		}
		this.#cpus[id] = f.cpus;
		this.#mem[id] = f.mem;
		this.#disk[id] = f.disk;
		this.#gpus[id] = f.gpus;
		// Port lists are replaced, never mutated (master.ts): keep the list itself,
		// so that coverage of the same free list is an identity check.
		this.#ports[id] = f.ports;
		this.#refs[id] = 1;
		this.#last[agent] = id;
		return id;
	}

	release(id: number): void {
		const r = this.#refs[id]! - 1;
		if (r > 0) {
			this.#refs[id] = r;
			return;
		}
		this.#refs[id] = -1;
		this.#ports[id] = EMPTY;
		this.#free.push(id);
	}

	/** The refused resources of record `id` (read only: decision records). */
	read(id: number, expiresAt: number): OfferFilter {
		return {
			expiresAt,
			cpus: this.#cpus[id]!,
			mem: this.#mem[id]!,
			disk: this.#disk[id]!,
			gpus: this.#gpus[id]!,
			ports: this.#ports[id]!,
		};
	}

	/** Whether record `id` covers the offerable resources. */
	covers(
		id: number,
		cpus: number,
		mem: number,
		disk: number,
		gpus: number,
		ports: readonly Range[],
	): boolean {
		const epsilon = SCALAR_EPSILON;
		return (
			cpus <= this.#cpus[id]! + epsilon &&
			mem <= this.#mem[id]! + epsilon &&
			disk <= this.#disk[id]! + epsilon &&
			gpus <= this.#gpus[id]! + epsilon &&
			(this.#ports[id] === ports || rangesContain(this.#ports[id]!, ports))
		);
	}

	#equals(id: number, f: OfferFilter): boolean {
		if (
			this.#cpus[id] !== f.cpus ||
			this.#mem[id] !== f.mem ||
			this.#disk[id] !== f.disk ||
			this.#gpus[id] !== f.gpus
		)
			return false;
		const a = this.#ports[id]!;
		const b = f.ports;
		if (a === b) return true;
		if (a.length !== b.length) return false;
		for (let i = 0; i < a.length; i++)
			if (a[i]!.begin !== b[i]!.begin || a[i]!.end !== b[i]!.end) return false;
		return true;
	}

	#grow(): void {
		const cap = this.#refs.length * 2;
		const g = (a: Float64Array) => {
			const b = new Float64Array(cap);
			b.set(a);
			return b;
		};
		this.#cpus = g(this.#cpus);
		this.#mem = g(this.#mem);
		this.#disk = g(this.#disk);
		this.#gpus = g(this.#gpus);
		const refs = new Int32Array(cap);
		refs.set(this.#refs);
		this.#refs = refs;
	}
}

const EMPTY: Range[] = [];
const FREE = -1;
const TOMB = -2;

/** One framework's filters: (agent, role) -> (expiry, refused resources). */
export class FrameworkFilters {
	readonly #pool: RefusedPool;
	#agent = new Int32Array(16).fill(FREE);
	#role = new Uint16Array(16);
	#exp = new Float64Array(16);
	#rec = new Int32Array(16);
	#mask = 15;
	/** Live entries (expired ones included until looked at). */
	#size = 0;
	/** Live entries + tombstones. */
	#used = 0;

	constructor(pool: RefusedPool = new RefusedPool()) {
		this.#pool = pool;
	}

	get size(): number {
		return this.#size;
	}

	set(agent: number, role: number, filter: OfferFilter): void {
		const rec = this.#pool.intern(agent, filter);
		let i = this.#find(agent, role);
		if (i >= 0) {
			this.#pool.release(this.#rec[i]!);
			this.#exp[i] = filter.expiresAt;
			this.#rec[i] = rec;
			return;
		}
		if ((this.#used + 1) * 10 > (this.#mask + 1) * 7) this.#rehash();
		i = this.#slotFor(agent, role);
		if (this.#agent[i] === FREE) this.#used++;
		this.#agent[i] = agent;
		this.#role[i] = role;
		this.#exp[i] = filter.expiresAt;
		this.#rec[i] = rec;
		this.#size++;
	}

	/** Whether a live filter on (agent, role) covers the offerable resources. */
	blocks(
		agent: number,
		role: number,
		now: number,
		cpus: number,
		mem: number,
		disk: number,
		gpus: number,
		ports: readonly Range[],
	): boolean {
		if (this.#size === 0) return false;
		const i = this.#find(agent, role);
		if (i < 0) return false;
		if (this.#exp[i]! <= now) {
			this.#delete(i);
			return false;
		}
		return this.#pool.covers(this.#rec[i]!, cpus, mem, disk, gpus, ports);
	}

	/** The live filter on (agent, role), or null (read only: it drops nothing, unlike blocks()). */
	filterOn(agent: number, role: number, now: number): OfferFilter | null {
		if (this.#size === 0) return null;
		const i = this.#find(agent, role);
		return i < 0 || this.#exp[i]! <= now ? null : this.#pool.read(this.#rec[i]!, this.#exp[i]!);
	}

	/** When the live filter on (agent, role) expires, or -1 when there is none (read only: the dashboard's agent panel). */
	expiryOf(agent: number, role: number, now: number): number {
		if (this.#size === 0) return -1;
		const i = this.#find(agent, role);
		return i < 0 || this.#exp[i]! <= now ? -1 : this.#exp[i]!;
	}

	/** Live filters count for a role (expired ones are dropped on the way). */
	activeForRole(role: number, now: number): number {
		let n = 0;
		const ag = this.#agent;
		for (let i = 0; i <= this.#mask; i++) {
			if (ag[i]! < 0) continue;
			if (this.#exp[i]! <= now) this.#delete(i);
			else if (this.#role[i] === role) n++;
		}
		return n;
	}

	clearRole(role: number): void {
		const ag = this.#agent;
		for (let i = 0; i <= this.#mask; i++) if (ag[i]! >= 0 && this.#role[i] === role) this.#delete(i);
	}

	clearAgent(agent: number): void {
		const ag = this.#agent;
		for (let i = 0; i <= this.#mask; i++) if (ag[i] === agent) this.#delete(i);
	}

	clear(): void {
		const ag = this.#agent;
		for (let i = 0; i <= this.#mask; i++) if (ag[i]! >= 0) this.#delete(i);
	}

	#delete(i: number): void {
		this.#pool.release(this.#rec[i]!);
		this.#agent[i] = TOMB;
		this.#size--;
	}

	/** Slot of (agent, role), or -1. */
	#find(agent: number, role: number): number {
		const ag = this.#agent;
		const mask = this.#mask;
		let i = hash(agent, role) & mask;
		for (;;) {
			const a = ag[i]!;
			if (a === FREE) return -1;
			if (a === agent && this.#role[i] === role) return i;
			i = (i + 1) & mask;
		}
	}

	/** First free or tombstone slot for a key known to be absent. */
	#slotFor(agent: number, role: number): number {
		const ag = this.#agent;
		const mask = this.#mask;
		let i = hash(agent, role) & mask;
		while (ag[i]! >= 0) i = (i + 1) & mask;
		return i;
	}

	#rehash(): void {
		const oldAgent = this.#agent;
		const oldRole = this.#role;
		const oldExp = this.#exp;
		const oldRec = this.#rec;
		let cap = this.#mask + 1;
		while ((this.#size + 1) * 10 > cap * 5) cap *= 2;
		this.#agent = new Int32Array(cap).fill(FREE);
		this.#role = new Uint16Array(cap);
		this.#exp = new Float64Array(cap);
		this.#rec = new Int32Array(cap);
		this.#mask = cap - 1;
		this.#used = this.#size;
		for (let j = 0; j < oldAgent.length; j++) {
			const a = oldAgent[j]!;
			if (a < 0) continue;
			const i = this.#slotFor(a, oldRole[j]!);
			this.#agent[i] = a;
			this.#role[i] = oldRole[j]!;
			this.#exp[i] = oldExp[j]!;
			this.#rec[i] = oldRec[j]!;
		}
	}
}

function hash(agent: number, role: number): number {
	let h = Math.imul(agent ^ Math.imul(role, 0x27d4eb2d), 0x9e3779b1);
	h ^= h >>> 15;
	return h;
}

/** Mesos refuse_seconds rules: unset or negative -> 5 s, above 365 days -> 365 days, 0 -> none. */
export function refuseMs(refuseSeconds: number | undefined): number {
	const DEFAULT_S = 5;
	const MAX_S = 365 * 24 * 3600;
	let s = refuseSeconds;
	if (s === undefined || typeof s !== "number" || Number.isNaN(s) || s < 0) s = DEFAULT_S;
	if (s > MAX_S) s = MAX_S;
	return Math.round(s * 1000);
}
