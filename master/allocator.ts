/**
 * Allocator — Mesos's hierarchical DRF allocator (hierarchical.cpp,
 * __generateOffers), restricted to candidate agents.
 *
 * Layout: a role DrfSorter (hierarchical) plus one flat DrfSorter of
 * frameworks per role; per-role quota limits and consumption (subtree sums)
 * as Float64Array(4); candidate agents as a Uint8Array flag plus a dense list;
 * filter expiry times in an EventHeap of (time, seq, agent).
 * Invariant (candidates): an agent that is not a candidate cannot yield an
 * offer now. An agent is dropped after a cycle visits it and re-added when its
 * free resources grow, a filter on it expires, it (re)joins, a quota role whose
 * limit held back resources on it releases some (its headroom grows), or when
 * anything that concerns every agent happens (framework added/activated/
 * revived/unsuppressed, quota or roles changed). A cycle therefore makes exactly the
 * offers a scan of all agents in the same order would make; the `fullScan`
 * flag visits the others too (the test compares both).
 * Complexity: a cycle is O(candidates × (roles visited + frameworks visited)).
 * Guarded by: `mesosim bench allocator`.
 */
import { EventHeap, type Rng } from "../sim/engine/index.js";
import { AGENT_STATE, type Cluster } from "./cluster.js";
import type { MasterFlags } from "./flags.js";
import type { Range } from "./protocol/messages.js";
import { SCALAR_COUNT, SCALAR_NAMES } from "./protocol/resources.js";
import type { FrameworkRecord } from "./records.js";
import { DrfSorter, type SortedClient } from "./sorter.js";

export interface RoleRecord {
	idx: number;
	name: string;
	weight: number;
	/** Quota limits per scalar (Infinity = none). */
	limit: Float64Array;
	hasLimit: boolean;
	/** Offered + allocated to this role and the roles below it. */
	consumed: Float64Array;
	/** Frameworks subscribed to this role. */
	frameworks: Set<FrameworkRecord>;
	fwSorter: DrfSorter;
	ancestors: number[];
}

export interface AllocatorHost {
	now(): number;
	/** The allocator decided: `fw` gets these resources of `agent` for `role`. */
	offer(fw: FrameworkRecord, role: number, agent: number, q: Float64Array, ports: Range[]): void;
	/** End of a cycle: deliver the OFFERS events. */
	cycleDone(): void;
}

const ALL = -1;

export class Allocator {
	readonly roleSorter: DrfSorter;
	readonly roles: RoleRecord[] = [];
	readonly #roleByName = new Map<string, number>();
	readonly #flags: MasterFlags;
	readonly #cluster: Cluster;
	readonly #rng: Rng;
	readonly #host: AllocatorHost;
	#candidate: Uint8Array = new Uint8Array(1024);
	#candidates: number[] = [];
	readonly #expiry = new EventHeap(256);
	#expirySeq = 0;
	#requestAll = false;
	#requested: number[] = [];
	#requestedFlag: Uint8Array = new Uint8Array(1024);
	#pending = false;
	// Scratch buffers reused every cycle.
	#order: number[] = [];
	readonly #avail = new Float64Array(SCALAR_COUNT);
	readonly #roleBuf: SortedClient[] = [];
	readonly #fwBuf: SortedClient[] = [];
	readonly #frameworks: FrameworkRecord[] = [];
	readonly #total = new Float64Array(SCALAR_COUNT);
	#anyQuota = false;
	/** Per limited role: agents where its limit held resources back at their last visit. */
	readonly #capped = new Map<number, Set<number>>();
	/** Limited roles whose consumption fell since the last cycle (their headroom grew). */
	readonly #freed = new Set<number>();
	/** Inside the fullScan test sweep, which must leave no trace. */
	#sweeping = false;

	cycles = 0;
	offersMade = 0;
	/** Offers a non-candidate agent would have made in fullScan mode (must stay 0). */
	nonCandidateOffers = 0;
	/** Wall-clock-free work counters (deterministic). */
	agentsVisited = 0;

	constructor(flags: MasterFlags, cluster: Cluster, rng: Rng, host: AllocatorHost) {
		this.#flags = flags;
		this.#cluster = cluster;
		this.#rng = rng;
		this.#host = host;
		this.roleSorter = new DrfSorter(true, flags.fairSharingExcludedResourceNames);
	}

	// ---- roles ---------------------------------------------------------------

	roleIndex(name: string): number {
		let i = this.#roleByName.get(name);
		if (i !== undefined) return i;
		i = this.roles.length;
		const parts = name.split("/");
		const ancestors: number[] = [];
		if (name !== "*") {
			for (let k = 1; k < parts.length; k++) ancestors.push(this.roleIndex(parts.slice(0, k).join("/")));
		}
		const idx = this.roles.length;
		this.roles.push({
			idx,
			name,
			weight: 1,
			limit: new Float64Array(SCALAR_COUNT).fill(Number.POSITIVE_INFINITY),
			hasLimit: false,
			consumed: new Float64Array(SCALAR_COUNT),
			frameworks: new Set(),
			fwSorter: new DrfSorter(false, this.#flags.fairSharingExcludedResourceNames),
			ancestors,
		});
		this.roles[idx]!.fwSorter.addTotal(this.#total, 1);
		this.#roleByName.set(name, idx);
		return idx;
	}

	findRole(name: string): RoleRecord | undefined {
		const i = this.#roleByName.get(name);
		return i === undefined ? undefined : this.roles[i];
	}

	setWeight(name: string, weight: number): void {
		const r = this.roles[this.roleIndex(name)]!;
		r.weight = weight;
		this.roleSorter.setWeight(name, weight);
	}

	/** Quota limits; a missing resource means no limit. Takes effect at the next cycle. */
	setQuota(name: string, limits: Partial<Record<string, number>>): void {
		const r = this.roles[this.roleIndex(name)]!;
		r.hasLimit = false;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const v = limits[SCALAR_NAMES[k]!];
			r.limit[k] = v === undefined ? Number.POSITIVE_INFINITY : v;
			if (v !== undefined) r.hasLimit = true;
		}
		this.#anyQuota = this.roles.some((x) => x.hasLimit);
		this.markAllCandidates();
	}

	// ---- frameworks ----------------------------------------------------------

	addFramework(fw: FrameworkRecord): void {
		this.#frameworks[fw.idx] = fw;
		for (let k = 0; k < fw.roles.length; k++) this.#addFrameworkRole(fw, fw.roleIdx[k]!);
		this.syncActive(fw);
	}

	#addFrameworkRole(fw: FrameworkRecord, role: number): void {
		const r = this.roles[role]!;
		r.frameworks.add(fw);
		r.fwSorter.add(fw.id, fw.idx);
		if (!this.roleSorter.has(r.name)) {
			this.roleSorter.add(r.name, role);
			this.roleSorter.setWeight(r.name, r.weight);
			this.roleSorter.allocated(r.name, r.consumed, 1, false);
			this.roleSorter.deactivate(r.name);
		}
	}

	/** Roles changed (UPDATE_FRAMEWORK): `added`/`removed` are role indices. */
	updateFrameworkRoles(fw: FrameworkRecord, added: number[], removed: number[]): void {
		for (const role of added) this.#addFrameworkRole(fw, role);
		for (const role of removed) this.#removeFrameworkRole(fw, role);
		this.syncActive(fw);
	}

	removeFramework(fw: FrameworkRecord): void {
		for (const role of fw.roleIdx) this.#removeFrameworkRole(fw, role);
	}

	#removeFrameworkRole(fw: FrameworkRecord, role: number): void {
		const r = this.roles[role]!;
		r.fwSorter.remove(fw.id);
		r.frameworks.delete(fw);
		if (r.frameworks.size === 0) this.roleSorter.remove(r.name);
		else this.#syncRole(r);
	}

	/** Re-derives sorter activity from fw.active and its suppressed roles. */
	syncActive(fw: FrameworkRecord): void {
		for (let k = 0; k < fw.roles.length; k++) {
			const r = this.roles[fw.roleIdx[k]!]!;
			if (fw.active && !fw.suppressed.has(fw.roles[k]!)) r.fwSorter.activate(fw.id);
			else r.fwSorter.deactivate(fw.id);
			this.#syncRole(r);
		}
	}

	#syncRole(r: RoleRecord): void {
		if (!this.roleSorter.has(r.name)) return;
		let any = false;
		for (const f of r.frameworks) {
			if (r.fwSorter.isActive(f.id)) {
				any = true;
				break;
			}
		}
		if (any) this.roleSorter.activate(r.name);
		else this.roleSorter.deactivate(r.name);
	}

	// ---- resources -----------------------------------------------------------

	/** An agent's resources join (1) or leave (-1) the totals every share is measured against. */
	agentTotals(agent: number, sign: 1 | -1): void {
		const t = this.#cluster.totalsOf(agent);
		for (let k = 0; k < SCALAR_COUNT; k++) this.#total[k] = this.#total[k]! + sign * t[k]!;
		this.roleSorter.addTotal(t, sign);
		for (const r of this.roles) r.fwSorter.addTotal(t, sign);
		if (sign === 1) this.markCandidate(agent);
	}

	/** Total resources of the agents in the allocator (cpus, mem, disk, gpus). */
	get total(): Float64Array {
		return this.#total;
	}

	/**
	 * Tracks an allocation (offer or task) of `q` to fw in role (sign -1 releases).
	 * `countIt`: whether it is a new allocation for the DRF tie-break (Mesos counts
	 * offers, not the launches that move offered resources into tasks).
	 */
	track(
		fw: FrameworkRecord,
		role: number,
		q: Float64Array | readonly number[],
		sign: 1 | -1,
		countIt: boolean = sign === 1,
	): void {
		const r = this.roles[role]!;
		for (let k = 0; k < SCALAR_COUNT; k++) r.consumed[k] = r.consumed[k]! + sign * q[k]!;
		for (const a of r.ancestors) {
			const c = this.roles[a]!.consumed;
			for (let k = 0; k < SCALAR_COUNT; k++) c[k] = c[k]! + sign * q[k]!;
		}
		this.roleSorter.allocated(r.name, q, sign, countIt);
		r.fwSorter.allocated(fw.id, q, sign, countIt);
		if (sign === -1 && this.#anyQuota) {
			if (r.hasLimit) this.#freed.add(r.idx);
			for (const a of r.ancestors) if (this.roles[a]!.hasLimit) this.#freed.add(a);
		}
	}

	// ---- candidates and cycles -------------------------------------------------

	markCandidate(agent: number): void {
		if (agent >= this.#candidate.length) this.#candidate = grow(this.#candidate, agent);
		if (this.#candidate[agent] === 0) {
			this.#candidate[agent] = 1;
			this.#candidates.push(agent);
		}
	}

	markAllCandidates(): void {
		const n = this.#cluster.size;
		for (let i = 0; i < n; i++) this.markCandidate(i);
	}

	isCandidate(agent: number): boolean {
		return this.#candidate[agent] === 1;
	}

	get candidateCount(): number {
		return this.#candidates.length;
	}

	filterCreated(agent: number, expiresAt: number): void {
		this.#expiry.push(expiresAt, this.#expirySeq++, agent);
	}

	/** Asks for a cycle over one agent, or all (ALL = -1); cycles are batched. */
	request(agent: number = ALL): void {
		if (agent === ALL) this.#requestAll = true;
		else if (!this.#requestAll) {
			if (agent >= this.#requestedFlag.length) this.#requestedFlag = grow(this.#requestedFlag, agent);
			if (this.#requestedFlag[agent] === 0) {
				this.#requestedFlag[agent] = 1;
				this.#requested.push(agent);
			}
		}
		this.#pending = true;
	}

	get pending(): boolean {
		return this.#pending;
	}

	/** Runs one allocation cycle over the requested agents that are candidates. */
	cycle(): void {
		if (!this.#pending) return;
		this.#pending = false;
		this.cycles++;
		const now = this.#host.now();
		const cl = this.#cluster;
		// Filters that ran out make their agents candidates again.
		while (this.#expiry.size > 0 && this.#expiry.peekTime() <= now) this.markCandidate(this.#expiry.pop());
		// Quota headroom grew: agents that role's limit held back may yield an offer now.
		for (const role of this.#freed) {
			const held = this.#capped.get(role);
			if (held === undefined) continue;
			for (const a of held) this.markCandidate(a);
			held.clear();
		}
		this.#freed.clear();

		const order = this.#order;
		order.length = 0;
		if (this.#requestAll) {
			for (const a of this.#candidates) order.push(a);
		} else {
			for (const a of this.#requested) if (this.#candidate[a] === 1) order.push(a);
		}
		for (const a of this.#requested) this.#requestedFlag[a] = 0;
		this.#requested.length = 0;
		const all = this.#requestAll;
		this.#requestAll = false;
		this.#rng.shuffle(order);
		for (const a of order) {
			this.#candidate[a] = 0;
			this.agentsVisited++;
			if (cl.state[a] === AGENT_STATE.ACTIVE) this.#allocateAgent(a);
		}
		if (all || this.#candidates.length > 0)
			this.#candidates = this.#candidates.filter((a) => this.#candidate[a] === 1);
		if (this.#flags.fullScan && all) {
			// Test hook: every non-candidate agent must yield nothing.
			const before = this.offersMade;
			this.#sweeping = true;
			for (let a = 0; a < cl.size; a++) {
				if (this.#candidate[a] === 0 && cl.state[a] === AGENT_STATE.ACTIVE && !order.includes(a))
					this.#allocateAgent(a);
			}
			this.#sweeping = false;
			this.nonCandidateOffers += this.offersMade - before;
		}
		this.#host.cycleDone();
	}

	#allocateAgent(a: number): void {
		if (!this.#hasFree(a)) return;
		// Mesos takes one snapshot of the role order per agent. Without quota the
		// first framework that takes empties the agent, so the snapshot and the
		// live order agree up to that point; with quota a capped role leaves
		// resources for the next one and the snapshot matters.
		const roles = this.#roleBuf;
		const n = this.roleSorter.fill(roles);
		if (this.#flags.roleSorter === "random") this.#rng.shuffle(roles, n);
		const keepGoing = this.#anyQuota;
		for (let i = 0; i < n; i++) {
			const taken = this.#allocateRole(a, this.roles[roles[i]!.key]!);
			if (taken && (!keepGoing || !this.#hasFree(a))) return;
		}
	}

	/** Offers agent `a`'s remaining resources to the first eligible framework of role r. */
	#allocateRole(a: number, r: RoleRecord): boolean {
		const cl = this.#cluster;
		const av = this.#avail;
		for (let k = 0; k < SCALAR_COUNT; k++) av[k] = cl.free(a, k);
		if (r.hasLimit || r.ancestors.length > 0) {
			this.#capByQuota(r, r, av, a);
			for (const anc of r.ancestors) this.#capByQuota(r, this.roles[anc]!, av, a);
		}
		const ports = cl.freePorts[a]!;
		let order: readonly SortedClient[];
		let n: number;
		if (this.#flags.frameworkSorter === "random") {
			const buf = this.#fwBuf;
			n = r.fwSorter.fill(buf);
			this.#rng.shuffle(buf, n);
			order = buf;
		} else {
			order = r.fwSorter.flatOrder();
			n = order.length;
		}
		const gpuAgent = this.#flags.filterGpuResources && cl.total[3]![a]! > 0;
		const now = this.#host.now();
		for (let i = 0; i < n; i++) {
			const c = order[i]!;
			if (!c.active) continue;
			const fw = this.#frameworks[c.key];
			if (fw === undefined) continue;
			if (gpuAgent && !fw.gpuCapable) continue;
			if (!this.#allocatable(fw, r.idx, av, ports)) continue;
			if (fw.filters.blocks(a, r.idx, now, av[0]!, av[1]!, av[2]!, av[3]!, ports)) continue;
			this.offersMade++;
			this.#host.offer(fw, r.idx, a, Float64Array.from(av), ports);
			return true;
		}
		return false;
	}

	/** Caps `av` at role rr's quota headroom; remembers agents held back for `r`'s later revisit. */
	#capByQuota(_r: RoleRecord, rr: RoleRecord, av: Float64Array, agent: number): void {
		if (!rr.hasLimit) return;
		let capped = false;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const head = rr.limit[k]! - rr.consumed[k]!;
			if (av[k]! > head) {
				av[k] = head > 1e-9 ? head : 0;
				capped = true;
			}
		}
		if (!capped || this.#sweeping) return;
		let held = this.#capped.get(rr.idx);
		if (held === undefined) {
			held = new Set();
			this.#capped.set(rr.idx, held);
		}
		held.add(agent);
	}

	#allocatable(fw: FrameworkRecord, role: number, av: Float64Array, ports: readonly Range[]): boolean {
		const sets = fw.minAllocatable.get(role) ?? this.#flags.minAllocatable;
		let any = false;
		for (let k = 0; k < SCALAR_COUNT; k++) if (av[k]! > 0) any = true;
		if (!any && ports.length === 0) return false;
		if (sets.length === 0) return true;
		for (const s of sets) {
			let ok = true;
			for (const name in s) {
				const k = SCALAR_NAMES.indexOf(name as (typeof SCALAR_NAMES)[number]);
				const need = s[name as keyof typeof s]!;
				const have = k >= 0 ? av[k]! : 0;
				if (have + 1e-9 < need) {
					ok = false;
					break;
				}
			}
			if (ok) return true;
		}
		return false;
	}

	#hasFree(a: number): boolean {
		const cl = this.#cluster;
		for (let k = 0; k < SCALAR_COUNT; k++) if (cl.free(a, k) > 0) return true;
		return cl.freePorts[a]!.length > 0;
	}
}

function grow(a: Uint8Array, need: number): Uint8Array {
	let cap = a.length * 2;
	while (cap <= need) cap *= 2;
	const b = new Uint8Array(cap);
	b.set(a);
	return b;
}
