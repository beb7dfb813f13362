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
import { EventHeap, type Rng } from "../engine/index.js";
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

interface CompiledMin {
	count: number;
	/** need[s * SCALAR_COUNT + k]: set s needs this much of scalar k (-Infinity: nothing). */
	need: Float64Array;
	/** Set s names a non-scalar resource with a positive need: it never passes. */
	unknownFails: Uint8Array;
}

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
	/** Filter expiry times: one bucket of agents per distinct time, the times in a heap. */
	readonly #expiry = new EventHeap(256);
	#expirySeq = 0;
	readonly #expiryBucketOf = new Map<number, number>();
	readonly #buckets: AgentList[] = [];
	readonly #freeBuckets: number[] = [];
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
	readonly #held = new HeldBack();
	readonly #mark = (agent: number): void => this.markCandidate(agent);
	/** The agent being visited: its free resources (refreshed after each offer on it) and the cycle's time. */
	readonly #free = new Float64Array(SCALAR_COUNT);
	#portsEmpty = true;
	/** Bit k set: the visited agent has some of scalar k free. */
	#freeMask = 0;
	/** The role order snapshot as role indices, and the sorter version it was taken at. */
	readonly #roleKeys = { keys: new Int32Array(64) };
	#roleKeysN = 0;
	#roleKeysVersion = -1;
	/** Per role: bit k set when its headroom of scalar k is <= 1e-9 (nothing of k can be offered). */
	#zeroHead = new Uint8Array(0);

	#now = 0;
	/** Per role (index): quota headroom per scalar, whether it has a limit, whether it has ancestors. */
	#head = new Float64Array(0);
	#limited = new Uint8Array(0);
	#nested = new Uint8Array(0);
	#nestedRoles = 0;
	/** Per role: the visit (#takerGen) in which it last took an offer on the agent being visited. */
	#takerStamp = new Int32Array(0);
	#takerGen = 0;
	/** Limited roles whose consumption fell since the last cycle (their headroom grew). */
	readonly #freed = new Set<number>();
	/** Inside the fullScan test sweep, which must leave no trace. */
	#sweeping = false;
	readonly #minCache = new WeakMap<object, CompiledMin>();
	#lastSets: object | null = null;
	#lastCompiled: CompiledMin | null = null;

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
		if (this.#limited.length <= idx) {
			const cap = Math.max(64, 2 * idx + 2);
			const h = new Float64Array(cap * SCALAR_COUNT);
			h.set(this.#head);
			this.#head = h;
			const l = new Uint8Array(cap);
			l.set(this.#limited);
			this.#limited = l;
			const n = new Uint8Array(cap);
			n.set(this.#nested);
			this.#nested = n;
			const z = new Uint8Array(cap);
			z.set(this.#zeroHead);
			this.#zeroHead = z;
			this.#held.roles(cap);
		}
		this.#nested[idx] = ancestors.length > 0 ? 1 : 0;
		if (ancestors.length > 0) this.#nestedRoles++;
		if (this.#takerStamp.length <= idx) {
			const t = new Int32Array(this.#limited.length);
			t.set(this.#takerStamp);
			this.#takerStamp = t;
		}
		this.#updateHead(idx);
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
		this.#limited[r.idx] = r.hasLimit ? 1 : 0;
		this.#updateHead(r.idx);
		this.#anyQuota = this.roles.some((x) => x.hasLimit);
		this.markAllCandidates();
	}

	/** head = limit − consumed, the same expression #capByQuota evaluates, kept per role in one array. */
	#updateHead(idx: number): void {
		const r = this.roles[idx]!;
		const b = idx * SCALAR_COUNT;
		let zero = 0;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const h = r.limit[k]! - r.consumed[k]!;
			this.#head[b + k] = h;
			if (h <= 1e-9) zero |= 1 << k;
		}
		this.#zeroHead[idx] = zero;
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
		this.#updateHead(r.idx);
		for (const a of r.ancestors) {
			const c = this.roles[a]!.consumed;
			for (let k = 0; k < SCALAR_COUNT; k++) c[k] = c[k]! + sign * q[k]!;
			this.#updateHead(a);
		}
		// By key (role index, framework index): the same clients as by name, without the name lookups.
		this.roleSorter.allocatedKey(r.idx, q, sign, countIt);
		r.fwSorter.allocatedKey(fw.idx, q, sign, countIt);
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
		let b = this.#expiryBucketOf.get(expiresAt);
		if (b === undefined) {
			b = this.#freeBuckets.length > 0 ? this.#freeBuckets.pop()! : this.#buckets.push(new AgentList()) - 1;
			this.#expiryBucketOf.set(expiresAt, b);
			this.#expiry.push(expiresAt, this.#expirySeq++, b);
		}
		this.#buckets[b]!.push(agent);
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
		this.#now = now;
		const cl = this.#cluster;
		// Filters that ran out make their agents candidates again.
		// Times are distinct buckets and a bucket keeps its agents in the order their
		// filters were made: the same order as one (time, seq) heap entry per filter.
		while (this.#expiry.size > 0 && this.#expiry.peekTime() <= now) {
			this.#expiryBucketOf.delete(this.#expiry.peekTime());
			const b = this.#expiry.pop();
			const list = this.#buckets[b]!;
			for (let i = 0; i < list.length; i++) this.markCandidate(list.at(i));
			list.clear();
			this.#freeBuckets.push(b);
		}
		// Quota headroom grew: agents that role's limit held back may yield an offer now.
		this.#held.startCycle(cl.size);
		for (const role of this.#freed) this.#held.drain(role, this.#mark);
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
		if (!this.#readFree(a)) return;
		if (this.#nestedRoles === 0 && this.#flags.roleSorter !== "random" && this.#flags.roleWalk === "auto") {
			this.#allocateAgentLive(a);
			return;
		}
		// Mesos takes one snapshot of the role order per agent. Without quota the
		// first framework that takes empties the agent, so the snapshot and the
		// live order agree up to that point; with quota a capped role leaves
		// resources for the next one and the snapshot matters.
		// The snapshot, as role indices. With the DRF sorter it is reused while the
		// sorter has not changed (agents that got no offer leave it as it was).
		const rs = this.roleSorter;
		const snap = this.#roleKeys;
		let n: number;
		if (this.#flags.roleSorter === "random") {
			const roles = this.#roleBuf;
			n = rs.fill(roles);
			this.#rng.shuffle(roles, n);
			if (snap.keys.length < n) snap.keys = new Int32Array(Math.max(64, 2 * n));
			for (let i = 0; i < n; i++) snap.keys[i] = roles[i]!.key;
			this.#roleKeysVersion = -1;
		} else if (rs.version !== this.#roleKeysVersion) {
			n = rs.fillKeys(snap);
			this.#roleKeysN = n;
			this.#roleKeysVersion = rs.version;
		} else n = this.#roleKeysN;
		const keys = snap.keys;
		const keepGoing = this.#anyQuota;
		const limited = this.#limited;
		const zeroHead = this.#zeroHead;
		const nested = this.#nested;
		const held = this.#held;
		const record = !this.#sweeping;
		// Bits of the free scalars, 0 when the agent has free ports (then no shortcut).
		let fast = this.#portsEmpty ? this.#freeMask : 0;
		for (let i = 0; i < n; i++) {
			const ri = keys[i]!;
			// A quota role whose headroom leaves nothing of this agent (no free scalar
			// with headroom above 1e-9): #allocateRole would cap everything to 0, note
			// the agent as held back and find no framework that can take nothing.
			if (fast !== 0 && limited[ri] === 1 && (fast & ~zeroHead[ri]!) === 0 && nested[ri] === 0) {
				if (record) held.push(ri, a);
				continue;
			}
			const taken = this.#allocateRole(a, this.roles[ri]!);
			if (taken && (!keepGoing || !this.#readFree(a))) return;
			fast = this.#portsEmpty ? this.#freeMask : 0;
		}
	}

	/**
	 * #allocateAgent for a flat role tree (no "a/b" roles) and the DRF role
	 * sorter, without copying the role order: it walks the sorter's live order.
	 * A role that takes an offer only moves towards the end (its share and
	 * count grow) and the others keep their relative order, so the roles not
	 * visited yet are, in snapshot order, the live ones from the current
	 * position on minus the roles that already took on this agent.
	 */
	#allocateAgentLive(a: number): void {
		const live = this.roleSorter.flatOrder();
		const keepGoing = this.#anyQuota;
		const limited = this.#limited;
		const zeroHead = this.#zeroHead;
		const held = this.#held;
		const record = !this.#sweeping;
		const stamp = this.#takerStamp;
		let gen = (this.#takerGen + 1) | 0;
		if (gen === 0) {
			// After 2^32 visits: forget every old stamp, so none can equal a reused number.
			stamp.fill(0);
			gen = 1;
		}
		this.#takerGen = gen;
		let fast = this.#portsEmpty ? this.#freeMask : 0;
		for (let i = 0; i < live.length; i++) {
			const c = live[i]!;
			if (!c.active) continue;
			const ri = c.key;
			if (stamp[ri] === gen) continue;
			if (fast !== 0 && limited[ri] === 1 && (fast & ~zeroHead[ri]!) === 0) {
				if (record) held.push(ri, a);
				continue;
			}
			if (!this.#allocateRole(a, this.roles[ri]!)) continue;
			stamp[ri] = gen;
			if (!keepGoing || !this.#readFree(a)) return;
			fast = this.#portsEmpty ? this.#freeMask : 0;
			if (live[i] !== c) i--; // it moved on: what is at i now comes next
		}
	}

	/** Offers agent `a`'s remaining resources to the first eligible framework of role r. */
	#allocateRole(a: number, r: RoleRecord): boolean {
		const cl = this.#cluster;
		const av = this.#avail;
		const free = this.#free;
		for (let k = 0; k < SCALAR_COUNT; k++) av[k] = free[k]!;
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
		const now = this.#now;
		for (let i = 0; i < n; i++) {
			const c = order[i]!;
			if (!c.active) continue;
			const fw = this.#frameworks[c.key];
			if (fw === undefined) continue;
			if (gpuAgent && !fw.gpuCapable) continue;
			if (!this.#allocatable(fw, r.idx, av, ports)) continue;
			if (fw.filters.blocks(a, r.idx, now, av[0]!, av[1]!, av[2]!, av[3]!, ports)) continue;
			this.offersMade++;
			const q = new Float64Array(SCALAR_COUNT);
			for (let k = 0; k < SCALAR_COUNT; k++) q[k] = av[k]!;
			this.#host.offer(fw, r.idx, a, q, ports);
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
		this.#holdBack(rr.idx, agent);
	}

	/** Notes that role `role`'s limit held `agent` back: an append (repeats allowed), compacted to first occurrences when it doubles. */
	#holdBack(role: number, agent: number): void {
		this.#held.push(role, agent);
	}

	#allocatable(fw: FrameworkRecord, role: number, av: Float64Array, ports: readonly Range[]): boolean {
		const own = fw.minAllocatable;
		const sets = own.size === 0 ? this.#flags.minAllocatable : (own.get(role) ?? this.#flags.minAllocatable);
		let any = false;
		for (let k = 0; k < SCALAR_COUNT; k++) if (av[k]! > 0) any = true;
		if (!any && ports.length === 0) return false;
		if (sets.length === 0) return true;
		const c = this.#compiledMin(sets);
		const need = c.need;
		for (let s = 0, base = 0; s < c.count; s++, base += SCALAR_COUNT) {
			if (c.unknownFails[s] === 1) continue;
			let ok = true;
			for (let k = 0; k < SCALAR_COUNT; k++) {
				if (av[k]! + 1e-9 < need[base + k]!) {
					ok = false;
					break;
				}
			}
			if (ok) return true;
		}
		return false;
	}

	/**
	 * min_allocatable sets in array form, cached by the sets array's identity
	 * (flags' default and each framework's per-role lists are never mutated,
	 * only replaced). need = Number(value) per scalar, -Infinity when absent;
	 * a set naming a resource that is not a scalar fails when it needs more
	 * than 0 — exactly what comparing `have + 1e-9 < need` per name did.
	 */
	#compiledMin(sets: readonly Partial<Record<string, number>>[]): CompiledMin {
		if (sets === this.#lastSets) return this.#lastCompiled!;
		let c = this.#minCache.get(sets);
		if (c === undefined) {
			c = {
				count: sets.length,
				need: new Float64Array(sets.length * SCALAR_COUNT),
				unknownFails: new Uint8Array(sets.length),
			};
			c.need.fill(Number.NEGATIVE_INFINITY);
			for (let s = 0; s < sets.length; s++) {
				const set = sets[s]!;
				for (const name in set) {
					const k = SCALAR_NAMES.indexOf(name as (typeof SCALAR_NAMES)[number]);
					const need = Number(set[name]);
					if (k >= 0) c.need[s * SCALAR_COUNT + k] = need;
					else if (1e-9 < need) c.unknownFails[s] = 1;
				}
			}
			this.#minCache.set(sets, c);
		}
		this.#lastSets = sets;
		this.#lastCompiled = c;
		return c;
	}

	/** Reads agent a's free resources into #free; whether it has any (scalars or ports). */
	#readFree(a: number): boolean {
		const cl = this.#cluster;
		const free = this.#free;
		let mask = 0;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const v = cl.free(a, k);
			free[k] = v;
			if (v > 0) mask |= 1 << k;
		}
		this.#freeMask = mask;
		this.#portsEmpty = cl.freePorts[a]!.length === 0;
		return mask !== 0 || !this.#portsEmpty;
	}
}

/**
 * HeldBack — per quota role, the agents its limit held back, in the order it
 * first held them back (what a Set per role would iterate), so that they can
 * be revisited when the role's headroom grows.
 *
 * Layout: one Int32Array pool of 16-int chunks shared by every role: [0] next
 * chunk (-1: none), [1] entries used (0..14), [2..15] agent indices; per role
 * one 8-int row (head, tail, count, compactAt, last agent, first cycle). An
 * append writes to the role's tail chunk without a membership test; a repeat
 * of the last agent is dropped (an agent's visit may hold it back for a role
 * several times, through sub-roles), so a list filled within one cycle has no
 * repeats. A list with entries from earlier cycles is compacted to first
 * occurrences when it doubles; it is drained (first occurrences, in order)
 * when the role's headroom grows.
 * Complexity: append O(1) amortized; drain and compaction O(entries).
 */
const CHUNK = 16;
const PER_CHUNK = CHUNK - 2;
const ROW = 8;
const HEAD = 0;
const TAIL = 1;
const COUNT = 2;
const COMPACT_AT = 3;
const LAST = 4;
const SINCE = 5;

class HeldBack {
	#pool = new Int32Array(CHUNK * 256);
	#top = 0;
	#freeChunk = -1;
	#rows = new Int32Array(0);
	#stamp = new Int32Array(1024);
	#gen = 0;
	#cycle = 0;

	/** Makes room for roles 0..n-1. */
	roles(n: number): void {
		const have = this.#rows.length / ROW;
		if (n <= have) return;
		const cap = Math.max(64, 2 * n);
		const rows = new Int32Array(cap * ROW);
		rows.set(this.#rows);
		for (let r = have; r < cap; r++) this.#reset(rows, r * ROW);
		this.#rows = rows;
	}

	/** A new cycle begins; agents up to n-1 may be pushed. */
	startCycle(agents: number): void {
		this.#cycle = (this.#cycle + 1) | 0;
		if (agents > this.#stamp.length) {
			const s = new Int32Array(Math.max(agents, 2 * this.#stamp.length));
			s.set(this.#stamp);
			this.#stamp = s;
		}
	}

	push(role: number, agent: number): void {
		const rows = this.#rows;
		const r = role * ROW;
		const count = rows[r + COUNT]!;
		if (count > 0 && rows[r + LAST] === agent) return;
		if (count === 0) rows[r + SINCE] = this.#cycle;
		rows[r + LAST] = agent;
		let t = rows[r + TAIL]!;
		if (t < 0 || this.#pool[t * CHUNK + 1] === PER_CHUNK) {
			const n = this.#alloc();
			if (t < 0) rows[r + HEAD] = n;
			else this.#pool[t * CHUNK] = n;
			rows[r + TAIL] = n;
			t = n;
		}
		const p = this.#pool;
		const b = t * CHUNK;
		const u = p[b + 1]!;
		p[b + 2 + u] = agent;
		p[b + 1] = u + 1;
		rows[r + COUNT] = count + 1;
		if (count + 1 >= rows[r + COMPACT_AT]!) {
			// Filled within this cycle: no repeats, nothing to compact.
			if (rows[r + SINCE] === this.#cycle) rows[r + COMPACT_AT] = 2 * (count + 1);
			else this.#compact(r);
		}
	}

	/** Calls fn for each distinct agent held for `role`, in first-occurrence order, and empties the list. */
	drain(role: number, fn: (agent: number) => void): void {
		const rows = this.#rows;
		const r = role * ROW;
		if (r >= rows.length || rows[r + HEAD]! < 0) return;
		this.#gen = (this.#gen + 1) | 0;
		const gen = this.#gen;
		const stamp = this.#stamp;
		const pool = this.#pool;
		for (let c = rows[r + HEAD]!; c >= 0; c = pool[c * CHUNK]!) {
			const b = c * CHUNK;
			const used = pool[b + 1]!;
			for (let i = 0; i < used; i++) {
				const a = pool[b + 2 + i]!;
				if (stamp[a] === gen) continue;
				stamp[a] = gen;
				fn(a);
			}
		}
		this.#freeFrom(rows[r + HEAD]!);
		this.#reset(rows, r);
	}

	#compact(r: number): void {
		const rows = this.#rows;
		this.#gen = (this.#gen + 1) | 0;
		const gen = this.#gen;
		const stamp = this.#stamp;
		const pool = this.#pool;
		// Rewrite in place: the write position never passes the read position.
		let wc = rows[r + HEAD]!;
		let wi = 0;
		let kept = 0;
		for (let c = wc; c >= 0; c = pool[c * CHUNK]!) {
			const b = c * CHUNK;
			const used = pool[b + 1]!;
			for (let i = 0; i < used; i++) {
				const a = pool[b + 2 + i]!;
				if (stamp[a] === gen) continue;
				stamp[a] = gen;
				if (wi === PER_CHUNK) {
					pool[wc * CHUNK + 1] = PER_CHUNK;
					wc = pool[wc * CHUNK]!;
					wi = 0;
				}
				pool[wc * CHUNK + 2 + wi++] = a;
				kept++;
			}
		}
		pool[wc * CHUNK + 1] = wi;
		const rest = pool[wc * CHUNK]!;
		pool[wc * CHUNK] = -1;
		this.#freeFrom(rest);
		rows[r + TAIL] = wc;
		rows[r + COUNT] = kept;
		rows[r + COMPACT_AT] = Math.max(64, 2 * kept);
	}

	#reset(rows: Int32Array, r: number): void {
		rows[r + HEAD] = -1;
		rows[r + TAIL] = -1;
		rows[r + COUNT] = 0;
		rows[r + COMPACT_AT] = 64;
		rows[r + LAST] = -1;
		rows[r + SINCE] = 0;
	}

	/** Puts a chain of chunks back on the free list. */
	#freeFrom(c: number): void {
		const pool = this.#pool;
		while (c >= 0) {
			const next = pool[c * CHUNK]!;
			pool[c * CHUNK] = this.#freeChunk;
			this.#freeChunk = c;
			c = next;
		}
	}

	#alloc(): number {
		let n = this.#freeChunk;
		if (n >= 0) this.#freeChunk = this.#pool[n * CHUNK]!;
		else {
			n = this.#top++;
			if (n * CHUNK >= this.#pool.length) {
				const p = new Int32Array(this.#pool.length * 2);
				p.set(this.#pool);
				this.#pool = p;
			}
		}
		this.#pool[n * CHUNK] = -1;
		this.#pool[n * CHUNK + 1] = 0;
		return n;
	}
}

/** A growable list of agent indices in an Int32Array (4 bytes an entry). */
class AgentList {
	#a = new Int32Array(16);
	length = 0;

	push(x: number): void {
		if (this.length === this.#a.length) {
			const b = new Int32Array(this.#a.length * 2);
			b.set(this.#a);
			this.#a = b;
		}
		this.#a[this.length++] = x;
	}

	at(i: number): number {
		return this.#a[i]!;
	}

	clear(): void {
		this.length = 0;
		if (this.#a.length > 4096) this.#a = new Int32Array(16);
	}
}

function grow(a: Uint8Array, need: number): Uint8Array {
	let cap = a.length * 2;
	while (cap <= need) cap *= 2;
	const b = new Uint8Array(cap);
	b.set(a);
	return b;
}
