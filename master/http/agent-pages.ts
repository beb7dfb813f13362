/**
 * Agent pages on the master's port, as `mesos-local` serves them: every
 * simulated agent is the libprocess process `slave(N)` at the master's
 * address (its pid in /master/state), so the stock web UI, which builds an
 * agent's URLs from `//<agent hostname>:<port of its pid>`, finds
 *
 *   GET /slave(N)/state               the agent's state (src/slave/http.cpp state)
 *   GET /slave(N)/monitor/statistics  resource statistics per executor (limits; no usage is simulated)
 *   GET /files/browse, /files/read, /files/debug   an empty sandbox (src/files/files.cpp shapes)
 *
 * and /metrics/snapshot is the master's (one process, as in mesos-local). The
 * UI reaches these only when agents carry the master's hostname
 * (BuildAppOptions.agentsOnMasterHost); the routes answer either way.
 *
 * Simulated tasks run under a command executor each (Mesos's default for a
 * TaskInfo with a command): executor id = task id, type COMMAND, a sandbox
 * path in Mesos's layout. Every JSON route takes `?jsonp=callback`.
 */
import type { FastifyInstance } from "fastify";
import type { Master } from "../master.js";
import type { FrameworkRecord, TaskRecord } from "../records.js";
import type { HttpContext } from "./context.js";
import type { OperatorHub } from "./operator.js";
import { sendJson } from "./v0.js";
import {
	AGENT_CAPABILITIES,
	agentHostname,
	agentOfProcessId,
	agentPid,
	agentTotal,
	agentUsed,
	allFrameworks,
	attributesV0,
	BUILD_INFO,
	flatResources,
	type StateOptions,
	tasksOf,
	taskV0,
} from "./views/index.js";

type Json = Record<string, unknown>;

/** The simulated agents' work_dir flag (Mesos's default is /var/lib/mesos only by packaging; it must be set). */
export const AGENT_WORK_DIR = "/var/lib/mesos";

interface ExecutorGroup {
	id: string;
	fw: FrameworkRecord;
	tasks: TaskRecord[];
	completed: TaskRecord[];
}

function executorIdOf(t: TaskRecord): string {
	return t.info.executor?.executor_id.value ?? t.id;
}

/** A container id per executor run: stable for the same executor, never a real one. */
function containerIdOf(fw: FrameworkRecord, executorId: string): string {
	return `mesosim-${fw.id}-${executorId}`;
}

function sandboxOf(m: Master, a: number, fw: FrameworkRecord, executorId: string): string {
	const agentId = m.cluster.ids[a]!;
	return (
		`${AGENT_WORK_DIR}/slaves/${agentId}/frameworks/${fw.id}/executors/${executorId}` +
		`/runs/${containerIdOf(fw, executorId)}`
	);
}

/** Every task the agent holds or held, per framework and executor: live ones, then completed ones. */
function executorsOnAgent(m: Master, a: number): Map<FrameworkRecord, Map<string, ExecutorGroup>> {
	const out = new Map<FrameworkRecord, Map<string, ExecutorGroup>>();
	const group = (t: TaskRecord): ExecutorGroup => {
		let perFw = out.get(t.fw);
		if (perFw === undefined) {
			perFw = new Map();
			out.set(t.fw, perFw);
		}
		const id = executorIdOf(t);
		let g = perFw.get(id);
		if (g === undefined) {
			g = { id, fw: t.fw, tasks: [], completed: [] };
			perFw.set(id, g);
		}
		return g;
	};
	for (const t of m.tasksOnAgent(a)) group(t).tasks.push(t);
	for (const fw of allFrameworks(m)) {
		const { completed, unreachable } = tasksOf(fw);
		for (const t of [...completed, ...unreachable]) if (t.agent === a) group(t).completed.push(t);
	}
	return out;
}

function executorJson(m: Master, a: number, g: ExecutorGroup, tasks: TaskRecord[]): Json {
	const first = g.tasks[0] ?? g.completed[0]!;
	const role = m.allocator.roles[first.role]?.name ?? "*";
	const resources = { cpus: 0, mem: 0, disk: 0, gpus: 0 };
	for (const t of tasks) {
		if (t.released) continue;
		resources.cpus += t.q[0]!;
		resources.mem += t.q[1]!;
		resources.disk += t.q[2]!;
		resources.gpus += t.q[3]!;
	}
	const explicit = first.info.executor;
	const command = first.info.command?.value ?? "";
	return {
		id: g.id,
		name: explicit?.name ?? `Command Executor (Task: ${first.id}) (Command: sh -c '${command}')`,
		source: explicit === undefined ? first.id : "",
		container: containerIdOf(g.fw, g.id),
		directory: sandboxOf(m, a, g.fw, g.id),
		resources: flatResources({ ...resources, ports: [] }),
		role,
		type: explicit?.type ?? "COMMAND",
		tasks: g.tasks.map((t) => taskV0(m, t)),
		queued_tasks: [],
		completed_tasks: g.completed.map((t) => taskV0(m, t)),
	};
}

function frameworkOnAgent(m: Master, a: number, fw: FrameworkRecord, groups: Iterable<ExecutorGroup>): Json {
	const executors: Json[] = [];
	const completedExecutors: Json[] = [];
	for (const g of groups) {
		if (g.tasks.length > 0) executors.push(executorJson(m, a, g, g.tasks));
		else completedExecutors.push(executorJson(m, a, g, []));
	}
	const multi = fw.info.capabilities?.some((c) => c.type === "MULTI_ROLE") === true;
	const out: Json = {
		id: fw.id,
		name: fw.info.name,
		user: fw.info.user,
		failover_timeout: fw.info.failover_timeout ?? 0,
		checkpoint: fw.checkpoint,
		hostname: fw.info.hostname ?? "",
	};
	if (fw.info.principal !== undefined) out.principal = fw.info.principal;
	if (multi) out.roles = fw.roles;
	else out.role = fw.roles[0] ?? "*";
	out.executors = executors;
	out.completed_executors = completedExecutors;
	return out;
}

/** /slave(N)/state: what the stock UI's agent, framework and executor pages read. */
export function agentStateV0(m: Master, a: number, opts: StateOptions): Json {
	const cl = m.cluster;
	const mi = m.masterInfo();
	const total = agentTotal(m, a);
	const used = agentUsed(m, a);
	const frameworks: Json[] = [];
	const completedFrameworks: Json[] = [];
	for (const [fw, groups] of executorsOnAgent(m, a)) {
		const json = frameworkOnAgent(m, a, fw, groups.values());
		const live = [...groups.values()].some((g) => g.tasks.length > 0);
		(live && !fw.removed ? frameworks : completedFrameworks).push(json);
	}
	const hostname = agentHostname(m, a, opts);
	return {
		version: mi.version,
		...BUILD_INFO,
		start_time: cl.registeredAt[a]! / 1000,
		id: cl.ids[a]!,
		pid: agentPid(m, a),
		hostname,
		capabilities: AGENT_CAPABILITIES,
		resources: flatResources(total),
		reserved_resources: {},
		unreserved_resources: flatResources(total),
		reserved_resources_full: {},
		unreserved_resources_full: [],
		reserved_resources_allocated: {},
		unreserved_resources_allocated: flatResources(used),
		attributes: attributesV0(cl.attributes[a] ?? []),
		master_hostname: mi.hostname,
		flags: {
			hostname,
			port: String(mi.port),
			master: `${mi.hostname}:${mi.port}`,
			work_dir: AGENT_WORK_DIR,
			resources: Object.entries(flatResources(total))
				.map(([k, v]) => `${k}:${v}`)
				.join(";"),
		},
		frameworks,
		completed_frameworks: completedFrameworks,
	};
}

/** /slave(N)/monitor/statistics: one entry per running executor, its limits; no usage is simulated. */
export function agentStatisticsV0(m: Master, a: number): Json[] {
	const out: Json[] = [];
	const now = m.now / 1000;
	for (const [fw, groups] of executorsOnAgent(m, a)) {
		for (const g of groups.values()) {
			if (g.tasks.length === 0) continue;
			let cpus = 0;
			let mem = 0;
			for (const t of g.tasks) {
				if (t.released) continue;
				cpus += t.q[0]!;
				mem += t.q[1]!;
			}
			out.push({
				executor_id: g.id,
				executor_name: "",
				framework_id: fw.id,
				source: g.tasks[0]!.id,
				statistics: {
					timestamp: now,
					cpus_limit: cpus,
					mem_limit_bytes: Math.round(mem * 1024 * 1024),
					cpus_user_time_secs: 0,
					cpus_system_time_secs: 0,
					mem_rss_bytes: 0,
				},
			});
		}
	}
	return out;
}

export function registerAgentPages(app: FastifyInstance, ctx: HttpContext, hub: OperatorHub): void {
	const m = ctx.master;
	const agentRoute = (suffix: string, build: (a: number) => unknown) => {
		app.get<{ Params: { process: string } }>(`/:process${suffix}`, async (req, reply) => {
			const a = agentOfProcessId(m, req.params.process);
			if (a < 0) return reply.callNotFound();
			ctx.beforeCall();
			return sendJson(req, reply, build(a));
		});
	};
	agentRoute("/state", (a) => agentStateV0(m, a, hub.stateOptions()));
	agentRoute("/state.json", (a) => agentStateV0(m, a, hub.stateOptions()));
	agentRoute("/monitor/statistics", (a) => agentStatisticsV0(m, a));
	agentRoute("/monitor/statistics.json", (a) => agentStatisticsV0(m, a));

	// The sandboxes hold no files: every directory lists empty, every file reads empty.
	app.get("/files/browse", async (req, reply) => sendJson(req, reply, []));
	app.get("/files/read", async (req, reply) => sendJson(req, reply, { data: "", offset: 0 }));
	app.get("/files/debug", async (req, reply) => sendJson(req, reply, {}));
}
