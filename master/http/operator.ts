/**
 * POST /api/v1 — the v1 operator API (include/mesos/v1/master/master.proto,
 * Master::Http::api in src/master/http.cpp) and its event stream.
 *
 * Status codes as for the scheduler API (405, 400, 415, 400, then 406 for an
 * Accept without JSON, for every call); 200 with a JSON body for GET_* calls,
 * 200 with an empty body for the calls that change something; 501 for calls
 * mesosim does not implement; 503 when the event stream has 1000 subscribers.
 *
 * The event stream hangs off master.observer (chained: earlier observers keep
 * running first). Events are serialized once and the same frame goes to every
 * subscriber; with no subscriber a hook costs one branch.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { AGENT_STATE } from "../cluster.js";
import type { Master, MasterObserver } from "../master.js";
import type { FrameworkRecord, TaskRecord } from "../records.js";
import { roleProblem } from "../validate.js";
import type { HttpContext } from "./context.js";
import { ApiError, badRequest } from "./errors.js";
import { APPLICATION_JSON, negotiateJson, recordIoFrame } from "./media.js";
import { onClientGone, readCall } from "./scheduler.js";
import { type OperatorCallType, validateOperatorCall } from "./schemas.js";
import { RecordIoStream } from "./stream.js";
import {
	agentV1,
	type DrainInfo,
	frameworkV1,
	getAgents,
	getExecutors,
	getFlags,
	getFrameworks,
	getHealth,
	getMaster,
	getMetrics,
	getOperations,
	getQuota,
	getRoles,
	getState,
	getStateBody,
	getTasks,
	getVersion,
	getWeights,
	isRegisteredAgent,
	type StateOptions,
	taskV1,
} from "./views/index.js";

const QUOTA_RESOURCES = new Set(["cpus", "mem", "disk", "gpus"]);

const UNSUPPORTED: ReadonlySet<OperatorCallType> = new Set<OperatorCallType>([
	"UNKNOWN",
	"GET_LOGGING_LEVEL",
	"SET_LOGGING_LEVEL",
	"LIST_FILES",
	"READ_FILE",
	"RESERVE_RESOURCES",
	"UNRESERVE_RESOURCES",
	"CREATE_VOLUMES",
	"DESTROY_VOLUMES",
	"GROW_VOLUME",
	"SHRINK_VOLUME",
	"UPDATE_MAINTENANCE_SCHEDULE",
	"START_MAINTENANCE",
	"STOP_MAINTENANCE",
	"SET_QUOTA",
]);

export interface OperatorOptions {
	maxSubscribers: number;
}

/** The operator API's state beyond the master's: subscribers, known agents, drains. */
export class OperatorHub {
	readonly subscribers = new Set<RecordIoStream>();
	readonly drains = new Map<number, DrainInfo>();
	readonly #ctx: HttpContext;
	readonly #master: Master;
	readonly #maxSubscribers: number;
	/** Agents the stream has announced (AGENT_ADDED without AGENT_REMOVED). */
	readonly #known = new Set<number>();
	#heartbeatArmed = false;

	constructor(ctx: HttpContext, opts: OperatorOptions) {
		this.#ctx = ctx;
		this.#master = ctx.master;
		this.#maxSubscribers = opts.maxSubscribers;
		for (let a = 0; a < this.#master.cluster.size; a++)
			if (isRegisteredAgent(this.#master, a)) this.#known.add(a);
		this.#install();
	}

	stateOptions(): StateOptions {
		return {
			drains: this.drains,
			operatorSubscribers: this.subscribers.size,
			eventQueue: this.#ctx.eventQueue(),
			agentsOnMasterHost: this.#ctx.agentsOnMasterHost,
		};
	}

	#install(): void {
		const m = this.#master;
		const prev = m.observer;
		const next: MasterObserver = {};
		if (typeof prev.offerMade === "function") next.offerMade = (o) => prev.offerMade!(o);
		if (typeof prev.offerEnded === "function") next.offerEnded = (o, how) => prev.offerEnded!(o, how);
		if (typeof prev.eventSent === "function") next.eventSent = (fw, e) => prev.eventSent!(fw, e);
		next.taskChanged = (t, p) => {
			prev.taskChanged?.(t, p);
			this.#onTask(t, p === null);
		};
		next.agentChanged = (a) => {
			prev.agentChanged?.(a);
			this.#onAgent(a);
		};
		next.frameworkChanged = (fw, what) => {
			prev.frameworkChanged?.(fw, what);
			this.#onFramework(fw, what);
		};
		m.observer = next;
	}

	#broadcast(event: unknown): void {
		if (this.subscribers.size === 0) return;
		const frame = recordIoFrame(JSON.stringify(event));
		for (const s of this.subscribers) s.writeFrame(frame);
	}

	#onTask(t: TaskRecord, added: boolean): void {
		if (this.drains.size > 0) this.#checkDrained(t.agent);
		if (this.subscribers.size === 0) return;
		if (added) this.#broadcast({ type: "TASK_ADDED", task_added: { task: taskV1(this.#master, t) } });
		else
			this.#broadcast({
				type: "TASK_UPDATED",
				task_updated: { framework_id: { value: t.fw.id }, status: t.status, state: t.state },
			});
	}

	#onAgent(a: number): void {
		const m = this.#master;
		const registered = isRegisteredAgent(m, a);
		if (registered && !this.#known.has(a)) {
			this.#known.add(a);
			this.#broadcast({ type: "AGENT_ADDED", agent_added: { agent: agentV1(m, a, this.stateOptions()) } });
		} else if (!registered && this.#known.has(a)) {
			this.#known.delete(a);
			this.drains.delete(a);
			this.#broadcast({ type: "AGENT_REMOVED", agent_removed: { agent_id: { value: m.cluster.ids[a]! } } });
		}
	}

	#onFramework(fw: FrameworkRecord, what: "added" | "updated" | "removed"): void {
		if (this.subscribers.size === 0) return;
		const m = this.#master;
		if (what === "removed") {
			this.#broadcast({
				type: "FRAMEWORK_REMOVED",
				framework_removed: { framework_info: { ...fw.info, id: { value: fw.id } } },
			});
			return;
		}
		const framework = frameworkV1(m, fw);
		// "added" is reported from inside SUBSCRIBE, just before the framework is connected.
		if (what === "added") {
			framework.active = true;
			framework.connected = true;
		}
		const type = what === "added" ? "FRAMEWORK_ADDED" : "FRAMEWORK_UPDATED";
		this.#broadcast({ type, [type.toLowerCase()]: { framework } });
	}

	// ---- drains ------------------------------------------------------------------

	#checkDrained(a: number): void {
		const d = this.drains.get(a);
		if (d === undefined || d.state !== "DRAINING") return;
		for (const t of this.#master.tasksOnAgent(a)) if (!t.released) return;
		d.state = "DRAINED";
		if (d.markGone) {
			const id = this.#master.cluster.ids[a]!;
			this.#ctx.defer(() => this.#master.markAgentGone(id));
		}
	}

	/**
	 * The agent calls of the operator API (DRAIN_AGENT, DEACTIVATE_AGENT,
	 * REACTIVATE_AGENT, MARK_AGENT_GONE) as methods, so that the simulator's
	 * own control API (sim/control) takes the same path and the drain records
	 * and the event stream see its calls. Each throws ApiError as the call would.
	 */
	markGone(agentId: string): void {
		const m = this.#master;
		const a = m.cluster.indexOf(agentId);
		if (a < 0) throw new ApiError("MST_ERR_NOT_FOUND", `Agent '${agentId}' not found`);
		if (m.cluster.state[a] !== AGENT_STATE.GONE) m.markAgentGone(agentId);
	}

	setActive(agentId: string, active: boolean): void {
		const m = this.#master;
		const a = m.cluster.indexOf(agentId);
		if (a < 0 || !isRegisteredAgent(m, a)) throw badRequest(`Agent ${agentId} is not registered`);
		if (!m.setAgentActive(agentId, active)) {
			throw badRequest(
				`Agent ${agentId} cannot be ${active ? "reactivated" : "deactivated"} in its current state`,
			);
		}
		if (active) this.drains.delete(a);
	}

	drain(agentId: string, markGone: boolean): void {
		const m = this.#master;
		const a = m.cluster.indexOf(agentId);
		if (a < 0 || !isRegisteredAgent(m, a)) throw badRequest(`Agent ${agentId} is not registered`);
		if (m.cluster.state[a] === AGENT_STATE.DISCONNECTED) {
			throw badRequest(`Agent ${agentId} is disconnected and cannot be drained`);
		}
		if (!m.drainAgent(agentId)) throw badRequest(`Agent ${agentId} cannot be drained`);
		this.drains.set(a, { state: "DRAINING", markGone });
		this.#checkDrained(a);
	}

	// ---- event stream --------------------------------------------------------------

	subscribe(req: FastifyRequest, reply: FastifyReply): FastifyReply {
		if (this.subscribers.size >= this.#maxSubscribers) {
			throw new ApiError(
				"MST_ERR_UNAVAILABLE",
				`Maximum number of operator event stream subscribers (${this.#maxSubscribers}) reached`,
			);
		}
		const ctx = this.#ctx;
		const stream = new RecordIoStream({
			...ctx.streamLimits,
			onOverflow: () => req.log.warn("operator stream buffer full: client too slow, closing"),
		});
		stream.onEnd = () => {
			this.subscribers.delete(stream);
			ctx.streams.delete(stream);
		};
		this.subscribers.add(stream);
		ctx.streams.add(stream);
		stream.write({
			type: "SUBSCRIBED",
			subscribed: {
				get_state: getStateBody(this.#master, this.stateOptions()),
				heartbeat_interval_seconds: ctx.heartbeatIntervalMs / 1000,
			},
		});
		onClientGone(reply.raw, () => stream.end());
		this.#armHeartbeat();
		stream.start(reply.raw, { "Content-Type": APPLICATION_JSON, "Cache-Control": "no-cache" });
		return reply.hijack();
	}

	/** HEARTBEAT every heartbeat interval of simulated time while anyone listens. */
	#armHeartbeat(): void {
		if (this.#heartbeatArmed) return;
		this.#heartbeatArmed = this.#ctx.after(this.#ctx.heartbeatIntervalMs, () => {
			this.#heartbeatArmed = false;
			if (this.subscribers.size === 0) return;
			this.heartbeat();
			this.#armHeartbeat();
		});
	}

	heartbeat(): void {
		this.#broadcast({ type: "HEARTBEAT" });
	}

	/** Keep-alive (wall clock, from the live driver): HEARTBEAT to streams silent since the last call. */
	keepAlive(): void {
		let frame: Buffer | null = null;
		for (const s of this.subscribers) {
			if (s.takeWrote()) continue;
			frame ??= recordIoFrame(JSON.stringify({ type: "HEARTBEAT" }));
			s.writeFrame(frame);
		}
	}
}

function validRole(role: string, what: string): void {
	const p = roleProblem(role);
	if (p !== null) throw badRequest(`Failed to validate master::Call: ${what}: ${p}`);
}

export function registerOperator(app: FastifyInstance, ctx: HttpContext, hub: OperatorHub): void {
	const m = ctx.master;

	const ok = (reply: FastifyReply, body?: unknown) =>
		body === undefined
			? reply.code(200).send()
			: // A Buffer: fastify would add "; charset=utf-8" to a string, and clients compare media types.
				reply
					.code(200)
					.header("Content-Type", APPLICATION_JSON)
					.send(Buffer.from(JSON.stringify(body)));

	app.all("/api/v1", async (req, reply) => {
		const call = validateOperatorCall(readCall(req));
		negotiateJson(req.headers.accept);
		if (UNSUPPORTED.has(call.type)) {
			throw new ApiError(
				"MST_ERR_NOT_IMPLEMENTED",
				call.type === "UNKNOWN" ? "Received 'UNKNOWN' call" : `mesosim does not implement ${call.type}`,
			);
		}
		ctx.beforeCall();
		switch (call.type) {
			case "GET_HEALTH":
				return ok(reply, getHealth());
			case "GET_FLAGS":
				return ok(reply, getFlags(m));
			case "GET_VERSION":
				return ok(reply, getVersion(m));
			case "GET_METRICS":
				return ok(reply, getMetrics(m, hub.stateOptions()));
			case "GET_STATE":
				return ok(reply, getState(m, hub.stateOptions()));
			case "GET_AGENTS":
				return ok(reply, getAgents(m, hub.stateOptions()));
			case "GET_FRAMEWORKS":
				return ok(reply, getFrameworks(m));
			case "GET_EXECUTORS":
				return ok(reply, getExecutors(m));
			case "GET_OPERATIONS":
				return ok(reply, getOperations());
			case "GET_TASKS":
				return ok(reply, getTasks(m));
			case "GET_ROLES":
				return ok(reply, getRoles(m));
			case "GET_WEIGHTS":
				return ok(reply, getWeights(m));
			case "GET_MASTER":
				return ok(reply, getMaster(m));
			case "GET_QUOTA":
				return ok(reply, getQuota(m));
			case "GET_MAINTENANCE_STATUS":
				return ok(reply, {
					type: "GET_MAINTENANCE_STATUS",
					get_maintenance_status: { status: { draining_machines: [], down_machines: [] } },
				});
			case "GET_MAINTENANCE_SCHEDULE":
				return ok(reply, {
					type: "GET_MAINTENANCE_SCHEDULE",
					get_maintenance_schedule: { schedule: { windows: [] } },
				});
			case "SUBSCRIBE":
				return hub.subscribe(req, reply);
			case "UPDATE_WEIGHTS": {
				const infos =
					(call.update_weights as { weight_infos?: { weight: number; role?: string }[] }).weight_infos ?? [];
				for (const w of infos) {
					const role = w.role ?? "*";
					validRole(role, "update_weights");
					if (!Number.isFinite(w.weight) || w.weight <= 0) {
						throw badRequest(
							`Failed to validate master::Call: weight of role '${role}' must be a positive number (got ${w.weight})`,
						);
					}
				}
				m.updateWeights(infos.map((w) => ({ role: w.role ?? "*", weight: w.weight })));
				return ok(reply);
			}
			case "UPDATE_QUOTA": {
				type QuotaConfig = {
					role: string;
					guarantees?: Record<string, { value: number }>;
					limits?: Record<string, { value: number }>;
				};
				const configs = (call.update_quota as { quota_configs?: QuotaConfig[] }).quota_configs ?? [];
				const parsed: { role: string; limits: Record<string, number> }[] = [];
				for (const c of configs) {
					validRole(c.role, "update_quota");
					// Mesos 1.11 (quota_handler.cpp, MESOS-7402); "*" may have quota since Mesos 1.10.
					if (c.role.includes("/") && !m.flags.hierarchicalQuota)
						throw badRequest(`Updating quota on nested role '${c.role}' is not supported yet`);
					for (const [name, v] of Object.entries(c.guarantees ?? {})) {
						if (v.value !== 0) {
							throw badRequest(
								`Failed to validate master::Call: quota guarantees are not modelled by mesosim (role '${c.role}', '${name}'); set 'limits' only`,
							);
						}
					}
					const limits: Record<string, number> = {};
					for (const [name, v] of Object.entries(c.limits ?? {})) {
						if (!QUOTA_RESOURCES.has(name)) {
							throw badRequest(
								`Failed to validate master::Call: quota limit on '${name}' (role '${c.role}'): only cpus, mem, disk and gpus can be limited`,
							);
						}
						if (!Number.isFinite(v.value) || v.value < 0) {
							throw badRequest(
								`Failed to validate master::Call: quota limit '${name}' of role '${c.role}' must be a non-negative number`,
							);
						}
						limits[name] = v.value;
					}
					parsed.push({ role: c.role, limits });
				}
				for (const p of parsed) m.updateQuota(p.role, p.limits);
				return ok(reply);
			}
			case "REMOVE_QUOTA": {
				const role = (call.remove_quota as { role: string }).role;
				validRole(role, "remove_quota");
				m.updateQuota(role, {});
				return ok(reply);
			}
			case "TEARDOWN": {
				const id = (call.teardown as { framework_id: { value: string } }).framework_id.value;
				if (!m.teardown(id)) throw badRequest(`No framework found with specified ID ${id}`);
				return ok(reply);
			}
			case "MARK_AGENT_GONE":
				hub.markGone((call.mark_agent_gone as { agent_id: { value: string } }).agent_id.value);
				return ok(reply);
			case "DEACTIVATE_AGENT":
			case "REACTIVATE_AGENT": {
				const body = (call.type === "DEACTIVATE_AGENT" ? call.deactivate_agent : call.reactivate_agent) as {
					agent_id: { value: string };
				};
				hub.setActive(body.agent_id.value, call.type === "REACTIVATE_AGENT");
				return ok(reply);
			}
			case "DRAIN_AGENT": {
				const body = call.drain_agent as { agent_id: { value: string }; mark_gone?: boolean };
				hub.drain(body.agent_id.value, body.mark_gone === true);
				return ok(reply);
			}
			default:
				throw new ApiError("MST_ERR_NOT_IMPLEMENTED", `mesosim does not implement ${call.type}`);
		}
	});
}
