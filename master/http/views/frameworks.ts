/**
 * Framework views: the v1 GET_FRAMEWORKS entry (include/mesos/v1/master/
 * master.proto) with its offers as the master keeps them, and the v0
 * /master/state `frameworks[]` entry and its state-summary subset
 * (src/common/http.cpp, src/master/readonly_handler.cpp).
 */
import type { Master } from "../../master.js";
import type { Offer, Range, Resource } from "../../protocol/messages.js";
import { emptyQuantities, SCALAR_NAMES } from "../../protocol/resources.js";
import type { FrameworkRecord, OfferRecord } from "../../records.js";
import {
	addInto,
	finish,
	flatResources,
	type Json,
	plus,
	type Quantities,
	secs,
	timeInfo,
	v1Resources,
} from "./quantities.js";
import { tasksOf, taskV0 } from "./tasks.js";

export function liveFrameworks(m: Master): FrameworkRecord[] {
	return m.frameworks.filter((f) => !f.removed);
}

/** Live frameworks, then completed ones. */
export function allFrameworks(m: Master): FrameworkRecord[] {
	return [...liveFrameworks(m), ...m.completedFrameworks.items()];
}

function frameworkQuantities(_m: Master, fw: FrameworkRecord): { used: Quantities; offered: Quantities } {
	const used = emptyQuantities();
	const offered = emptyQuantities();
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
			q = emptyQuantities();
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
	const q = emptyQuantities();
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

/** The fields /master/state-summary gives a framework (a subset of frameworkV0). */
export function frameworkSummaryV0(m: Master, fw: FrameworkRecord): Json {
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
