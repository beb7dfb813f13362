/**
 * ACCEPT and DECLINE (Master::accept, Master::decline): which offers a call
 * names, whether its launches are valid, and what they take.
 *
 * ACCEPT runs in two steps. checkLaunches is the launch validation as a pure
 * function — the offers' resources and the operations in, a verdict out (per
 * task or task group in call order: what it takes, or why it is refused, and
 * what the offers have left), nothing changed. accept() then applies the
 * verdict in that order: tasks launch (TaskTable.launch), refused ones get
 * TASK_ERROR, and every offer ends with the leftover given back under the
 * call's filter.
 * Complexity: O(tasks × roles of the offers + ports).
 * Guarded by: `mesosim bench engine` (ACCEPT/DECLINE on every offer).
 */
import { ACCEPTED, bad } from "../call-result.js";
import type { Cluster } from "../cluster.js";
import { refuseMs } from "../filters.js";
import type { Call, Operation, Range, TaskInfo } from "../protocol/messages.js";
import {
	fixed,
	parseResources,
	rangesAdd,
	rangesContain,
	rangesSubtract,
	SCALAR_COUNT,
} from "../protocol/resources.js";
import type { CallResult } from "../protocol/scheduler.js";
import { SCALAR_EPSILON } from "../quantity.js";
import type { FrameworkRecord, OfferRecord } from "../records.js";
import type { CheckedTask, TaskTable } from "../tasks/table.js";
import type { OfferBook } from "./book.js";

/** Resources held by offers of one role (scalars as in OfferRecord.q, normalized ports). */
export interface HeldResources {
	q: Float64Array;
	ports: Range[];
}

/** One task (LAUNCH) or task group (LAUNCH_GROUP) of an ACCEPT, in call order. */
export type LaunchStep =
	| { readonly ok: true; readonly tasks: CheckedTask[] }
	| { readonly ok: false; readonly tasks: TaskInfo[]; readonly problem: string };

export interface LaunchVerdict {
	steps: LaunchStep[];
	/** Tasks that launch (over all steps). */
	launched: number;
	/** Per role: what the offers hold after the launches. */
	leftovers: Map<number, HeldResources>;
}

/** Role lookup by name (the Allocator is passed as it is). */
export interface RoleLookup {
	findRole(name: string): { readonly idx: number } | undefined;
}

/** What ACCEPT and DECLINE need from the master. */
export interface AcceptHost {
	readonly offers: Pick<OfferBook, "byId" | "end">;
	readonly tasks: Pick<TaskTable, "launch" | "masterUpdate">;
	readonly roles: RoleLookup;
	readonly cluster: Pick<Cluster, "ids">;
	/** Told what each ACCEPT and DECLINE did while decisions are recorded (master/decisions). */
	readonly answers: OfferAnswers | null;
}

/** Where ACCEPT and DECLINE report what they did with which offers. */
export interface OfferAnswers {
	answered(
		fw: FrameworkRecord,
		call: "ACCEPT" | "DECLINE",
		offers: readonly OfferRecord[],
		/** The call's filters.refuse_seconds as sent (null: absent). */
		refuseSeconds: number | null,
		/** The filter put on what was left unused, ms (null: none). */
		refuseMs: number | null,
		taskIds: readonly string[],
	): void;
}

function refuseSecondsOf(value: unknown): number | null {
	return typeof value === "number" ? value : null;
}

export function decline(host: AcceptHost, fw: FrameworkRecord, call: Call): CallResult {
	const ids = call.decline?.offer_ids;
	if (!Array.isArray(ids)) return bad(400, "Expecting 'decline.offer_ids' to be a list");
	const refuse = refuseMs(call.decline?.filters?.refuse_seconds);
	const answers = host.answers;
	const ended: OfferRecord[] | null = answers === null ? null : [];
	for (const v of ids) {
		const o = host.offers.byId(v?.value);
		if (o === undefined || o.fw !== fw) continue; // unknown or not ours: ignored, as Mesos does
		host.offers.end(o, "declined", refuse);
		ended?.push(o);
	}
	if (answers !== null && ended!.length > 0)
		answers.answered(
			fw,
			"DECLINE",
			ended!,
			refuseSecondsOf(call.decline?.filters?.refuse_seconds),
			refuse,
			[],
		);
	return ACCEPTED;
}

export function accept(host: AcceptHost, fw: FrameworkRecord, call: Call): CallResult {
	const acc = call.accept;
	if (acc === undefined || acc === null || !Array.isArray(acc.offer_ids)) {
		return bad(400, "Expecting 'accept.offer_ids' to be a list");
	}
	const ops = acc.operations ?? [];
	if (!Array.isArray(ops)) return bad(400, "'accept.operations' must be a list");
	const refuse = refuseMs(acc.filters?.refuse_seconds);

	// Offer validation (Master::accept): known, ours, one agent, no duplicates.
	let problem: string | null = null;
	const offers: OfferRecord[] = [];
	const seen = new Set<string>();
	for (const v of acc.offer_ids) {
		const id = v?.value;
		if (typeof id !== "string") {
			problem = "Offer id is missing";
			continue;
		}
		if (seen.has(id)) {
			problem = `Duplicate offer ${id} in ACCEPT`;
			continue;
		}
		seen.add(id);
		const o = host.offers.byId(id);
		if (o === undefined) problem ??= `Offer ${id} is no longer valid`;
		else if (o.fw !== fw) problem ??= `Offer ${id} belongs to another framework`;
		else offers.push(o);
	}
	const agent = offers.length > 0 ? offers[0]!.agent : -1;
	if (problem === null && offers.some((o) => o.agent !== agent)) {
		problem = "Aggregated offers must belong to the same agent";
	}
	if (acc.offer_ids.length === 0) problem ??= "No offers specified";
	if (problem !== null) {
		// Tasks of LAUNCH operations are lost; valid offers come back unfiltered.
		for (const op of ops) {
			for (const t of launchTasks(op)) {
				host.tasks.masterUpdate(
					fw,
					t?.task_id?.value ?? "",
					t?.agent_id?.value,
					fw.partitionAware ? "TASK_DROPPED" : "TASK_LOST",
					"REASON_INVALID_OFFERS",
					problem,
				);
			}
		}
		for (const o of offers) host.offers.end(o, "declined", null);
		if (host.answers !== null && offers.length > 0)
			host.answers.answered(fw, "ACCEPT", offers, null, null, []);
		return ACCEPTED;
	}

	const agentId = host.cluster.ids[agent]!;
	const verdict = checkLaunches(offers, ops, agentId, fw.tasks, host.roles);
	for (const step of verdict.steps) {
		if (step.ok) host.tasks.launch(fw, agent, step.tasks);
		else {
			for (const t of step.tasks) {
				const taskId = t?.task_id?.value ?? "";
				host.tasks.masterUpdate(fw, taskId, agentId, "TASK_ERROR", "REASON_TASK_INVALID", step.problem);
			}
		}
	}
	// Each offer ends; what the launches did not use returns with the ACCEPT's filter,
	// through the first offer of each role.
	const leftovers = verdict.leftovers;
	const how = verdict.launched > 0 ? "accepted" : "declined";
	for (const o of offers) {
		const left = leftovers.get(o.role);
		if (left === undefined) host.offers.end(o, how, refuse, new Float64Array(SCALAR_COUNT), []);
		else {
			leftovers.delete(o.role);
			host.offers.end(o, how, refuse, left.q, left.ports);
		}
	}
	if (host.answers !== null) {
		const taskIds: string[] = [];
		for (const step of verdict.steps)
			if (step.ok) for (const t of step.tasks) taskIds.push(t.info.task_id.value);
		host.answers.answered(
			fw,
			"ACCEPT",
			offers,
			refuseSecondsOf(acc.filters?.refuse_seconds),
			refuse,
			taskIds,
		);
	}
	return ACCEPTED;
}

/**
 * Launch validation (Master::_accept's task checks), pure: the tasks and task
 * groups of `ops`, in order, against what `offers` (all on the agent
 * `agentId`) hold. A group is all or nothing; each launched step takes its
 * resources before the next is checked. `liveTasks`: the framework's live
 * tasks (an id may not be reused).
 */
export function checkLaunches(
	offers: readonly Pick<OfferRecord, "role" | "q" | "ports">[],
	ops: readonly Operation[],
	agentId: string,
	liveTasks: ReadonlyMap<string, unknown>,
	roles: RoleLookup,
): LaunchVerdict {
	const pool = new Map<number, HeldResources>();
	for (const o of offers) {
		const p = pool.get(o.role);
		if (p === undefined) pool.set(o.role, { q: Float64Array.from(o.q), ports: o.ports.slice() });
		else {
			for (let k = 0; k < SCALAR_COUNT; k++) p.q[k] = p.q[k]! + o.q[k]!;
			p.ports = rangesAdd(p.ports, o.ports);
		}
	}
	const verdict: LaunchVerdict = { steps: [], launched: 0, leftovers: pool };
	const launchedIds = new Set<string>();
	const check = (tasks: TaskInfo[], executor: unknown): void => {
		if (tasks.length === 0) return;
		const step = checkGroup(pool, tasks, executor !== null, agentId, liveTasks, launchedIds, roles);
		verdict.steps.push(step);
		if (!step.ok) return;
		verdict.launched += step.tasks.length;
		for (const c of step.tasks) launchedIds.add(c.info.task_id.value);
	};
	for (const op of ops) {
		if (op?.type === "LAUNCH") {
			for (const t of launchTasks(op)) check([t], null);
		} else if (op?.type === "LAUNCH_GROUP") {
			check(launchTasks(op), op.launch_group?.executor ?? null);
		}
		// RESERVE, UNRESERVE, CREATE, DESTROY… are not modelled: resources stay in the pool.
	}
	return verdict;
}

/** Checks one task or task group against `pool`; when it passes, `pool` holds what it leaves. */
function checkGroup(
	pool: Map<number, HeldResources>,
	tasks: TaskInfo[],
	hasExecutor: boolean,
	agentId: string,
	liveTasks: ReadonlyMap<string, unknown>,
	launchedIds: ReadonlySet<string>,
	roles: RoleLookup,
): LaunchStep {
	// Work on a copy of the pool: a group is all or nothing.
	const trial = new Map<number, HeldResources>();
	for (const [r, p] of pool) trial.set(r, { q: Float64Array.from(p.q), ports: p.ports.slice() });
	const checked: CheckedTask[] = [];
	const groupIds = new Set<string>();
	const refuse = (problem: string): LaunchStep => ({ ok: false, tasks, problem });
	for (const t of tasks) {
		const id = t?.task_id?.value;
		if (typeof id !== "string" || id.length === 0) return refuse("Task has no 'task_id'");
		if (liveTasks.has(id) || launchedIds.has(id) || groupIds.has(id))
			return refuse(`Task '${id}' already exists`);
		groupIds.add(id);
		if (t.agent_id?.value !== agentId) {
			return refuse(`Task '${id}' uses agent ${String(t.agent_id?.value)} but the offers are for ${agentId}`);
		}
		if (t.command === undefined && t.executor === undefined && !hasExecutor) {
			return refuse(
				`Task '${id}' should have at least one (but not both) of CommandInfo or ExecutorInfo present`,
			);
		}
		const parsed = parseResources(t.resources);
		if (parsed.error !== undefined) return refuse(`Task '${id}': ${parsed.error}`);
		if (parsed.unknown.length > 0) {
			return refuse(`Task '${id}' uses resources mesosim does not model: ${parsed.unknown.join(", ")}`);
		}
		const { cpus, mem, disk, gpus, ports } = parsed.quantities;
		const q = Float64Array.of(cpus, mem, disk, gpus);
		if (q.every((v) => v === 0) && ports.length === 0) return refuse(`Task '${id}' uses no resources`);
		const roleName = t.resources?.find((r) => r?.allocation_info?.role !== undefined)?.allocation_info?.role;
		let role = -1;
		if (roleName !== undefined) role = roles.findRole(roleName)?.idx ?? -2;
		else if (trial.size === 1) role = [...trial.keys()][0]!;
		else {
			// Without allocation_info: the last role, in offer order, whose resources fit.
			for (const [r, p] of trial) if (fits(p, q, ports)) role = r;
		}
		const p = trial.get(role);
		if (p === undefined || !fits(p, q, ports)) return refuse(`Task '${id}' uses more resources than offered`);
		for (let k = 0; k < SCALAR_COUNT; k++) p.q[k] = fixed(p.q[k]! - q[k]!);
		p.ports = rangesSubtract(p.ports, ports);
		checked.push({ info: t, q, ports, role });
	}
	for (const [r, p] of trial) pool.set(r, p);
	return { ok: true, tasks: checked };
}

function fits(p: HeldResources, q: Float64Array, ports: Range[]): boolean {
	for (let k = 0; k < SCALAR_COUNT; k++) if (q[k]! > p.q[k]! + SCALAR_EPSILON) return false;
	return rangesContain(p.ports, ports);
}

/** The tasks of a LAUNCH or LAUNCH_GROUP operation; none for other operations or lists that are not lists. */
function launchTasks(op: Operation): TaskInfo[] {
	const tasks =
		op?.type === "LAUNCH"
			? op.launch?.task_infos
			: op?.type === "LAUNCH_GROUP"
				? op.launch_group?.task_group?.tasks
				: undefined;
	return Array.isArray(tasks) ? tasks : [];
}
