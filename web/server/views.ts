/**
 * JSON views of the master's observable state for the dashboard: the
 * frameworks table, the role tree, cluster totals and one agent's panel. Read
 * only: nothing here changes the master.
 */
import { AGENT_STATE, type FrameworkRecord, type Master, SCALAR_COUNT } from "../../master/index.js";
import {
	type AgentDetail,
	FRAMEWORK_SLOTS,
	type FrameworkRow,
	type FrameworkState,
	HEALTH_NAMES,
	type RoleRow,
	type TotalsView,
} from "../protocol.js";
import { attributeText, type GroupOf, healthOf } from "./map.js";

const RESOURCES = ["cpus", "mem", "disk", "gpus"] as const;
/** Tasks listed in an agent's panel at most (the count says how many there are). */
const MAX_PANEL_TASKS = 200;

export function frameworkName(fw: FrameworkRecord): string {
	return fw.info.name ?? fw.id;
}

function frameworkState(fw: FrameworkRecord): FrameworkState {
	if (!fw.connected) return fw.failoverTimer !== -1 ? "failing over" : "disconnected";
	if (fw.roles.length > 0 && fw.roles.every((r) => fw.suppressed.has(r))) return "suppressed";
	return "active";
}

export function frameworksView(master: Master): FrameworkRow[] {
	return master.frameworks
		.filter((fw) => !fw.removed)
		.map((fw) => {
			const tasks: Record<string, number> = {};
			for (const t of fw.tasks.values()) tasks[t.state] = (tasks[t.state] ?? 0) + 1;
			const c = fw.counters;
			return {
				id: fw.id,
				name: frameworkName(fw),
				slot: 1 + (fw.idx % FRAMEWORK_SLOTS),
				roles: fw.roles,
				weight: fw.roles.length === 0 ? 1 : (master.allocator.findRole(fw.roles[0]!)?.weight ?? 1),
				state: frameworkState(fw),
				offers: {
					received: c.offersSent,
					accepted: c.offersAccepted,
					declined: c.offersDeclined,
					rescinded: c.offersRescinded,
				},
				tasks,
				share: master.dominantShare(fw),
			};
		});
}

/** The role tree, parents before children; allocated and offered summed over each subtree. */
export function rolesView(master: Master): RoleRow[] {
	const alloc = master.allocator;
	const total = alloc.total;
	const offered = new Map<number, number[]>();
	const add = (role: number, q: ArrayLike<number>) => {
		let sum = offered.get(role);
		if (sum === undefined) {
			sum = new Array(SCALAR_COUNT).fill(0);
			offered.set(role, sum);
		}
		for (let k = 0; k < SCALAR_COUNT; k++) sum[k]! += q[k]!;
	};
	for (const fw of master.frameworks) {
		for (const o of fw.offers) {
			add(o.role, o.q);
			for (const up of alloc.roles[o.role]?.ancestors ?? []) add(up, o.q);
		}
	}
	const rows: RoleRow[] = alloc.roles.map((r) => {
		const off = offered.get(r.idx) ?? new Array(SCALAR_COUNT).fill(0);
		const consumed = Array.from(r.consumed);
		let share = 0;
		for (let k = 0; k < SCALAR_COUNT; k++)
			if (total[k]! > 0) share = Math.max(share, consumed[k]! / total[k]!);
		const quota: Record<string, number> = {};
		for (let k = 0; k < SCALAR_COUNT; k++)
			if (Number.isFinite(r.limit[k]!)) quota[RESOURCES[k]!] = r.limit[k]!;
		const slash = r.name.lastIndexOf("/");
		return {
			name: r.name,
			parent: slash < 0 ? null : r.name.slice(0, slash),
			weight: r.weight,
			quota,
			allocated: consumed.map((v, k) => Math.max(0, v - off[k]!)),
			offered: off,
			share,
			frameworks: r.frameworks.size,
		};
	});
	return rows.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Cluster totals: O(agents), one pass over the struct-of-arrays. */
export function totalsView(master: Master, tasksRunning: number): TotalsView {
	const cl = master.cluster;
	const n = cl.size;
	const byHealth = new Array(HEALTH_NAMES.length).fill(0);
	const total = new Array(SCALAR_COUNT).fill(0);
	const allocated = new Array(SCALAR_COUNT).fill(0);
	const offered = new Array(SCALAR_COUNT).fill(0);
	for (let a = 0; a < n; a++) byHealth[healthOf(master, a)]++;
	for (let k = 0; k < SCALAR_COUNT; k++) {
		const t = cl.total[k]!;
		const al = cl.allocated[k]!;
		const of = cl.offered[k]!;
		let st = 0;
		let sa = 0;
		let so = 0;
		for (let a = 0; a < n; a++) {
			// Gone agents no longer count towards the cluster.
			const state = cl.state[a];
			if (state === AGENT_STATE.REMOVED || state === AGENT_STATE.GONE) continue;
			st += t[a]!;
			sa += al[a]!;
			so += of[a]!;
		}
		total[k] = st;
		allocated[k] = sa;
		offered[k] = so;
	}
	return {
		agents: n,
		byHealth,
		total,
		allocated,
		offered,
		tasksRunning,
		offersOutstanding: master.outstandingOffers,
	};
}

/** One agent's panel; null for an index the master does not know. */
export function agentDetail(master: Master, a: number, groupOf: GroupOf | null): AgentDetail | null {
	const cl = master.cluster;
	if (a >= cl.size) return null;
	const attributes: Record<string, string> = {};
	if (groupOf !== null) attributes.group = groupOf(a);
	for (const attr of cl.attributes[a]!) attributes[attr.name] = attributeText(attr);
	const pick = (arrs: Float64Array[]) => arrs.map((arr) => arr[a]!);
	const tasks: AgentDetail["tasks"] = [];
	let tasksTotal = 0;
	for (const t of master.tasksOnAgent(a)) {
		tasksTotal++;
		if (tasks.length < MAX_PANEL_TASKS)
			tasks.push({ id: t.id, framework: frameworkName(t.fw), state: t.state, cpus: t.q[0]!, mem: t.q[1]! });
	}
	const offers = [...master.offersOnAgent(a)].map((o) => ({
		id: o.id,
		framework: frameworkName(o.fw),
		role: master.allocator.roles[o.role]?.name ?? "",
		cpus: o.q[0]!,
		mem: o.q[1]!,
		since: o.createdAt,
	}));
	const filters: AgentDetail["filters"] = [];
	const now = master.now;
	for (const fw of master.frameworks) {
		if (fw.removed || fw.filters.size === 0) continue;
		for (const role of fw.roleIdx) {
			const until = fw.filters.expiryOf(a, role, now);
			if (until >= 0)
				filters.push({ framework: frameworkName(fw), role: master.allocator.roles[role]!.name, until });
		}
	}
	return {
		index: a,
		id: cl.ids[a]!,
		hostname: cl.hostnames[a]!,
		health: HEALTH_NAMES[healthOf(master, a)]!,
		attributes,
		total: pick(cl.total),
		allocated: pick(cl.allocated),
		offered: pick(cl.offered),
		tasks,
		tasksTotal,
		offers,
		filters,
	};
}
