/**
 * JSON views of the master's observable state for the dashboard: the
 * frameworks table, the role tree, cluster totals and one agent's panel. Read
 * only: nothing here changes the master.
 */
import { type FrameworkRecord, type Master, SCALAR_COUNT } from "../../master/index.js";
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
import type { Tally } from "./tally.js";

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

export function frameworksView(master: Master, tally: Tally): FrameworkRow[] {
	return master.frameworks
		.filter((fw) => !fw.removed)
		.map((fw) => {
			const tasks = tally.tasks.get(fw) ?? {};
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
export function rolesView(master: Master, tally: Tally): RoleRow[] {
	const alloc = master.allocator;
	const total = alloc.total;
	const rows: RoleRow[] = alloc.roles.map((r) => {
		const off = Array.from(tally.offeredByRole.get(r.idx) ?? new Float64Array(SCALAR_COUNT));
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

/**
 * Cluster totals in O(roles): the allocator's totals (agents it allocates
 * from), allocated + offered summed over the top-level roles, and the tally's
 * offered resources and agents per health.
 */
export function totalsView(master: Master, tally: Tally, tasksRunning: number): TotalsView {
	const alloc = master.allocator;
	const consumed = new Array(SCALAR_COUNT).fill(0);
	for (const r of alloc.roles) {
		if (r.ancestors.length > 0) continue;
		for (let k = 0; k < SCALAR_COUNT; k++) consumed[k] += r.consumed[k]!;
	}
	const offered = Array.from(tally.offered);
	return {
		agents: master.cluster.size,
		byHealth: tally.byHealth.slice(),
		total: Array.from(alloc.total),
		allocated: consumed.map((c, k) => Math.max(0, c - offered[k]!)),
		offered,
		tasksRunning,
		offersOutstanding: master.outstandingOffers,
	};
}

/** One agent's panel; null for an index the master does not know. */
/** `originMs`: the Unix time simulated time 0 stands for; times in the answer are simulated time since the start. */
export function agentDetail(
	master: Master,
	a: number,
	groupOf: GroupOf | null,
	originMs = 0,
): AgentDetail | null {
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
		since: o.createdAt - originMs,
	}));
	const filters: AgentDetail["filters"] = [];
	const now = master.now;
	for (const fw of master.frameworks) {
		if (fw.removed || fw.filters.size === 0) continue;
		for (const role of fw.roleIdx) {
			const until = fw.filters.expiryOf(a, role, now);
			if (until >= 0)
				filters.push({
					framework: frameworkName(fw),
					role: master.allocator.roles[role]!.name,
					until: until - originMs,
				});
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
