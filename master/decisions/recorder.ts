/**
 * DecisionRecorder — turns the allocator's calls (AllocationRecorder) and the
 * frameworks' answers into decision records (master/protocol/decisions.ts)
 * and hands each finished record to a sink.
 *
 * Truth: every verdict comes from the allocator's own decision path (it calls
 * passed/offered exactly where it decides); this file only adds the numbers of
 * that moment (shares, free resources, the filter that blocked). The one thing
 * it works out itself is the list of roles and frameworks a visit never
 * reached because the agent was empty by then: those are the active ones not
 * tried, in share order.
 * Cost: nothing while the allocator has no recorder; with one, a few small
 * objects per role and framework tried (docs/benchmarks.md, "Decision recording").
 */

import type { AllocationRecorder, Sorter } from "../allocator/index.js";
import type { RoleRecord } from "../allocator/types.js";
import type { Cluster } from "../cluster.js";
import type {
	AgentVisit,
	CycleRecord,
	DecisionSink,
	FrameworkTry,
	Ineligible,
	PassReason,
	ResourceSummary,
	RoleTry,
} from "../protocol/decisions.js";
import type { Range } from "../protocol/messages.js";
import { fixed, SCALAR_COUNT } from "../protocol/resources.js";
import type { FrameworkRecord, OfferRecord } from "../records.js";

/** What the recorder reads of the master. */
export interface RecorderHost {
	readonly cluster: Cluster;
	readonly roles: readonly RoleRecord[];
	readonly roleSorter: Sorter;
	readonly frameworks: readonly FrameworkRecord[];
	readonly allocationIntervalMs: number;
	now(): number;
}

/** "Not reached" roles (frameworks) listed per visit (role); the rest are counted. */
const NOT_REACHED_LISTED = 8;

interface FilterOrigin {
	call: "ACCEPT" | "DECLINE";
	offer_id: string;
	refuse_seconds: number;
	until: number;
}

export class DecisionRecorder implements AllocationRecorder {
	readonly #host: RecorderHost;
	readonly #sink: DecisionSink;
	#cycle: CycleRecord | null = null;
	#visit: AgentVisit | null = null;
	#agent = -1;
	#role: RoleTry | null = null;
	#roleRecord: RoleRecord | null = null;
	/** This cycle's active roles, and the roles with roles below them in the sorter. */
	#activeRoles: RoleRecord[] = [];
	readonly #hasRolesBelow = new Set<number>();
	/** Which call set the filter on (framework, agent, role): "fw/agent/role" keys. */
	readonly #filterOrigins = new Map<string, FilterOrigin>();

	constructor(host: RecorderHost, sink: DecisionSink) {
		this.#host = host;
		this.#sink = sink;
	}

	// ---- the allocator's side ----------------------------------------------------

	cycleStart(cycle: number, now: number): void {
		// Sorter activity and the role tree do not change within a cycle.
		const sorter = this.#host.roleSorter;
		this.#activeRoles = this.#host.roles.filter((r) => sorter.has(r.name) && sorter.isActive(r.name));
		this.#hasRolesBelow.clear();
		for (const r of this.#host.roles)
			if (sorter.has(r.name)) for (const a of r.ancestors) this.#hasRolesBelow.add(a);
		this.#cycle = {
			kind: "cycle",
			cycle,
			time: now,
			sorter: this.#host.roleSorter.kind,
			ineligible: this.#ineligible(),
			visits: [],
		};
	}

	visitStart(agent: number): void {
		const cluster = this.#host.cluster;
		const free = new Float64Array(SCALAR_COUNT);
		for (let k = 0; k < SCALAR_COUNT; k++) free[k] = cluster.free(agent, k);
		this.#agent = agent;
		this.#visit = {
			agent_id: cluster.ids[agent]!,
			hostname: cluster.hostnames[agent]!,
			free: summary(free, cluster.freePorts[agent]!),
			roles: [],
			offers: [],
		};
	}

	visitSkipped(reason: "AGENT_NOT_ACTIVE" | "AGENT_EMPTY"): void {
		this.#visit!.skipped = reason;
	}

	roleSkipped(role: RoleRecord, reason: "QUOTA_LIMIT"): void {
		this.#role = null;
		this.#visit!.roles.push(this.#roleTry(role, reason));
	}

	roleTried(
		role: RoleRecord,
		offerable: Float64Array,
		ports: readonly Range[],
		cappedBy: RoleRecord | null,
	): void {
		const entry = this.#roleTry(role, "NO_FRAMEWORK");
		entry.offerable = summary(offerable, ports);
		if (cappedBy !== null) entry.capped_by = cappedBy.name;
		this.#role = entry;
		this.#roleRecord = role;
		this.#visit!.roles.push(entry);
	}

	passed(fw: FrameworkRecord, reason: PassReason): void {
		const entry = this.#frameworkTry(fw, reason);
		if (reason === "DECLINE_FILTER") {
			const role = this.#roleRecord!.idx;
			const now = this.#host.now();
			const filter = fw.filters.filterOn(this.#agent, role, now);
			if (filter !== null) {
				const origin = this.#filterOrigins.get(originKey(fw, this.#agent, role));
				entry.filter = {
					until: filter.expiresAt,
					refused: summary([filter.cpus, filter.mem, filter.disk, filter.gpus], filter.ports),
					set_by:
						origin !== undefined && origin.until === filter.expiresAt
							? { call: origin.call, offer_id: origin.offer_id, refuse_seconds: origin.refuse_seconds }
							: null,
				};
			}
		}
		this.#role!.frameworks.push(entry);
	}

	offered(
		fw: FrameworkRecord,
		offerId: string,
		q: Float64Array,
		ports: readonly Range[],
		shareBefore: number,
	): void {
		const role = this.#role!;
		const roleRecord = this.#roleRecord!;
		role.verdict = "OFFERED";
		const chosen = this.#frameworkTry(fw, "OFFERED");
		chosen.share = round(shareBefore);
		role.frameworks.push(chosen);
		const rest = this.#notReached(
			roleRecord.frameworks,
			role.frameworks.map((f) => f.framework_id),
			(f) => f.id,
			(f) => roleRecord.fwSorter.isActive(f.id),
			(f) => roleRecord.fwSorter.shareOf(f.id),
		);
		for (const other of rest.first) role.frameworks.push(this.#frameworkTry(other, "NOTHING_LEFT"));
		if (rest.more > 0) role.frameworks_not_listed = rest.more;
		this.#visit!.offers.push({
			offer_id: offerId,
			framework_id: fw.id,
			framework: fw.info.name,
			role: roleRecord.name,
			resources: summary(q, ports),
		});
	}

	visitDone(): void {
		const visit = this.#visit!;
		if (visit.skipped === undefined && visit.offers.length > 0) {
			const sorter = this.#host.roleSorter;
			const rest = this.#notReached(
				this.#activeRoles,
				visit.roles.map((r) => r.role),
				(r) => r.name,
				() => true,
				(r) => sorter.shareOf(r.name),
			);
			for (const role of rest.first) visit.roles.push(this.#roleTry(role, "NOTHING_LEFT"));
			if (rest.more > 0) visit.roles_not_listed = rest.more;
		}
		this.#cycle!.visits.push(visit);
		this.#visit = null;
		this.#role = null;
		this.#roleRecord = null;
	}

	cycleDone(): void {
		const cycle = this.#cycle!;
		this.#cycle = null;
		this.#sink.write(cycle);
	}

	// ---- the frameworks' answers, as the master saw them --------------------------

	/** An ACCEPT or DECLINE ended `offers` (OfferAnswers, offers/accept.ts). */
	answered(
		fw: FrameworkRecord,
		call: "ACCEPT" | "DECLINE",
		offers: readonly OfferRecord[],
		refuseSeconds: number | null,
		refuseMs: number | null,
		taskIds: readonly string[],
	): void {
		const now = this.#host.now();
		let filterUntil: number | null = null;
		if (refuseMs !== null && refuseMs > 0) {
			// The filter this call set ends at now + max(interval, refuse) (OfferBook.end); only
			// offers that left something unused got one.
			const until = now + Math.max(this.#host.allocationIntervalMs, refuseMs);
			for (const o of offers) {
				const filter = fw.filters.filterOn(o.agent, o.role, now);
				if (filter === null || filter.expiresAt !== until) continue;
				filterUntil = until;
				this.#filterOrigins.set(originKey(fw, o.agent, o.role), {
					call,
					offer_id: o.id,
					refuse_seconds: refuseMs / 1000,
					until,
				});
			}
		}
		this.#sink.write({
			kind: "answer",
			time: now,
			framework_id: fw.id,
			framework: fw.info.name,
			call,
			offer_ids: offers.map((o) => o.id),
			refuse_seconds: refuseSeconds,
			filter_until: filterUntil,
			task_ids: [...taskIds],
		});
	}

	// ---- helpers ------------------------------------------------------------------

	#ineligible(): Ineligible[] {
		const out: Ineligible[] = [];
		const roles = this.#host.roles;
		for (const fw of this.#host.frameworks) {
			if (fw === undefined || fw.removed) continue;
			for (let k = 0; k < fw.roleIdx.length; k++) {
				const role = roles[fw.roleIdx[k]!]!;
				if (role.fwSorter.isActive(fw.id)) continue;
				out.push({
					framework_id: fw.id,
					framework: fw.info.name,
					role: role.name,
					reason: fw.active ? "ROLE_SUPPRESSED" : "FRAMEWORK_INACTIVE",
				});
			}
		}
		return out;
	}

	#roleTry(role: RoleRecord, verdict: RoleTry["verdict"]): RoleTry {
		const sorter = this.#host.roleSorter;
		const entry: RoleTry = {
			role: role.name,
			weight: role.weight,
			share: round(sorter.shareOf(role.name)),
			verdict,
			frameworks: [],
		};
		// The hierarchical sorter compares siblings level by level: record the shares it compared.
		const roles = this.#host.roles;
		const below = this.#hasRolesBelow.has(role.idx);
		if (role.ancestors.length > 0 || below) {
			const path = role.ancestors.map((a) => roles[a]!.name);
			if (below) path.push(role.name);
			entry.path_shares = path.map((name) => ({ role: name, share: round(sorter.shareOfPath(name)) }));
		}
		return entry;
	}

	#frameworkTry(fw: FrameworkRecord, verdict: FrameworkTry["verdict"]): FrameworkTry {
		return {
			framework_id: fw.id,
			framework: fw.info.name,
			share: round(this.#roleRecord!.fwSorter.shareOf(fw.id)),
			verdict,
		};
	}

	/**
	 * The active items not yet tried, for the "not reached" entries: the first
	 * NOT_REACHED_LISTED in share order (ties: by name), and how many more.
	 */
	#notReached<T>(
		items: Iterable<T>,
		tried: readonly string[],
		name: (item: T) => string,
		active: (item: T) => boolean,
		share: (item: T) => number,
	): { first: T[]; more: number } {
		const seen = new Set(tried);
		const first: { item: T; share: number; name: string }[] = [];
		let more = 0;
		const before = (a: { share: number; name: string }, b: { share: number; name: string }) =>
			a.share < b.share || (a.share === b.share && a.name < b.name);
		for (const item of items) {
			if (!active(item) || seen.has(name(item))) continue;
			const entry = { item, share: share(item), name: name(item) };
			if (first.length === NOT_REACHED_LISTED) {
				more++;
				if (!before(entry, first[NOT_REACHED_LISTED - 1]!)) continue;
				first.pop();
			}
			let i = first.length;
			while (i > 0 && before(entry, first[i - 1]!)) i--;
			first.splice(i, 0, entry);
		}
		return { first: first.map((e) => e.item), more };
	}
}

/** Shares to 6 decimals: enough to tell the order, short in a trace. */
function round(x: number): number {
	return Math.round(x * 1e6) / 1e6;
}

function originKey(fw: FrameworkRecord, agent: number, role: number): string {
	return `${fw.idx}/${agent}/${role}`;
}

export function summary(q: Float64Array | readonly number[], ports: readonly Range[]): ResourceSummary {
	const out: ResourceSummary = {
		cpus: fixed(q[0]!),
		mem: fixed(q[1]!),
		disk: fixed(q[2]!),
		gpus: fixed(q[3]!),
	};
	if (ports.length > 0) out.ports = ports.map((r) => `${r.begin}-${r.end}`);
	return out;
}
