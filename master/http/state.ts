/**
 * Snapshots of the master's state in the shapes Mesos publishes them: the v1
 * operator API's responses (include/mesos/v1/master/master.proto) and the v0
 * JSON endpoints (src/master/readonly_handler.cpp, src/common/http.cpp), plus
 * /metrics/snapshot (src/master/metrics.cpp, docs/monitoring.md).
 *
 * Pure functions of a Master: they read, never change it (expired offer
 * filters are dropped on the way, as any lookup does). Times are the
 * simulated clock's, which is Unix time (the engine's origin: the wall clock
 * at start in live mode, 1970-01-01 in headless runs): seconds (v0,
 * TaskStatus.timestamp) or TimeInfo nanoseconds (v1). Cost: O(agents + tasks + offers) per snapshot; the
 * dashboard should use the operator event stream for deltas, not poll these.
 */
import { AGENT_STATE } from "../cluster.js";
import type { Master } from "../master.js";
import type { Attribute, Offer, Range, Resource, TaskState, TaskStatus } from "../protocol/messages.js";
import { fixed, formatRanges, normalizeRanges, SCALAR_NAMES } from "../protocol/resources.js";
import type { FrameworkRecord, OfferRecord, TaskRecord } from "../records.js";

type Json = Record<string, unknown>;

/** Build information reported by /version and GET_VERSION (the Mesos version mesosim follows). */
export const BUILD_INFO = {
	build_date: "2024-08-23 00:00:00",
	build_time: 1724371200,
	build_user: "mesosim",
	git_sha: "c1b42f79",
	git_branch: "mesosim",
} as const;

export const MESOSIM_COMPONENT = "mesosim";

export interface Quantities {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	ports: Range[];
}

function zero(): Quantities {
	return { cpus: 0, mem: 0, disk: 0, gpus: 0, ports: [] };
}

function addInto(to: Quantities, q: Float64Array, ports: readonly Range[]): void {
	to.cpus += q[0]!;
	to.mem += q[1]!;
	to.disk += q[2]!;
	to.gpus += q[3]!;
	if (ports.length > 0) to.ports = to.ports.concat(ports);
}

function finish(q: Quantities): Quantities {
	return {
		cpus: fixed(q.cpus),
		mem: fixed(q.mem),
		disk: fixed(q.disk),
		gpus: fixed(q.gpus),
		ports: normalizeRanges(q.ports),
	};
}

const secs = (ms: number): number => ms / 1000;
const timeInfo = (ms: number): { nanoseconds: number } => ({ nanoseconds: Math.round(ms * 1e6) });

// ---- resources -----------------------------------------------------------------

/** v0 rendering: {"cpus":2,"gpus":0,"mem":1024,"disk":0,"ports":"[31000-32000]"}. */
export function flatResources(q: Quantities): Record<string, number | string> {
	const out: Record<string, number | string> = {
		cpus: fixed(q.cpus),
		gpus: fixed(q.gpus),
		mem: fixed(q.mem),
		disk: fixed(q.disk),
	};
	if (q.ports.length > 0) out.ports = formatRanges(q.ports);
	return out;
}

/** v1 rendering: Resource[] (unreserved, role "*"; allocation_info when allocated to a role). */
export function v1Resources(q: Quantities, allocatedTo?: string): Resource[] {
	const out: Resource[] = [];
	for (const name of SCALAR_NAMES) {
		const v = q[name];
		if (v > 0) {
			const r: Resource = { name, type: "SCALAR", scalar: { value: fixed(v) }, role: "*" };
			if (allocatedTo !== undefined) r.allocation_info = { role: allocatedTo };
			out.push(r);
		}
	}
	if (q.ports.length > 0) {
		const r: Resource = {
			name: "ports",
			type: "RANGES",
			ranges: { range: q.ports.map((p) => ({ begin: p.begin, end: p.end })) },
			role: "*",
		};
		if (allocatedTo !== undefined) r.allocation_info = { role: allocatedTo };
		out.push(r);
	}
	return out;
}

// ---- agents ----------------------------------------------------------------------

/** Registered agents: connected or not, deactivated or draining; not unreachable, removed or gone. */
export function isRegisteredAgent(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return (
		s === AGENT_STATE.ACTIVE ||
		s === AGENT_STATE.DISCONNECTED ||
		s === AGENT_STATE.DEACTIVATED ||
		s === AGENT_STATE.DRAINING
	);
}

export function agentTotal(m: Master, a: number): Quantities {
	const cl = m.cluster;
	return {
		cpus: cl.total[0]![a]!,
		mem: cl.total[1]![a]!,
		disk: cl.total[2]![a]!,
		gpus: cl.total[3]![a]!,
		ports: cl.totalPorts[a] ?? [],
	};
}

export function agentOffered(m: Master, a: number): Quantities {
	const q = zero();
	for (const o of m.offersOnAgent(a)) addInto(q, o.q, o.ports);
	return finish(q);
}

export function agentUsed(m: Master, a: number): Quantities {
	const q = zero();
	for (const t of m.tasksOnAgent(a)) if (!t.released) addInto(q, t.q, t.ports);
	return finish(q);
}

export function attributesV0(attrs: readonly Attribute[]): Record<string, string | number> {
	const out: Record<string, string | number> = {};
	for (const at of attrs) {
		if (at.type === "SCALAR" && at.scalar !== undefined) out[at.name] = at.scalar.value;
		else if (at.type === "TEXT" && at.text !== undefined) out[at.name] = at.text.value;
		else if (at.type === "RANGES" && at.ranges !== undefined) out[at.name] = formatRanges(at.ranges.range);
		else if (at.type === "SET" && at.set !== undefined) out[at.name] = `{${at.set.item.join(",")}}`;
	}
	return out;
}

/**
 * Agents are libprocess processes `slave(N)` on the master's own address, as
 * in `mesos-local` (N = agent index + 1): the stock web UI reads an agent's
 * pages from `//<hostname>:<port of pid>/slave(N)/...` (agent-pages.ts).
 */
export function agentProcessId(a: number): string {
	return `slave(${a + 1})`;
}

/** The agent index of a process id `slave(N)`, or -1. */
export function agentOfProcessId(m: Master, processId: string): number {
	const match = /^slave\((\d{1,9})\)$/.exec(processId);
	if (match === null) return -1;
	const a = Number(match[1]) - 1;
	return a >= 0 && a < m.cluster.size ? a : -1;
}

function masterAddress(m: Master): string {
	return `127.0.0.1:${m.masterInfo().port}`;
}

function agentPid(m: Master, a: number): string {
	return `${agentProcessId(a)}@${masterAddress(m)}`;
}

/** The hostname the HTTP views give an agent: its own, or the master's (StateOptions.agentsOnMasterHost). */
export function agentHostname(m: Master, a: number, opts: StateOptions): string {
	return opts.agentsOnMasterHost === true ? m.masterInfo().hostname : m.cluster.hostnames[a]!;
}

function agentActive(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return s === AGENT_STATE.ACTIVE || s === AGENT_STATE.DEACTIVATED || s === AGENT_STATE.DRAINING;
}

function agentDeactivated(m: Master, a: number): boolean {
	const s = m.cluster.state[a];
	return s === AGENT_STATE.DEACTIVATED || s === AGENT_STATE.DRAINING;
}

const AGENT_CAPABILITIES = ["MULTI_ROLE", "HIERARCHICAL_ROLE", "RESERVATION_REFINEMENT"];

/** Drain progress the HTTP layer keeps (DRAIN_AGENT); absent for agents never drained. */
export interface DrainInfo {
	state: "DRAINING" | "DRAINED";
	markGone: boolean;
}

/** Mesos's DrainInfo message: `mark_gone` has a default, so JSON::Protobuf always writes it. */
function drainInfoJson(d: DrainInfo): Json {
	return { state: d.state, config: { mark_gone: d.markGone } };
}

export interface StateOptions {
	/** Drain information per agent index (from DRAIN_AGENT). */
	drains?: ReadonlyMap<number, DrainInfo>;
	/** Number of operator event stream subscribers (metrics). */
	operatorSubscribers?: number;
	/** Pending engine events (metrics: event_queue_dispatches). */
	eventQueue?: number;
	/** Agents show the master's hostname (so a browser reaches their pages on the master's port). */
	agentsOnMasterHost?: boolean;
}

export function agentInfoV1(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	return {
		hostname: agentHostname(m, a, opts),
		port: m.masterInfo().port,
		resources: v1Resources(agentTotal(m, a)),
		attributes: cl.attributes[a] ?? [],
		id: { value: cl.ids[a]! },
	};
}

export function agentV1(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	const out: Json = {
		agent_info: agentInfoV1(m, a, opts),
		active: agentActive(m, a),
		deactivated: agentDeactivated(m, a),
		version: m.masterInfo().version,
		pid: agentPid(m, a),
		registered_time: timeInfo(cl.registeredAt[a]!),
		total_resources: v1Resources(agentTotal(m, a)),
		allocated_resources: v1Resources(agentUsed(m, a)),
		offered_resources: v1Resources(agentOffered(m, a)),
		capabilities: AGENT_CAPABILITIES.map((type) => ({ type })),
	};
	const drain = opts.drains?.get(a);
	if (drain !== undefined) out.drain_info = drainInfoJson(drain);
	return out;
}

export function agentV0(m: Master, a: number, opts: StateOptions = {}): Json {
	const cl = m.cluster;
	const total = agentTotal(m, a);
	const used = agentUsed(m, a);
	const offered = agentOffered(m, a);
	const out: Json = {
		id: cl.ids[a]!,
		pid: agentPid(m, a),
		hostname: agentHostname(m, a, opts),
		port: m.masterInfo().port,
		registered_time: secs(cl.registeredAt[a]!),
		resources: flatResources(total),
		used_resources: flatResources(used),
		offered_resources: flatResources(offered),
		reserved_resources: {},
		unreserved_resources: flatResources(total),
		attributes: attributesV0(cl.attributes[a] ?? []),
		active: agentActive(m, a),
		deactivated: agentDeactivated(m, a),
		version: m.masterInfo().version,
		capabilities: AGENT_CAPABILITIES,
	};
	// The stock UI shows a deactivated agent with drain_info as "Draining"/"Drained".
	const drain = opts.drains?.get(a);
	if (drain !== undefined) out.drain_info = drainInfoJson(drain);
	return out;
}

// ---- tasks -------------------------------------------------------------------------

function taskStatuses(t: TaskRecord): TaskStatus[] {
	return t.statuses.map((s) => ({
		task_id: { value: t.id },
		state: s.state,
		agent_id: { value: t.agentId },
		timestamp: s.timestamp,
	}));
}

export function taskV1(_m: Master, t: TaskRecord): Json {
	const out: Json = {
		name: t.info.name,
		task_id: { value: t.id },
		framework_id: { value: t.fw.id },
		agent_id: { value: t.agentId },
		state: t.state,
		resources: t.info.resources ?? [],
		statuses: taskStatuses(t),
	};
	if (t.info.executor !== undefined) out.executor_id = t.info.executor.executor_id;
	if (t.statuses.length > 0) out.status_update_state = t.state;
	if (t.status.uuid !== undefined) out.status_update_uuid = t.status.uuid;
	if (t.info.labels !== undefined) out.labels = t.info.labels;
	if (t.info.kill_policy !== undefined) out.kill_policy = t.info.kill_policy;
	if (t.info.container !== undefined) out.container = t.info.container;
	if (t.info.health_check !== undefined) out.health_check = t.info.health_check;
	const user = t.fw.info.user;
	if (user !== undefined) out.user = user;
	return out;
}

export function taskV0(m: Master, t: TaskRecord): Json {
	const out: Json = {
		id: t.id,
		name: t.info.name,
		framework_id: t.fw.id,
		executor_id: t.info.executor?.executor_id.value ?? "",
		slave_id: t.agentId,
		state: t.state,
		resources: flatResources({ cpus: t.q[0]!, mem: t.q[1]!, disk: t.q[2]!, gpus: t.q[3]!, ports: t.ports }),
		role: m.allocator.roles[t.role]?.name ?? "*",
		statuses: t.statuses.map((s) => ({ state: s.state, timestamp: s.timestamp })),
	};
	if (t.info.labels !== undefined) out.labels = t.info.labels.labels ?? [];
	return out;
}

/** Live tasks (including terminal ones awaiting acknowledgement), unreachable, completed. */
export function tasksOf(fw: FrameworkRecord): {
	live: TaskRecord[];
	unreachable: TaskRecord[];
	completed: TaskRecord[];
} {
	return {
		live: [...fw.tasks.values()],
		unreachable: fw.unreachableTasks.items(),
		completed: fw.completedTasks.items(),
	};
}

// ---- frameworks --------------------------------------------------------------------

function frameworkQuantities(_m: Master, fw: FrameworkRecord): { used: Quantities; offered: Quantities } {
	const used = zero();
	const offered = zero();
	for (const t of fw.tasks.values()) if (!t.released) addInto(used, t.q, t.ports);
	for (const o of fw.offers) addInto(offered, o.q, o.ports);
	return { used: finish(used), offered: finish(offered) };
}

function byRole(
	m: Master,
	items: Iterable<{ role: number; q: Float64Array; ports: Range[]; released?: boolean }>,
): Resource[] {
	const per = new Map<number, Quantities>();
	for (const it of items) {
		if (it.released === true) continue;
		let q = per.get(it.role);
		if (q === undefined) {
			q = zero();
			per.set(it.role, q);
		}
		addInto(q, it.q, it.ports);
	}
	const out: Resource[] = [];
	for (const [role, q] of per) out.push(...v1Resources(finish(q), m.allocator.roles[role]?.name ?? "*"));
	return out;
}

function frameworkInfoOut(fw: FrameworkRecord): Json {
	return { ...fw.info, id: { value: fw.id } };
}

export function frameworkV1(m: Master, fw: FrameworkRecord): Json {
	const out: Json = {
		framework_info: frameworkInfoOut(fw),
		active: fw.active,
		connected: fw.connected,
		recovered: false,
		registered_time: timeInfo(fw.registeredAt),
		offers: [...fw.offers].map((o) => offerWithAllocation(m, o)),
		inverse_offers: [],
		allocated_resources: byRole(m, fw.tasks.values()),
		offered_resources: byRole(m, fw.offers),
	};
	if (fw.reregisteredAt !== null) out.reregistered_time = timeInfo(fw.reregisteredAt);
	if (fw.unregisteredAt !== null) out.unregistered_time = timeInfo(fw.unregisteredAt);
	return out;
}

/**
 * The offer as the master keeps it: with allocation_info, which Mesos strips
 * only from what it sends a scheduler without MULTI_ROLE (src/common/http.cpp
 * json(Offer) always writes it).
 */
function offerWithAllocation(m: Master, o: OfferRecord): Offer {
	const msg = m.offerMessage(o);
	if (msg.allocation_info !== undefined) return msg;
	return { ...msg, allocation_info: { role: m.allocator.roles[o.role]?.name ?? "*" } };
}

function offerV0(o: Offer): Json {
	const q = zero();
	for (const r of o.resources) {
		if (r.name === "ports") q.ports = r.ranges?.range ?? [];
		else if (r.type === "SCALAR" && (SCALAR_NAMES as readonly string[]).includes(r.name))
			q[r.name as "cpus"] = r.scalar?.value ?? 0;
	}
	return {
		id: o.id.value,
		framework_id: o.framework_id.value,
		allocation_info: o.allocation_info,
		slave_id: o.agent_id.value,
		resources: flatResources(q),
	};
}

function frameworkSummaryV0(m: Master, fw: FrameworkRecord): Json {
	const { used, offered } = frameworkQuantities(m, fw);
	const out: Json = {
		id: fw.id,
		name: fw.info.name,
		pid: "",
		used_resources: flatResources(used),
		offered_resources: flatResources(offered),
		capabilities: (fw.info.capabilities ?? []).map((c) => c.type),
		hostname: fw.info.hostname ?? "",
		webui_url: fw.info.webui_url ?? "",
		active: fw.active,
		connected: fw.connected,
		recovered: false,
	};
	return out;
}

export function frameworkV0(m: Master, fw: FrameworkRecord): Json {
	const { used, offered } = frameworkQuantities(m, fw);
	const tasks = tasksOf(fw);
	const multi = fw.info.capabilities?.some((c) => c.type === "MULTI_ROLE") === true;
	const out: Json = {
		...frameworkSummaryV0(m, fw),
		user: fw.info.user,
		failover_timeout: fw.info.failover_timeout ?? 0,
		checkpoint: fw.checkpoint,
		registered_time: secs(fw.registeredAt),
		unregistered_time: fw.unregisteredAt === null ? 0 : secs(fw.unregisteredAt),
		roles: fw.roles,
		resources: flatResources(plus(used, offered)),
		allocated_resources: flatResources(used),
		offers: [...fw.offers].map((o) => offerV0(offerWithAllocation(m, o))),
		executors: [],
		completed_executors: [],
		tasks: tasks.live.map((t) => taskV0(m, t)),
		unreachable_tasks: tasks.unreachable.map((t) => taskV0(m, t)),
		completed_tasks: tasks.completed.map((t) => taskV0(m, t)),
	};
	if (fw.reregisteredAt !== null) out.reregistered_time = secs(fw.reregisteredAt);
	if (fw.info.principal !== undefined) out.principal = fw.info.principal;
	if (!multi) out.role = fw.roles[0] ?? "*";
	if (fw.info.labels !== undefined) out.labels = fw.info.labels.labels ?? [];
	return out;
}

export function liveFrameworks(m: Master): FrameworkRecord[] {
	return m.frameworks.filter((f) => !f.removed);
}

// ---- v1 operator responses ----------------------------------------------------------

export function getHealth(): Json {
	return { type: "GET_HEALTH", get_health: { healthy: true } };
}

/** Mesos's Duration format (stout): the largest unit that is at least 1. */
export function formatMesosDuration(ms: number | null): string {
	if (ms === null) return "none";
	const units: [number, string][] = [
		[7 * 86_400_000, "weeks"],
		[86_400_000, "days"],
		[3_600_000, "hrs"],
		[60_000, "mins"],
		[1000, "secs"],
		[1, "ms"],
	];
	for (const [size, name] of units) if (ms >= size) return `${Number((ms / size).toFixed(6))}${name}`;
	return "0ns";
}

/** The master's flags under Mesos's names (src/master/flags.cpp). */
export function masterFlags(m: Master): Record<string, string> {
	const f = m.flags;
	const minAlloc = f.minAllocatable
		.map((q) =>
			Object.entries(q)
				.map(([k, v]) => `${k}:${v}`)
				.join(";"),
		)
		.join("|");
	return {
		allocation_interval: formatMesosDuration(f.allocationIntervalMs),
		offer_timeout: formatMesosDuration(f.offerTimeoutMs),
		agent_ping_timeout: formatMesosDuration(f.agentPingTimeoutMs),
		max_agent_ping_timeouts: String(f.maxAgentPingTimeouts),
		agent_reregister_timeout: formatMesosDuration(f.agentReregisterTimeoutMs),
		// Mesos lists an optional flag only when it is set.
		...(f.agentRemovalRateLimit === null
			? {}
			: {
					agent_removal_rate_limit: `${f.agentRemovalRateLimit.permits}/${formatMesosDuration(f.agentRemovalRateLimit.perMs)}`,
				}),
		min_allocatable_resources: minAlloc,
		max_completed_frameworks: String(f.maxCompletedFrameworks),
		max_completed_tasks_per_framework: String(f.maxCompletedTasksPerFramework),
		max_unreachable_tasks_per_framework: String(f.maxUnreachableTasksPerFramework),
		max_operator_event_stream_subscribers: "1000",
		role_sorter: f.roleSorter,
		framework_sorter: f.frameworkSorter,
		fair_sharing_excluded_resource_names: f.fairSharingExcludedResourceNames.join(","),
		filter_gpu_resources: String(f.filterGpuResources),
		hostname: f.hostname,
		port: String(f.port),
		authenticate_frameworks: "false",
		authenticate_http_frameworks: "false",
		authenticate_http_readonly: "false",
		authenticate_http_readwrite: "false",
		registry: "in_memory",
		quiet: "false",
		version: "false",
	};
}

export function getFlags(m: Master): Json {
	return {
		type: "GET_FLAGS",
		get_flags: { flags: Object.entries(masterFlags(m)).map(([name, value]) => ({ name, value })) },
	};
}

export function versionInfo(m: Master): Json {
	return { version: m.masterInfo().version, ...BUILD_INFO };
}

export function getVersion(m: Master): Json {
	return { type: "GET_VERSION", get_version: { version_info: versionInfo(m) } };
}

export function getMetrics(m: Master, opts: StateOptions = {}): Json {
	const snap = metricsSnapshot(m, opts);
	return {
		type: "GET_METRICS",
		get_metrics: { metrics: Object.entries(snap).map(([name, value]) => ({ name, value })) },
	};
}

export function getAgentsBody(m: Master, opts: StateOptions = {}): Json {
	const agents: Json[] = [];
	for (let a = 0; a < m.cluster.size; a++) if (isRegisteredAgent(m, a)) agents.push(agentV1(m, a, opts));
	return { agents, recovered_agents: [] };
}

export function getAgents(m: Master, opts: StateOptions = {}): Json {
	return { type: "GET_AGENTS", get_agents: getAgentsBody(m, opts) };
}

export function getFrameworksBody(m: Master): Json {
	return {
		frameworks: liveFrameworks(m).map((f) => frameworkV1(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV1(m, f)),
		recovered_frameworks: [],
	};
}

export function getFrameworks(m: Master): Json {
	return { type: "GET_FRAMEWORKS", get_frameworks: getFrameworksBody(m) };
}

export function getTasksBody(m: Master): Json {
	const tasks: Json[] = [];
	const unreachable: Json[] = [];
	const completed: Json[] = [];
	for (const fw of [...liveFrameworks(m), ...m.completedFrameworks.items()]) {
		const t = tasksOf(fw);
		for (const x of t.live) tasks.push(taskV1(m, x));
		for (const x of t.unreachable) unreachable.push(taskV1(m, x));
		for (const x of t.completed) completed.push(taskV1(m, x));
	}
	return {
		pending_tasks: [],
		tasks,
		unreachable_tasks: unreachable,
		completed_tasks: completed,
		orphan_tasks: [],
	};
}

export function getTasks(m: Master): Json {
	return { type: "GET_TASKS", get_tasks: getTasksBody(m) };
}

export function getExecutorsBody(m: Master): Json {
	const executors: Json[] = [];
	const seen = new Set<string>();
	for (const fw of liveFrameworks(m)) {
		for (const t of fw.tasks.values()) {
			const e = t.info.executor;
			if (e === undefined) continue;
			const key = `${fw.id}\u0000${t.agentId}\u0000${e.executor_id.value}`;
			if (seen.has(key)) continue;
			seen.add(key);
			executors.push({
				executor_info: { ...e, framework_id: { value: fw.id } },
				agent_id: { value: t.agentId },
			});
		}
	}
	return { executors, orphan_executors: [] };
}

export function getExecutors(m: Master): Json {
	return { type: "GET_EXECUTORS", get_executors: getExecutorsBody(m) };
}

export function getState(m: Master, opts: StateOptions = {}): Json {
	return {
		type: "GET_STATE",
		get_state: getStateBody(m, opts),
	};
}

export function getStateBody(m: Master, opts: StateOptions = {}): Json {
	return {
		get_tasks: getTasksBody(m),
		get_executors: getExecutorsBody(m),
		get_frameworks: getFrameworksBody(m),
		get_agents: getAgentsBody(m, opts),
	};
}

interface RoleQuantities {
	allocated: Quantities;
	offered: Quantities;
}

/**
 * Allocated and offered resources of each role's subtree (a task of
 * `eng/web` counts for `eng/web` and `eng`), over every registered framework,
 * as Mesos's RoleResourceBreakdown (src/master/master.cpp: allocatedToRoleSubtree).
 */
function roleSubtreeQuantities(m: Master): Map<number, RoleQuantities> {
	const roles = m.allocator.roles;
	const out = new Map<number, RoleQuantities>();
	const add = (role: number, kind: keyof RoleQuantities, q: Float64Array, ports: readonly Range[]) => {
		for (const r of [role, ...(roles[role]?.ancestors ?? [])]) {
			let x = out.get(r);
			if (x === undefined) {
				x = { allocated: zero(), offered: zero() };
				out.set(r, x);
			}
			addInto(x[kind], q, ports);
		}
	};
	for (const fw of liveFrameworks(m)) {
		for (const t of fw.tasks.values()) if (!t.released) add(t.role, "allocated", t.q, t.ports);
		for (const o of fw.offers) add(o.role, "offered", o.q, o.ports);
	}
	for (const x of out.values()) {
		x.allocated = finish(x.allocated);
		x.offered = finish(x.offered);
	}
	return out;
}

/**
 * The roles Mesos lists in /master/roles and GET_ROLES (Master::knownRoles):
 * roles with a subscribed framework or resources allocated or offered to them,
 * roles with a weight or a quota, and every ancestor of those; sorted by name.
 * A role whose frameworks left, back at the default weight and without quota,
 * drops out. (mesosim keeps no explicit weight of 1 apart from the default.)
 */
function knownRoles(m: Master, quantities: ReadonlyMap<number, RoleQuantities>): number[] {
	const roles = m.allocator.roles;
	const known = new Set<number>();
	for (const r of roles) {
		const used = quantities.get(r.idx);
		const listed =
			r.weight !== 1 ||
			r.hasLimit ||
			[...r.frameworks].some((f) => !f.removed) ||
			(used !== undefined && (hasAny(used.allocated) || hasAny(used.offered)));
		if (!listed) continue;
		known.add(r.idx);
		for (const a of r.ancestors) known.add(a);
	}
	return sortedRoles(m).filter((i) => known.has(i));
}

function hasAny(q: Quantities): boolean {
	return q.cpus > 0 || q.mem > 0 || q.disk > 0 || q.gpus > 0 || q.ports.length > 0;
}

function plus(a: Quantities, b: Quantities): Quantities {
	return finish({
		cpus: a.cpus + b.cpus,
		mem: a.mem + b.mem,
		disk: a.disk + b.disk,
		gpus: a.gpus + b.gpus,
		ports: a.ports.concat(b.ports),
	});
}

/** Roles as /master/roles and GET_ROLES list them, each with its subtree's resources. */
function rolesWithQuantities(m: Master): { idx: number; allocated: Quantities; offered: Quantities }[] {
	const quantities = roleSubtreeQuantities(m);
	return knownRoles(m, quantities).map((idx) => ({
		idx,
		...(quantities.get(idx) ?? { allocated: zero(), offered: zero() }),
	}));
}

function quotaLimits(m: Master, role: number): Record<string, { value: number }> {
	const r = m.allocator.roles[role]!;
	const out: Record<string, { value: number }> = {};
	if (!r.hasLimit) return out;
	for (let k = 0; k < SCALAR_NAMES.length; k++) {
		const v = r.limit[k]!;
		if (Number.isFinite(v)) out[SCALAR_NAMES[k]!] = { value: v };
	}
	return out;
}

function sortedRoles(m: Master): number[] {
	return m.allocator.roles
		.map((r) => r.idx)
		.sort((a, b) => {
			const x = m.allocator.roles[a]!.name;
			const y = m.allocator.roles[b]!.name;
			return x < y ? -1 : x > y ? 1 : 0;
		});
}

export function getRoles(m: Master): Json {
	const roles = rolesWithQuantities(m).map(({ idx, allocated, offered }) => {
		const r = m.allocator.roles[idx]!;
		const limits = quotaLimits(m, idx);
		return {
			name: r.name,
			weight: r.weight,
			frameworks: [...r.frameworks].filter((f) => !f.removed).map((f) => ({ value: f.id })),
			// Deprecated in Mesos for allocated + offered, which it is.
			resources: v1Resources(plus(allocated, offered), r.name),
			allocated: v1Resources(allocated, r.name),
			offered: v1Resources(offered, r.name),
			reserved: [],
			quota: {
				role: r.name,
				limit: Object.entries(limits).map(([name, v]) => ({
					name,
					type: "SCALAR",
					scalar: { value: v.value },
				})),
				guarantee: [],
				consumed: v1Resources(
					finish({
						cpus: allocated.cpus + offered.cpus,
						mem: allocated.mem + offered.mem,
						disk: allocated.disk + offered.disk,
						gpus: allocated.gpus + offered.gpus,
						ports: [],
					}),
				),
			},
		};
	});
	return { type: "GET_ROLES", get_roles: { roles } };
}

export function getWeights(m: Master): Json {
	const weight_infos = sortedRoles(m)
		.map((i) => m.allocator.roles[i]!)
		.filter((r) => r.weight !== 1)
		.map((r) => ({ weight: r.weight, role: r.name }));
	return { type: "GET_WEIGHTS", get_weights: { weight_infos } };
}

export function getQuota(m: Master): Json {
	const configs: Json[] = [];
	const infos: Json[] = [];
	for (const idx of sortedRoles(m)) {
		const r = m.allocator.roles[idx]!;
		if (!r.hasLimit) continue;
		const limits = quotaLimits(m, idx);
		configs.push({ role: r.name, guarantees: {}, limits });
		infos.push({ role: r.name, guarantee: [] });
	}
	return { type: "GET_QUOTA", get_quota: { status: { infos, configs } } };
}

export function masterInfoV1(m: Master): Json {
	const mi = m.masterInfo();
	return {
		...mi,
		address: { hostname: mi.hostname, ip: "127.0.0.1", port: mi.port },
		capabilities: [{ type: "AGENT_UPDATE" }, { type: "AGENT_DRAINING" }, { type: "QUOTA_V2" }],
	};
}

export function getMaster(m: Master): Json {
	return {
		type: "GET_MASTER",
		get_master: {
			master_info: masterInfoV1(m),
			start_time: secs(m.startedAt),
			elected_time: secs(m.startedAt),
		},
	};
}

export function getOperations(): Json {
	return { type: "GET_OPERATIONS", get_operations: { operations: [] } };
}

// ---- v0 endpoints ---------------------------------------------------------------------

function agentCounts(m: Master): { activated: number; deactivated: number; unreachable: number } {
	let activated = 0;
	let deactivated = 0;
	let unreachable = 0;
	for (let a = 0; a < m.cluster.size; a++) {
		const s = m.cluster.state[a];
		if (s === AGENT_STATE.UNREACHABLE) unreachable++;
		else if (!isRegisteredAgent(m, a)) continue;
		else if (s === AGENT_STATE.ACTIVE) activated++;
		else deactivated++;
	}
	return { activated, deactivated, unreachable };
}

function leaderInfo(m: Master): Json {
	const mi = m.masterInfo();
	return {
		id: mi.id,
		pid: `master@127.0.0.1:${mi.port}`,
		port: mi.port,
		ip: mi.ip,
		hostname: mi.hostname,
		version: mi.version,
		address: { hostname: mi.hostname, ip: "127.0.0.1", port: mi.port },
	};
}

export function stateV0(m: Master, opts: StateOptions = {}): Json {
	const mi = m.masterInfo();
	const counts = agentCounts(m);
	const slaves: Json[] = [];
	for (let a = 0; a < m.cluster.size; a++) if (isRegisteredAgent(m, a)) slaves.push(agentV0(m, a, opts));
	return {
		version: mi.version,
		...BUILD_INFO,
		start_time: secs(m.startedAt),
		elected_time: secs(m.startedAt),
		id: mi.id,
		pid: `master@127.0.0.1:${mi.port}`,
		hostname: mi.hostname,
		capabilities: ["AGENT_UPDATE", "AGENT_DRAINING", "QUOTA_V2"],
		activated_slaves: counts.activated,
		deactivated_slaves: counts.deactivated,
		unreachable_slaves: counts.unreachable,
		leader: `master@127.0.0.1:${mi.port}`,
		leader_info: leaderInfo(m),
		flags: masterFlags(m),
		slaves,
		recovered_slaves: [],
		frameworks: liveFrameworks(m).map((f) => frameworkV0(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV0(m, f)),
		orphan_tasks: [],
		unregistered_frameworks: [],
	};
}

const SUMMARY_STATES: readonly TaskState[] = [
	"TASK_STAGING",
	"TASK_STARTING",
	"TASK_RUNNING",
	"TASK_KILLING",
	"TASK_FINISHED",
	"TASK_KILLED",
	"TASK_FAILED",
	"TASK_LOST",
	"TASK_ERROR",
	"TASK_UNREACHABLE",
];

function emptyCounts(): Record<string, number> {
	const o: Record<string, number> = {};
	for (const s of SUMMARY_STATES) o[s] = 0;
	return o;
}

export function stateSummaryV0(m: Master, opts: StateOptions = {}): Json {
	const perAgent = new Map<number, { counts: Record<string, number>; fws: Set<string> }>();
	const frameworks: Json[] = [];
	const agentOf = (a: number) => {
		let x = perAgent.get(a);
		if (x === undefined) {
			x = { counts: emptyCounts(), fws: new Set() };
			perAgent.set(a, x);
		}
		return x;
	};
	for (const fw of liveFrameworks(m)) {
		const counts = emptyCounts();
		const agents = new Set<string>();
		const t = tasksOf(fw);
		for (const task of [...t.live, ...t.unreachable, ...t.completed]) {
			if (counts[task.state] !== undefined) counts[task.state]!++;
			const x = agentOf(task.agent);
			if (x.counts[task.state] !== undefined) x.counts[task.state]!++;
			if (!task.released) {
				agents.add(task.agentId);
				x.fws.add(fw.id);
			}
		}
		frameworks.push({ ...frameworkSummaryV0(m, fw), ...counts, slave_ids: [...agents] });
	}
	const slaves: Json[] = [];
	for (let a = 0; a < m.cluster.size; a++) {
		if (!isRegisteredAgent(m, a)) continue;
		const x = perAgent.get(a);
		slaves.push({
			...agentV0(m, a, opts),
			...(x?.counts ?? emptyCounts()),
			framework_ids: [...(x?.fws ?? [])],
		});
	}
	return { hostname: m.masterInfo().hostname, slaves, frameworks };
}

export function frameworksV0(m: Master): Json {
	return {
		frameworks: liveFrameworks(m).map((f) => frameworkV0(m, f)),
		completed_frameworks: m.completedFrameworks.items().map((f) => frameworkV0(m, f)),
		unregistered_frameworks: [],
	};
}

export function slavesV0(m: Master, opts: StateOptions = {}): Json {
	const slaves: Json[] = [];
	for (let a = 0; a < m.cluster.size; a++) if (isRegisteredAgent(m, a)) slaves.push(agentV0(m, a, opts));
	return { slaves, recovered_slaves: [] };
}

export interface TasksQuery {
	limit?: number;
	offset?: number;
	order?: "asc" | "des";
	frameworkId?: string;
	taskId?: string;
}

/** /master/tasks: live, unreachable and completed tasks; limit (100), offset, order by launch time (des). */
export function tasksV0(m: Master, q: TasksQuery = {}): Json {
	const all: TaskRecord[] = [];
	for (const fw of [...liveFrameworks(m), ...m.completedFrameworks.items()]) {
		if (q.frameworkId !== undefined && fw.id !== q.frameworkId) continue;
		const t = tasksOf(fw);
		for (const x of [...t.live, ...t.unreachable, ...t.completed]) {
			if (q.taskId !== undefined && x.id !== q.taskId) continue;
			all.push(x);
		}
	}
	const dir = q.order === "asc" ? 1 : -1;
	all.sort((a, b) => dir * (a.launchedAt - b.launchedAt) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
	const offset = Math.max(0, q.offset ?? 0);
	const limit = Math.max(0, q.limit ?? 100);
	return { tasks: all.slice(offset, offset + limit).map((t) => taskV0(m, t)) };
}

export function rolesV0(m: Master): Json {
	const roles = rolesWithQuantities(m).map(({ idx, allocated, offered }) => {
		const r = m.allocator.roles[idx]!;
		const limits = quotaLimits(m, idx);
		const limitFlat: Record<string, number> = {};
		for (const [k, v] of Object.entries(limits)) limitFlat[k] = v.value;
		return {
			name: r.name,
			weight: r.weight,
			frameworks: [...r.frameworks].filter((f) => !f.removed).map((f) => f.id),
			resources: flatResources(plus(allocated, offered)),
			allocated: flatResources(allocated),
			offered: flatResources(offered),
			reserved: {},
			quota: { role: r.name, guarantee: {}, limit: limitFlat, consumed: flatResources(allocated) },
		};
	});
	return { roles };
}

export function flagsV0(m: Master): Json {
	return { flags: masterFlags(m) };
}

// ---- metrics -----------------------------------------------------------------------------

/** Percent-encodes a framework name as libprocess's http::encode does for metric keys. */
export function encodeMetricName(name: string): string {
	return encodeURIComponent(name).replace(
		/[!'()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
	);
}

const TERMINAL_COUNTERS: readonly [string, TaskState][] = [
	["tasks_finished", "TASK_FINISHED"],
	["tasks_failed", "TASK_FAILED"],
	["tasks_killed", "TASK_KILLED"],
	["tasks_lost", "TASK_LOST"],
	["tasks_error", "TASK_ERROR"],
	["tasks_dropped", "TASK_DROPPED"],
	["tasks_gone", "TASK_GONE"],
	["tasks_gone_by_operator", "TASK_GONE_BY_OPERATOR"],
];

const CALL_MESSAGES: readonly [string, string][] = [
	["messages_launch_tasks", "ACCEPT"],
	["messages_decline_offers", "DECLINE"],
	["messages_revive_offers", "REVIVE"],
	["messages_suppress_offers", "SUPPRESS"],
	["messages_kill_task", "KILL"],
	["messages_status_update_acknowledgement", "ACKNOWLEDGE"],
	["messages_operation_status_update_acknowledgement", "ACKNOWLEDGE_OPERATION_STATUS"],
	["messages_reconcile_tasks", "RECONCILE"],
	["messages_reconcile_operations", "RECONCILE_OPERATIONS"],
	["messages_framework_to_executor", "MESSAGE"],
	["messages_resource_request", "REQUEST"],
	["messages_unregister_framework", "TEARDOWN"],
];

/**
 * /metrics/snapshot: a flat {name: number} map with Mesos's key names, sorted.
 * Not reported: wall-clock timers (allocator/mesos/allocation_run_ms...), which
 * live outside the deterministic core.
 */
export function metricsSnapshot(m: Master, opts: StateOptions = {}): Record<string, number> {
	const out: Record<string, number> = {};
	const cl = m.cluster;
	const put = (k: string, v: number) => {
		out[k] = Number.isFinite(v) ? v : 0;
	};

	// Resources.
	const total = m.allocator.total;
	const used = [0, 0, 0, 0];
	const offered = [0, 0, 0, 0];
	let sActive = 0;
	let sConnected = 0;
	let sDisconnected = 0;
	let sInactive = 0;
	let sUnreachable = 0;
	for (let a = 0; a < cl.size; a++) {
		const s = cl.state[a];
		if (s === AGENT_STATE.UNREACHABLE) sUnreachable++;
		if (!isRegisteredAgent(m, a)) continue;
		for (let k = 0; k < 4; k++) {
			used[k]! += cl.allocated[k]![a]!;
			offered[k]! += cl.offered[k]![a]!;
		}
		if (s === AGENT_STATE.DISCONNECTED) sDisconnected++;
		else sConnected++;
		if (s === AGENT_STATE.ACTIVE) sActive++;
		else sInactive++;
	}
	for (let k = 0; k < 4; k++) {
		const n = SCALAR_NAMES[k]!;
		const t = total[k]!;
		put(`master/${n}_total`, fixed(t));
		put(`master/${n}_used`, fixed(used[k]!));
		put(`master/${n}_percent`, t > 0 ? used[k]! / t : 0);
		put(`master/${n}_revocable_total`, 0);
		put(`master/${n}_revocable_used`, 0);
		put(`master/${n}_revocable_percent`, 0);
		put(`allocator/mesos/resources/${n}/total`, fixed(t));
		put(`allocator/mesos/resources/${n}/offered_or_allocated`, fixed(used[k]! + offered[k]!));
	}
	put("master/elected", 1);
	put("master/uptime_secs", secs(m.now - m.startedAt));
	put("master/slaves_active", sActive);
	put("master/slaves_connected", sConnected);
	put("master/slaves_disconnected", sDisconnected);
	put("master/slaves_inactive", sInactive);
	put("master/slaves_unreachable", sUnreachable);

	// Frameworks and tasks.
	let fActive = 0;
	let fConnected = 0;
	let fDisconnected = 0;
	let fInactive = 0;
	const live: Record<string, number> = {
		TASK_STAGING: 0,
		TASK_STARTING: 0,
		TASK_RUNNING: 0,
		TASK_KILLING: 0,
		TASK_UNREACHABLE: 0,
	};
	for (const fw of liveFrameworks(m)) {
		if (fw.active) fActive++;
		else fInactive++;
		if (fw.connected) fConnected++;
		else fDisconnected++;
		const perState: Record<string, number> = {};
		for (const t of fw.tasks.values()) {
			if (live[t.state] !== undefined) live[t.state]!++;
			perState[t.state] = (perState[t.state] ?? 0) + 1;
		}
		const unreachable = fw.unreachableTasks.size;
		live.TASK_UNREACHABLE! += unreachable;
		const prefix = `master/frameworks/${encodeMetricName(fw.info.name)}/${fw.id}/`;
		put(`${prefix}subscribed`, fw.connected ? 1 : 0);
		let calls = 0;
		for (const [type, n] of Object.entries(fw.counters.callsByType)) {
			calls += n;
			put(`${prefix}calls/${type.toLowerCase()}`, n);
		}
		put(`${prefix}calls`, calls);
		put(`${prefix}offers/sent`, fw.counters.offersSent);
		put(`${prefix}offers/accepted`, fw.counters.offersAccepted);
		put(`${prefix}offers/declined`, fw.counters.offersDeclined);
		put(`${prefix}offers/rescinded`, fw.counters.offersRescinded);
		for (const s of ["TASK_STAGING", "TASK_STARTING", "TASK_RUNNING", "TASK_KILLING", "TASK_UNREACHABLE"]) {
			const n = s === "TASK_UNREACHABLE" ? unreachable : (perState[s] ?? 0);
			put(`${prefix}tasks/active/${s.toLowerCase()}`, n);
		}
		for (const role of fw.roles) put(`${prefix}roles/${role}/suppressed`, fw.suppressed.has(role) ? 1 : 0);
	}
	put("master/frameworks_active", fActive);
	put("master/frameworks_connected", fConnected);
	put("master/frameworks_disconnected", fDisconnected);
	put("master/frameworks_inactive", fInactive);
	put("master/outstanding_offers", m.outstandingOffers);
	put("master/operator_event_stream_subscribers", opts.operatorSubscribers ?? 0);
	put("master/tasks_staging", live.TASK_STAGING!);
	put("master/tasks_starting", live.TASK_STARTING!);
	put("master/tasks_running", live.TASK_RUNNING!);
	put("master/tasks_killing", live.TASK_KILLING!);
	put("master/tasks_unreachable", live.TASK_UNREACHABLE!);
	const byState = m.metrics.taskTransitions;
	for (const [key, state] of TERMINAL_COUNTERS) put(`master/${key}`, byState[state] ?? 0);

	// Messages.
	const calls = m.metrics.callsByType;
	for (const [key, type] of CALL_MESSAGES) put(`master/${key}`, calls[type] ?? 0);
	put("master/messages_register_framework", m.metrics.frameworkSubscribes);
	put("master/messages_reregister_framework", 0);
	put("master/messages_register_slave", m.metrics.agentRegistrations);
	put("master/messages_reregister_slave", m.metrics.agentReregistrations);
	put("master/messages_status_update", m.metrics.statusUpdates);
	put("master/valid_status_updates", m.metrics.statusUpdates);
	put("master/invalid_status_updates", 0);
	put("master/valid_status_update_acknowledgements", m.metrics.statusUpdateAcks);
	put("master/invalid_status_update_acknowledgements", 0);
	put("master/slave_registrations", m.metrics.agentRegistrations);
	put("master/slave_reregistrations", m.metrics.agentReregistrations);
	put("master/slave_removals", m.metrics.agentRemovals);
	put("master/slave_unreachable_completed", m.metrics.agentsUnreachable);
	put("master/slave_unreachable_canceled", m.metrics.agentsUnreachableCanceled);
	put("master/dropped_messages", 0);
	put("master/event_queue_messages", 0);
	put("master/event_queue_dispatches", opts.eventQueue ?? 0);
	put("master/event_queue_http_requests", 0);

	// Allocator.
	put("allocator/mesos/allocation_runs", m.allocator.cycles);
	put("allocator/mesos/event_queue_dispatches", 0);
	for (const idx of sortedRoles(m)) {
		const r = m.allocator.roles[idx]!;
		if (m.allocator.roleSorter.has(r.name)) {
			put(`allocator/mesos/roles/${r.name}/shares/dominant`, m.allocator.roleSorter.dominantShare(r.name));
		}
		let filters = 0;
		for (const fw of r.frameworks) filters += fw.filters.activeForRole(idx, m.now);
		if (r.frameworks.size > 0) put(`allocator/mesos/offer_filters/roles/${r.name}/active`, filters);
		if (r.hasLimit) {
			for (let k = 0; k < 4; k++) {
				const lim = r.limit[k]!;
				if (!Number.isFinite(lim)) continue;
				const base = `allocator/mesos/quota/roles/${r.name}/resources/${SCALAR_NAMES[k]}`;
				put(`${base}/limit`, lim);
				put(`${base}/offered_or_allocated`, fixed(r.consumed[k]!));
			}
		}
	}
	const sorted: Record<string, number> = {};
	for (const k of Object.keys(out).sort()) sorted[k] = out[k]!;
	return sorted;
}
