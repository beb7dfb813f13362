/**
 * The framework registry: SUBSCRIBE (new and failover), disconnect and the
 * failover timeout, removal (TEARDOWN, operator teardown, failover expired),
 * heartbeats, and the calls that change a framework's roles or interest:
 * REVIVE, SUPPRESS, UPDATE_FRAMEWORK.
 *
 * Heartbeat and failover timers are tokens: each arming takes a new token and
 * stores it on the record, so a stale timer event finds a different token and
 * does nothing (no cancel needed).
 */
import type { Rng } from "../engine/index.js";
import { BoundedList } from "./bounded.js";
import { ACCEPTED, bad } from "./call-result.js";
import type { Cluster } from "./cluster.js";
import { FrameworkFilters, RefusedPool } from "./filters.js";
import type { MasterFlags } from "./flags.js";
import type { OfferBook } from "./offers/book.js";
import type { Call, Event, FrameworkInfo, MasterInfo } from "./protocol/messages.js";
import type { CallResult, EventSink, SubscribeResult } from "./protocol/scheduler.js";
import type { FrameworkRecord, MasterObserver } from "./records.js";
import type { TaskTable } from "./tasks/table.js";
import { checkFrameworkInfo } from "./validate.js";

/** The allocator's side of frameworks (the Allocator is passed as it is). */
export interface FrameworkAccounting {
	roleIndex(name: string): number;
	addFramework(fw: FrameworkRecord): void;
	removeFramework(fw: FrameworkRecord): void;
	updateFrameworkRoles(fw: FrameworkRecord, added: number[], removed: number[]): void;
	syncActive(fw: FrameworkRecord): void;
	markAllCandidates(): void;
}

/** What the registry needs from the master. */
export interface FrameworkRegistryHost {
	readonly masterId: string;
	/** Draws stream ids. */
	readonly rng: Rng;
	/** Every framework ever subscribed, by index (FrameworkRecord.idx). */
	readonly frameworks: FrameworkRecord[];
	readonly completedFrameworks: BoundedList<FrameworkRecord>;
	readonly accounting: FrameworkAccounting;
	readonly offers: Pick<OfferBook, "rescind" | "rescindAllOf">;
	readonly tasks: Pick<TaskTable, "frameworkRemoved">;
	readonly cluster: Pick<Cluster, "endpoints" | "local">;
	readonly flags: Readonly<
		Pick<
			MasterFlags,
			"heartbeatIntervalMs" | "maxCompletedTasksPerFramework" | "maxUnreachableTasksPerFramework"
		>
	>;
	readonly metrics: { frameworkSubscribes: number; invalidCalls: number };
	/** Read on every use: the runner may replace it. */
	readonly observer: MasterObserver;
	now(): number;
	/** Runs `action` after the current event (messages to agents and streams never go synchronously). */
	later(action: () => void): void;
	/** In `ms` the master calls heartbeatDue(fw.idx, token). */
	armHeartbeat(ms: number, idx: number, token: number): void;
	/** In `ms` the master calls failoverDue(fw.idx, token). */
	armFailover(ms: number, idx: number, token: number): void;
	requestCycle(): void;
	send(fw: FrameworkRecord, event: Event): void;
	masterInfo(): MasterInfo;
}

type Shape = Exclude<ReturnType<typeof checkFrameworkInfo>, { problem: string }>;

export class FrameworkRegistry {
	readonly #host: FrameworkRegistryHost;
	readonly #byId = new Map<string, FrameworkRecord>();
	readonly #removedIds = new Set<string>();
	readonly #byStream = new Map<string, FrameworkRecord>();
	/** Refused resources of every framework's filters, shared (filters.ts). */
	readonly #refused = new RefusedPool();
	#nextFw = 0;
	#nextTimerToken = 0;

	constructor(host: FrameworkRegistryHost) {
		this.#host = host;
	}

	/** A framework by id (removed ones are forgotten: undefined). */
	byId(id: string): FrameworkRecord | undefined {
		return this.#byId.get(id);
	}

	subscribe(call: Call, sink: EventSink): SubscribeResult {
		const host = this.#host;
		const info = call?.subscribe?.framework_info;
		if (call?.type !== "SUBSCRIBE" || info === undefined || info === null || typeof info !== "object") {
			host.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "Expecting 'subscribe' to be present" };
		}
		if (typeof info.user !== "string" || typeof info.name !== "string") {
			host.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "'framework_info' needs string fields 'user' and 'name'" };
		}
		const idValue = info.id?.value;
		if (call.framework_id !== undefined && call.framework_id?.value !== idValue) {
			host.metrics.invalidCalls++;
			return { ok: false, status: 400, message: "'framework_id' differs from 'subscribe.framework_info.id'" };
		}
		const streamId = uuidString(host.rng);
		const shape = checkFrameworkInfo(info);
		const fail = (message: string): SubscribeResult => {
			host.later(() => {
				sink.send({ type: "ERROR", error: { message } });
				sink.close();
			});
			return { ok: true, frameworkId: idValue ?? "", streamId };
		};
		if ("problem" in shape) return fail(shape.problem);
		const suppressed = call.subscribe?.suppressed_roles ?? [];
		for (const r of suppressed) {
			if (!shape.roles.includes(r)) return fail(`suppressed role '${r}' is not one of the framework's roles`);
		}
		if (idValue !== undefined && this.#removedIds.has(idValue)) return fail("Framework has been removed");
		host.metrics.frameworkSubscribes++;

		let fw = idValue !== undefined ? this.#byId.get(idValue) : undefined;
		if (fw !== undefined) {
			// Resubscription (failover): the old stream ends, tasks are kept.
			if (fw.sink !== null && fw.connected) {
				const old = fw.sink;
				host.later(() => {
					old.send({ type: "ERROR", error: { message: "Framework failed over" } });
					old.close();
				});
			}
			if (fw.streamId !== null) this.#byStream.delete(fw.streamId);
			host.offers.rescindAllOf(fw, false);
			fw.failoverTimer = -1;
			const roles = fw.roles;
			const added = shape.roles.filter((r) => !roles.includes(r)).map((r) => host.accounting.roleIndex(r));
			const removed = fw.roleIdx.filter((_, k) => !shape.roles.includes(roles[k]!));
			this.#applyInfo(fw, info, shape);
			fw.reregisteredAt = host.now();
			host.accounting.updateFrameworkRoles(fw, added, removed);
		} else {
			fw = this.#add(info, shape, idValue);
		}
		fw.suppressed = new Set(suppressed);
		fw.sink = sink;
		fw.streamId = streamId;
		fw.connected = true;
		fw.active = true;
		fw.unregisteredAt = null;
		this.#byStream.set(streamId, fw);
		host.accounting.syncActive(fw);
		host.send(fw, {
			type: "SUBSCRIBED",
			subscribed: {
				framework_id: { value: fw.id },
				heartbeat_interval_seconds: host.flags.heartbeatIntervalMs / 1000,
				master_info: host.masterInfo(),
			},
		});
		this.#rearmHeartbeat(fw);
		if (fw.reregisteredAt !== null) host.observer.frameworkChanged?.(fw, "updated");
		host.accounting.markAllCandidates();
		host.requestCycle();
		return { ok: true, frameworkId: fw.id, streamId };
	}

	#add(info: FrameworkInfo, shape: Shape, idValue: string | undefined): FrameworkRecord {
		const host = this.#host;
		const id = idValue ?? this.#newFrameworkId();
		const roleIdx = shape.roles.map((r) => host.accounting.roleIndex(r));
		const now = host.now();
		const fw: FrameworkRecord = {
			idx: host.frameworks.length,
			id,
			idValue: Object.freeze({ value: id }),
			info: { ...info, id: { value: id } },
			roles: shape.roles,
			roleIdx,
			partitionAware: shape.partitionAware,
			checkpoint: info.checkpoint === true,
			gpuCapable: shape.gpuCapable,
			connected: false,
			active: false,
			removed: false,
			sink: null,
			streamId: null,
			suppressed: new Set(),
			filters: new FrameworkFilters(this.#refused),
			offers: new Set(),
			tasks: new Map(),
			registeredAt: now,
			reregisteredAt: null,
			unregisteredAt: null,
			failoverTimer: -1,
			heartbeatTimer: -1,
			completedTasks: new BoundedList(host.flags.maxCompletedTasksPerFramework),
			unreachableTasks: new BoundedList(host.flags.maxUnreachableTasksPerFramework),
			minAllocatable: minAllocatableOf(info, roleIdx, shape.roles),
			counters: {
				offersSent: 0,
				offersAccepted: 0,
				offersDeclined: 0,
				offersRescinded: 0,
				tasksLaunched: 0,
				callsByType: {},
			},
		};
		host.frameworks.push(fw);
		this.#byId.set(id, fw);
		host.accounting.addFramework(fw);
		host.observer.frameworkChanged?.(fw, "added");
		return fw;
	}

	/**
	 * "<masterId>-<4-digit counter>", as Master::newFrameworkId. A framework that
	 * subscribes with an id this master never issued is registered under that id
	 * (Mesos's recoverFramework after a master failover), so the counter skips an
	 * id a client has already claimed: a new framework never shares one.
	 */
	#newFrameworkId(): string {
		const prefix = `${this.#host.masterId}-`;
		let id: string;
		do id = `${prefix}${String(this.#nextFw++).padStart(4, "0")}`;
		while (this.#byId.has(id) || this.#removedIds.has(id));
		return id;
	}

	/** A (re)subscribed or updated FrameworkInfo: what the record derives from it. */
	#applyInfo(fw: FrameworkRecord, info: FrameworkInfo, shape: Shape): void {
		fw.info = { ...info, id: { value: fw.id } };
		fw.roles = shape.roles;
		fw.roleIdx = shape.roles.map((r) => this.#host.accounting.roleIndex(r));
		fw.partitionAware = shape.partitionAware;
		fw.gpuCapable = shape.gpuCapable;
		fw.minAllocatable = minAllocatableOf(info, fw.roleIdx, fw.roles);
	}

	/** The framework's event stream closed: it has failover_timeout to come back. */
	disconnect(streamId: string): void {
		const host = this.#host;
		const fw = this.#byStream.get(streamId);
		if (fw === undefined) return;
		this.#byStream.delete(streamId);
		if (fw.streamId !== streamId || !fw.connected) return;
		fw.connected = false;
		fw.active = false;
		fw.sink = null;
		fw.unregisteredAt = host.now();
		fw.heartbeatTimer = -1;
		host.offers.rescindAllOf(fw, false);
		host.accounting.syncActive(fw);
		const timeoutMs = Math.round((fw.info.failover_timeout ?? 0) * 1000);
		const token = this.#nextTimerToken++;
		fw.failoverTimer = token;
		host.armFailover(timeoutMs, fw.idx, token);
		host.observer.frameworkChanged?.(fw, "updated");
	}

	#rearmHeartbeat(fw: FrameworkRecord): void {
		const token = this.#nextTimerToken++;
		fw.heartbeatTimer = token;
		this.#host.armHeartbeat(this.#host.flags.heartbeatIntervalMs, fw.idx, token);
	}

	heartbeatDue(idx: number, token: number): void {
		const fw = this.#host.frameworks[idx];
		if (fw?.connected && fw.heartbeatTimer === token) {
			this.#host.send(fw, { type: "HEARTBEAT" });
			this.#rearmHeartbeat(fw);
		}
	}

	failoverDue(idx: number, token: number): void {
		const fw = this.#host.frameworks[idx];
		if (fw !== undefined && !fw.connected && !fw.removed && fw.failoverTimer === token) this.remove(fw);
	}

	/** Removes a framework for good: offers back, tasks killed, agents told to shut it down, stream closed. */
	remove(fw: FrameworkRecord): void {
		if (fw.removed) return;
		const host = this.#host;
		fw.removed = true;
		fw.active = false;
		host.offers.rescindAllOf(fw, false);
		for (const a of host.tasks.frameworkRemoved(fw)) {
			const endpoint = host.cluster.endpoints[a]!;
			const local = host.cluster.local[a]!;
			host.later(() => endpoint.shutdownFramework(local, fw.id));
		}
		host.accounting.removeFramework(fw);
		fw.filters.clear();
		fw.heartbeatTimer = -1;
		fw.failoverTimer = -1;
		if (fw.streamId !== null) this.#byStream.delete(fw.streamId);
		const sink = fw.sink;
		if (sink !== null && fw.connected) host.later(() => sink.close());
		fw.connected = false;
		fw.sink = null;
		fw.unregisteredAt = host.now();
		this.#byId.delete(fw.id);
		this.#removedIds.add(fw.id);
		host.completedFrameworks.push(fw);
		host.observer.frameworkChanged?.(fw, "removed");
	}

	// ---- calls: REVIVE, SUPPRESS, UPDATE_FRAMEWORK ----------------------------------

	revive(fw: FrameworkRecord, roles: string[] | null): CallResult {
		const rs = rolesArg(fw, roles);
		if (!Array.isArray(rs)) return rs;
		for (const r of rs) {
			fw.suppressed.delete(r);
			fw.filters.clearRole(this.#host.accounting.roleIndex(r));
		}
		this.#host.accounting.syncActive(fw);
		this.#host.accounting.markAllCandidates();
		this.#host.requestCycle();
		return ACCEPTED;
	}

	suppress(fw: FrameworkRecord, roles: string[] | null): CallResult {
		const rs = rolesArg(fw, roles);
		if (!Array.isArray(rs)) return rs;
		for (const r of rs) fw.suppressed.add(r);
		this.#host.accounting.syncActive(fw);
		return ACCEPTED;
	}

	update(fw: FrameworkRecord, call: Call): CallResult {
		const host = this.#host;
		const info = call.update_framework?.framework_info;
		if (info === undefined || info === null || typeof info !== "object") {
			return bad(400, "Expecting 'update_framework.framework_info' to be present");
		}
		if (info.id?.value !== fw.id) return bad(400, "'framework_info.id' must be the framework's id");
		if (typeof info.user !== "string" || typeof info.name !== "string") {
			return bad(400, "'framework_info' needs string fields 'user' and 'name'");
		}
		if (info.user !== fw.info.user) return bad(400, "'framework_info.user' cannot be changed");
		if ((info.principal ?? null) !== (fw.info.principal ?? null))
			return bad(400, "'framework_info.principal' cannot be changed");
		if ((info.checkpoint === true) !== fw.checkpoint)
			return bad(400, "'framework_info.checkpoint' cannot be changed");
		const shape = checkFrameworkInfo(info);
		if ("problem" in shape) return bad(400, shape.problem);
		const suppressed = call.update_framework?.suppressed_roles ?? [];
		for (const r of suppressed)
			if (!shape.roles.includes(r))
				return bad(400, `suppressed role '${r}' is not one of the framework's roles`);
		const added = shape.roles.filter((r) => !fw.roles.includes(r)).map((r) => host.accounting.roleIndex(r));
		const removedNames = fw.roles.filter((r) => !shape.roles.includes(r));
		const removed = removedNames.map((r) => host.accounting.roleIndex(r));
		// Offers in dropped roles are rescinded.
		for (const o of [...fw.offers]) if (removed.includes(o.role)) host.offers.rescind(o, true);
		// Unsuppressed roles lose their filters.
		for (const r of fw.suppressed) {
			if (!suppressed.includes(r)) fw.filters.clearRole(host.accounting.roleIndex(r));
		}
		this.#applyInfo(fw, info, shape);
		fw.suppressed = new Set(suppressed);
		host.accounting.updateFrameworkRoles(fw, added, removed);
		host.accounting.markAllCandidates();
		host.observer.frameworkChanged?.(fw, "updated");
		return { ok: true, status: 200 };
	}
}

/** The roles a REVIVE or SUPPRESS names (none: all of the framework's), or why they are refused. */
function rolesArg(fw: FrameworkRecord, roles: string[] | null): string[] | CallResult {
	if (roles === null || roles.length === 0) return fw.roles;
	if (!Array.isArray(roles)) return bad(400, "'roles' must be a list");
	for (const r of roles)
		if (!fw.roles.includes(r)) return bad(400, `Role '${String(r)}' is not one of the framework's roles`);
	return roles;
}

/** The framework's min_allocatable_resources per role index (FrameworkInfo.offer_filters). */
function minAllocatableOf(
	info: FrameworkInfo,
	roleIdx: number[],
	roles: string[],
): Map<number, Partial<Record<string, number>>[]> {
	const out = new Map<number, Partial<Record<string, number>>[]>();
	const of = info.offer_filters;
	if (of === undefined || of === null || typeof of !== "object") return out;
	roles.forEach((r, k) => {
		const q = of[r]?.min_allocatable_resources?.quantities;
		if (!Array.isArray(q)) return;
		out.set(
			roleIdx[k]!,
			q.map((x) => {
				const o: Record<string, number> = {};
				for (const [name, v] of Object.entries(x?.quantities ?? {})) o[name] = Number(v?.value ?? 0);
				return o;
			}),
		);
	});
	return out;
}

/** A version-4 style UUID drawn from a seeded stream. */
export function uuidString(rng: Rng): string {
	const h: string[] = [];
	for (let i = 0; i < 16; i++) h.push(rng.int(256).toString(16).padStart(2, "0"));
	const s = h.join("");
	return `${s.slice(0, 8)}-${s.slice(8, 12)}-4${s.slice(13, 16)}-${s.slice(16, 20)}-${s.slice(20, 32)}`;
}
