/**
 * Allocator — Mesos's hierarchical allocator (hierarchical.cpp,
 * __generateOffers), restricted to candidate agents.
 *
 * Layout: a role Sorter (hierarchical) plus one flat framework Sorter per
 * role, both of the kind the master flags name, made once here; the parts it
 * works with: CandidateAgents (candidates.ts), FilterExpiry (expiry.ts),
 * QuotaHeadroom (quota.ts), MinAllocatable (min-allocatable.ts). Per visit,
 * the visited agent's free scalars in one Float64Array and a bit mask of
 * those it has some of.
 * Invariants: an agent that is not a candidate cannot yield an offer now. An
 * agent is dropped after a cycle visits it and re-added when its free
 * resources grow, a filter on it expires, it (re)joins, a quota role whose
 * limit held back resources on it releases some (its headroom grows), or when
 * anything that concerns every agent happens (framework added/activated/
 * revived/unsuppressed, quota or roles changed). A cycle therefore makes
 * exactly the offers a scan of all agents in the same order would make; the
 * `fullScan` check visits the others too (the test compares both).
 * Complexity: a cycle is O(candidates × (roles visited + frameworks visited)).
 * Guarded by: `mesosim bench allocator`.
 */

import { grownToFit } from "../../common/index.js";
import type { Rng } from "../../engine/index.js";
import { AGENT_STATE, type Cluster } from "../cluster.js";
import type { MasterFlags } from "../flags.js";
import { SCALAR_COUNT, SCALAR_NAMES } from "../protocol/resources.js";
import type { FrameworkRecord } from "../records.js";
import { CandidateAgents } from "./candidates.js";
import { FilterExpiry } from "./expiry.js";
import { MinAllocatable } from "./min-allocatable.js";
import { QuotaHeadroom } from "./quota.js";
import { createSorter, type SortedClient, type Sorter } from "./sorter/index.js";
import {
	type AllocationRecorder,
	type AllocatorChecks,
	type AllocatorHost,
	DEFAULT_CHECKS,
	type RoleRecord,
} from "./types.js";

const ALL = -1;
const GPUS = SCALAR_NAMES.indexOf("gpus");

export class Allocator {
	readonly roleSorter: Sorter;
	readonly roles: RoleRecord[] = [];
	readonly #roleByName = new Map<string, number>();
	readonly #flags: MasterFlags;
	/** Whether ancestors' quota limits cap a role's offers (flags.hierarchicalQuota). */
	readonly #capByAncestors: boolean;
	readonly #checks: AllocatorChecks;
	readonly #cluster: Cluster;
	readonly #rng: Rng;
	readonly #host: AllocatorHost;
	readonly #candidates = new CandidateAgents();
	readonly #expiry = new FilterExpiry();
	readonly #quota = new QuotaHeadroom(this.#candidates);
	readonly #minAllocatable: MinAllocatable;
	readonly #frameworks: FrameworkRecord[] = [];
	readonly #total = new Float64Array(SCALAR_COUNT);
	#pending = false;
	/** Roles with ancestors ("a/b"): with any, the role order is snapshot per agent. */
	#nestedRoles = 0;
	/** Per role: the visit (#takerGen) in which it last took an offer on the agent being visited. */
	#takerStamp = new Int32Array(64);
	#takerGen = 0;
	/** Inside the fullScan check's sweep, which must leave no trace. */
	#sweeping = false;
	#now = 0;
	/** Told each decision when set (docs/explain.md); null while the sweep runs. */
	#recorder: AllocationRecorder | null = null;

	// Scratch reused every cycle, visit and offer.
	readonly #visits: number[] = [];
	readonly #roleOrder: SortedClient[] = [];
	readonly #frameworkOrder: SortedClient[] = [];
	readonly #offerable = new Float64Array(SCALAR_COUNT);
	/** The agent being visited: its free scalars (refreshed after each offer on it). */
	readonly #free = new Float64Array(SCALAR_COUNT);
	/** Bit k set: the visited agent has some of scalar k free. */
	#freeMask = 0;
	#portsEmpty = true;

	cycles = 0;
	offersMade = 0;
	/** Offers a non-candidate agent would have made in the fullScan check (must stay 0). */
	nonCandidateOffers = 0;
	/** Wall-clock-free work counters (deterministic). */
	agentsVisited = 0;

	constructor(
		flags: MasterFlags,
		cluster: Cluster,
		rng: Rng,
		host: AllocatorHost,
		checks: Partial<AllocatorChecks> = {},
	) {
		this.#flags = flags;
		this.#capByAncestors = flags.hierarchicalQuota;
		this.#checks = { ...DEFAULT_CHECKS, ...checks };
		this.#cluster = cluster;
		this.#rng = rng;
		this.#host = host;
		this.#minAllocatable = new MinAllocatable(flags.minAllocatable);
		this.roleSorter = createSorter(flags.roleSorter, true, flags.fairSharingExcludedResourceNames, rng);
	}

	// ---- roles ---------------------------------------------------------------

	roleIndex(name: string): number {
		let idx = this.#roleByName.get(name);
		if (idx !== undefined) return idx;
		const parts = name.split("/");
		const ancestors: number[] = [];
		if (name !== "*") {
			for (let k = 1; k < parts.length; k++) ancestors.push(this.roleIndex(parts.slice(0, k).join("/")));
		}
		idx = this.roles.length;
		const flags = this.#flags;
		const role: RoleRecord = {
			idx,
			name,
			weight: 1,
			limit: new Float64Array(SCALAR_COUNT).fill(Number.POSITIVE_INFINITY),
			hasLimit: false,
			consumed: new Float64Array(SCALAR_COUNT),
			frameworks: new Set(),
			fwSorter: createSorter(flags.frameworkSorter, false, flags.fairSharingExcludedResourceNames, this.#rng),
			ancestors,
		};
		this.roles.push(role);
		role.fwSorter.addTotal(this.#total, 1);
		this.#roleByName.set(name, idx);
		if (ancestors.length > 0) this.#nestedRoles++;
		if (idx >= this.#takerStamp.length) this.#takerStamp = grownToFit(this.#takerStamp, idx);
		this.#quota.addRole(role);
		return idx;
	}

	findRole(name: string): RoleRecord | undefined {
		const idx = this.#roleByName.get(name);
		return idx === undefined ? undefined : this.roles[idx];
	}

	setWeight(name: string, weight: number): void {
		this.#role(this.roleIndex(name)).weight = weight;
		this.roleSorter.setWeight(name, weight);
	}

	/** Quota limits; a missing resource means no limit. Takes effect at the next cycle. */
	setQuota(name: string, limits: Partial<Record<string, number>>): void {
		const role = this.#role(this.roleIndex(name));
		role.hasLimit = false;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const limit = limits[SCALAR_NAMES[k]!];
			role.limit[k] = limit === undefined ? Number.POSITIVE_INFINITY : limit;
			if (limit !== undefined) role.hasLimit = true;
		}
		this.#quota.limitsChanged(role, this.roles);
		this.markAllCandidates();
	}

	#role(idx: number): RoleRecord {
		return this.roles[idx]!;
	}

	// ---- frameworks ----------------------------------------------------------

	addFramework(fw: FrameworkRecord): void {
		this.#frameworks[fw.idx] = fw;
		for (const role of fw.roleIdx) this.#addFrameworkRole(fw, role);
		this.syncActive(fw);
	}

	#addFrameworkRole(fw: FrameworkRecord, roleIdx: number): void {
		const role = this.#role(roleIdx);
		role.frameworks.add(fw);
		role.fwSorter.add(fw.id, fw.idx);
		if (!this.roleSorter.has(role.name)) {
			this.roleSorter.add(role.name, roleIdx);
			this.roleSorter.setWeight(role.name, role.weight);
			this.roleSorter.allocated(role.name, role.consumed, 1, false);
			this.roleSorter.deactivate(role.name);
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

	#removeFrameworkRole(fw: FrameworkRecord, roleIdx: number): void {
		const role = this.#role(roleIdx);
		role.fwSorter.remove(fw.id);
		role.frameworks.delete(fw);
		if (role.frameworks.size === 0) this.roleSorter.remove(role.name);
		else this.#syncRole(role);
	}

	/** Re-derives sorter activity from fw.active and its suppressed roles. */
	syncActive(fw: FrameworkRecord): void {
		for (let k = 0; k < fw.roles.length; k++) {
			const role = this.#role(fw.roleIdx[k]!);
			if (fw.active && !fw.suppressed.has(fw.roles[k]!)) role.fwSorter.activate(fw.id);
			else role.fwSorter.deactivate(fw.id);
			this.#syncRole(role);
		}
	}

	/** A role is active in the role sorter while one of its frameworks is active in its framework sorter. */
	#syncRole(role: RoleRecord): void {
		if (!this.roleSorter.has(role.name)) return;
		let any = false;
		for (const fw of role.frameworks) {
			if (role.fwSorter.isActive(fw.id)) {
				any = true;
				break;
			}
		}
		if (any) this.roleSorter.activate(role.name);
		else this.roleSorter.deactivate(role.name);
	}

	// ---- resources -----------------------------------------------------------

	/** An agent's resources join (1) or leave (-1) the totals every share is measured against. */
	agentTotals(agent: number, sign: 1 | -1): void {
		const agentTotal = this.#cluster.totalsOf(agent);
		for (let k = 0; k < SCALAR_COUNT; k++) this.#total[k] = this.#total[k]! + sign * agentTotal[k]!;
		this.roleSorter.addTotal(agentTotal, sign);
		for (const role of this.roles) role.fwSorter.addTotal(agentTotal, sign);
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
		roleIdx: number,
		q: Float64Array | readonly number[],
		sign: 1 | -1,
		countIt: boolean = sign === 1,
	): void {
		const role = this.#role(roleIdx);
		const quota = this.#quota;
		addScaled(role.consumed, q, sign);
		quota.refresh(role);
		for (const a of role.ancestors) {
			const ancestor = this.#role(a);
			addScaled(ancestor.consumed, q, sign);
			quota.refresh(ancestor);
		}
		// By key (role index, framework index): the same clients as by name, without the name lookups.
		this.roleSorter.allocatedKey(roleIdx, q, sign, countIt);
		role.fwSorter.allocatedKey(fw.idx, q, sign, countIt);
		if (sign === -1) quota.released(role, this.roles);
	}

	// ---- decision records ------------------------------------------------------

	/** Starts (a recorder) or stops (null) recording decisions, from the next cycle on. */
	setRecorder(recorder: AllocationRecorder | null): void {
		this.#recorder = recorder;
	}

	// ---- candidates and cycles -------------------------------------------------

	markCandidate(agent: number): void {
		this.#candidates.mark(agent);
	}

	markAllCandidates(): void {
		this.#candidates.markAll(this.#cluster.size);
	}

	filterCreated(agent: number, expiresAt: number): void {
		this.#expiry.add(agent, expiresAt);
	}

	/** Asks for a cycle over one agent, or all (ALL = -1); cycles are batched. */
	request(agent: number = ALL): void {
		if (agent === ALL) this.#candidates.requestAll();
		else this.#candidates.request(agent);
		this.#pending = true;
	}

	/** Runs one allocation cycle over the requested agents that are candidates. */
	cycle(): void {
		if (!this.#pending) return;
		this.#pending = false;
		this.cycles++;
		const now = this.#host.now();
		this.#now = now;
		const cluster = this.#cluster;
		const candidates = this.#candidates;
		this.#expiry.release(now, candidates);
		this.#quota.startCycle(cluster.size);
		const visits = this.#visits;
		const all = candidates.takeRequest(visits);
		this.#rng.shuffle(visits);
		const rec = this.#recorder;
		if (rec === null) {
			for (const agent of visits) {
				candidates.drop(agent);
				this.agentsVisited++;
				if (cluster.state[agent] === AGENT_STATE.ACTIVE) this.#allocateAgent(agent);
			}
		} else {
			rec.cycleStart(this.cycles, now);
			for (const agent of visits) {
				candidates.drop(agent);
				this.agentsVisited++;
				rec.visitStart(agent);
				if (cluster.state[agent] === AGENT_STATE.ACTIVE) this.#allocateAgent(agent);
				else rec.visitSkipped("AGENT_NOT_ACTIVE");
				rec.visitDone();
			}
		}
		if (all || candidates.count > 0) candidates.compact();
		if (this.#checks.fullScan && all) this.#sweepNonCandidates();
		if (rec !== null) rec.cycleDone();
		this.#host.cycleDone();
	}

	/** The fullScan check: every active agent this cycle did not visit must yield nothing. */
	#sweepNonCandidates(): void {
		const cluster = this.#cluster;
		const before = this.offersMade;
		const recorder = this.#recorder;
		this.#recorder = null;
		this.#sweeping = true;
		for (let agent = 0; agent < cluster.size; agent++) {
			if (
				!this.#candidates.has(agent) &&
				cluster.state[agent] === AGENT_STATE.ACTIVE &&
				!this.#visits.includes(agent)
			)
				this.#allocateAgent(agent);
		}
		this.#sweeping = false;
		this.#recorder = recorder;
		this.nonCandidateOffers += this.offersMade - before;
	}

	#allocateAgent(agent: number): void {
		if (!this.#readFree(agent)) {
			this.#recorder?.visitSkipped("AGENT_EMPTY");
			return;
		}
		const roleSorter = this.roleSorter;
		if (roleSorter.orderIsLive && this.#nestedRoles === 0 && this.#checks.roleWalk === "auto") {
			this.#allocateAgentLive(agent, roleSorter.order(this.#roleOrder));
			return;
		}
		// Mesos takes one snapshot of the role order per agent. Without quota the
		// first framework that takes empties the agent, so the snapshot and the
		// live order agree up to that point; with quota a capped role leaves
		// resources for the next one and the snapshot matters.
		const count = roleSorter.takeSnapshot();
		const roleKeys = roleSorter.snapshot;
		const keepGoing = this.#quota.anyLimit;
		const quota = this.#quota;
		const record = !this.#sweeping;
		// Bits of the free scalars, 0 when the agent has free ports (then no shortcut).
		let freeMask = this.#portsEmpty ? this.#freeMask : 0;
		for (let i = 0; i < count; i++) {
			const role = roleKeys[i]!;
			// The role's headroom leaves nothing of this agent: #allocateRole would cap
			// everything to 0, note the agent as held back and find no framework.
			if (freeMask !== 0 && quota.leavesNothing(role, freeMask)) {
				if (record) quota.holdBack(role, agent);
				this.#recorder?.roleSkipped(this.#role(role), "QUOTA_LIMIT");
				continue;
			}
			const taken = this.#allocateRole(agent, this.#role(role));
			if (taken && (!keepGoing || !this.#readFree(agent))) return;
			freeMask = this.#portsEmpty ? this.#freeMask : 0;
		}
	}

	/**
	 * #allocateAgent on the sorter's live role order (see Sorter.orderIsLive),
	 * without copying it. A role that takes an offer only moves towards the
	 * end (its share and count grow) and the others keep their relative order,
	 * so the roles not visited yet are, in snapshot order, the live ones from
	 * the current position on minus the roles that already took on this agent.
	 */
	#allocateAgentLive(agent: number, live: readonly SortedClient[]): void {
		const keepGoing = this.#quota.anyLimit;
		const quota = this.#quota;
		const record = !this.#sweeping;
		const stamp = this.#takerStamp;
		let gen = (this.#takerGen + 1) | 0;
		if (gen === 0) {
			// After 2^32 visits: forget every old stamp, so none can equal a reused number.
			stamp.fill(0);
			gen = 1;
		}
		this.#takerGen = gen;
		let freeMask = this.#portsEmpty ? this.#freeMask : 0;
		for (let i = 0; i < live.length; i++) {
			const client = live[i]!;
			if (!client.active) continue;
			const role = client.key;
			if (stamp[role] === gen) continue;
			if (freeMask !== 0 && quota.leavesNothing(role, freeMask)) {
				if (record) quota.holdBack(role, agent);
				this.#recorder?.roleSkipped(this.#role(role), "QUOTA_LIMIT");
				continue;
			}
			if (!this.#allocateRole(agent, this.#role(role))) continue;
			stamp[role] = gen;
			if (!keepGoing || !this.#readFree(agent)) return;
			freeMask = this.#portsEmpty ? this.#freeMask : 0;
			if (live[i] !== client) i--; // it moved on: what is at i now comes next
		}
	}

	/** Offers the agent's remaining resources (within quota) to the first eligible framework of the role. */
	#allocateRole(agent: number, role: RoleRecord): boolean {
		const cluster = this.#cluster;
		const offerable = this.#offerable;
		const free = this.#free;
		for (let k = 0; k < SCALAR_COUNT; k++) offerable[k] = free[k]!;
		// Mesos caps an offer by the allocated role's own limit only (getQuota(role) in
		// __generateOffers); its consumption counts the roles below it. Ancestors' limits
		// cap too only with the hierarchicalQuota extension.
		let cappedBy: RoleRecord | null = null;
		if (role.hasLimit && this.#capByQuota(role, offerable, agent)) cappedBy = role;
		if (this.#capByAncestors && role.ancestors.length > 0)
			for (const a of role.ancestors)
				if (this.#capByQuota(this.#role(a), offerable, agent)) cappedBy ??= this.#role(a);
		const ports = cluster.freePorts[agent]!;
		const rec = this.#recorder;
		if (rec !== null) rec.roleTried(role, offerable, ports, cappedBy);
		const minAllocatable = this.#minAllocatable;
		minAllocatable.startVisit(offerable, ports);
		const order = role.fwSorter.order(this.#frameworkOrder);
		const gpuAgent = this.#flags.filterGpuResources && cluster.total[GPUS]![agent]! > 0;
		const now = this.#now;
		for (let i = 0; i < order.length; i++) {
			const client = order[i]!;
			if (!client.active) continue;
			const fw = this.#frameworks[client.key];
			if (fw === undefined) continue;
			if (gpuAgent && !fw.gpuCapable) {
				if (rec !== null) rec.passed(fw, "GPU_CAPABILITY");
				continue;
			}
			if (!minAllocatable.allows(fw, role.idx)) {
				if (rec !== null) rec.passed(fw, "MIN_ALLOCATABLE");
				continue;
			}
			if (
				fw.filters.blocks(
					agent,
					role.idx,
					now,
					offerable[0]!,
					offerable[1]!,
					offerable[2]!,
					offerable[3]!,
					ports,
				)
			) {
				if (rec !== null) rec.passed(fw, "DECLINE_FILTER");
				continue;
			}
			this.offersMade++;
			const q = new Float64Array(SCALAR_COUNT);
			for (let k = 0; k < SCALAR_COUNT; k++) q[k] = offerable[k]!;
			const shareBefore = rec !== null ? role.fwSorter.shareOf(fw.id) : 0;
			const offerId = this.#host.offer(fw, role.idx, agent, q, ports);
			if (rec !== null) rec.offered(fw, offerId, q, ports, shareBefore);
			return true;
		}
		return false;
	}

	/** Caps `offerable` at `limitedRole`'s headroom; notes the agent as held back by it if that capped anything. */
	#capByQuota(limitedRole: RoleRecord, offerable: Float64Array, agent: number): boolean {
		if (!this.#quota.cap(limitedRole, offerable)) return false;
		if (!this.#sweeping) this.#quota.holdBack(limitedRole.idx, agent);
		return true;
	}

	/** Reads the agent's free resources into #free and #freeMask; whether it has any (scalars or ports). */
	#readFree(agent: number): boolean {
		const cluster = this.#cluster;
		const free = this.#free;
		let mask = 0;
		for (let k = 0; k < SCALAR_COUNT; k++) {
			const v = cluster.free(agent, k);
			free[k] = v;
			if (v > 0) mask |= 1 << k;
		}
		this.#freeMask = mask;
		this.#portsEmpty = cluster.freePorts[agent]!.length === 0;
		return mask !== 0 || !this.#portsEmpty;
	}
}

/** target += sign × q, per scalar. */
function addScaled(target: Float64Array, q: Float64Array | readonly number[], sign: number): void {
	for (let k = 0; k < SCALAR_COUNT; k++) target[k] = target[k]! + sign * q[k]!;
}
