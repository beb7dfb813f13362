/**
 * Applying an action (a scenario timeline entry, or the same object posted to
 * the live control API) to a simulation, in two steps: `prepare` resolves
 * every name and selector and builds what the action needs (a scheduler for
 * an install), changing nothing; `run` then applies the whole plan. A live
 * call is therefore applied whole or not at all, and the master only ever
 * sees the calls an operator, an agent or a framework could make.
 *
 * Strict mode (live API) refuses unknown names with 404 and empty or
 * out-of-range selections with 400 (ControlError); lenient mode (a scenario
 * timeline, already checked when the file was loaded) applies what still
 * matches and skips the rest, as timelines always did.
 *
 * Which action is which (docs/scenario.md, Timeline actions):
 *  - crashAgents: the host dies with its tasks; it comes back (after `for`,
 *    or on restartAgents) as a NEW agent with a new id.
 *  - restartAgentProcesses: only the agent process restarts; it recovers and
 *    reregisters with the SAME id; tasks of checkpointing frameworks survive.
 */
import { formatCount, LIMITS, limitTail } from "../../common/limits.js";
import { suggestion } from "../../common/suggest.js";
import { CATALOG, type ChameleonFramework, PACKAGE_NAMES } from "../../frameworks/chameleon/index.js";
import { ApiError } from "../../master/http/errors.js";
import { addGroup, type Simulation } from "../runner/build.js";
import { attachFramework, type FrameworkHandle, makeScheduler } from "../runner/frameworks.js";
import type { ChameleonFrameworkSpec, TimelineEvent } from "../scenario/index.js";
import { AGENT_OPERATOR_ACTIONS, AGENT_SELECTOR_ACTIONS } from "../scenario/types.js";
import { badControl, ControlError, notFound } from "./errors.js";
import { selectAgents } from "./selectors.js";

export { selectAgents };

/**
 * The agent calls Mesos's operator API has (DRAIN_AGENT, DEACTIVATE_AGENT,
 * REACTIVATE_AGENT, MARK_AGENT_GONE), by agent id. A live master passes its
 * operator API's own (master/http's OperatorHub), so the drain records and the
 * operator event stream see these actions as they see POST /api/v1; a headless
 * run calls the master (masterOperator). A refusal throws.
 */
export interface AgentOperator {
	drain(agentId: string, markGone: boolean): void;
	setActive(agentId: string, active: boolean): void;
	markGone(agentId: string): void;
}

/** The operator calls straight on the master (headless runs: no HTTP API, no drain records). */
export function masterOperator(sim: Simulation): AgentOperator {
	const m = sim.master;
	return {
		drain: (id) => void m.drainAgent(id),
		setActive: (id, active) => void m.setAgentActive(id, active),
		markGone: (id) => m.markAgentGone(id),
	};
}

/** Actions that are Mesos operator calls, one per agent. */
const OPERATOR_ACTIONS = new Set<TimelineEvent["action"]>(AGENT_OPERATOR_ACTIONS);

/** What `run` does; everything in it has been checked. */
type Plan =
	| { kind: "agents"; ev: TimelineEvent; agents: number[] }
	| { kind: "framework"; ev: TimelineEvent; handle: FrameworkHandle }
	| { kind: "install"; spec: ChameleonFrameworkSpec; scheduler: ReturnType<typeof makeScheduler> }
	| { kind: "scale"; handle: FrameworkHandle; chameleon: ChameleonFramework; instances: number }
	| { kind: "other"; ev: TimelineEvent };

/** What an applied action changed, for the caller to show. */
export interface ActionResult {
	action: TimelineEvent["action"];
	/** Agents hit (hostnames), for agent actions. */
	agents?: string[];
	/** The framework (un)installed, scaled, torn down, disconnected or revived. */
	framework?: string;
	/** scalePackage: the group scaled and its instance count before and after. */
	group?: string;
	from?: number | null;
	to?: number;
}

const AGENT_ACTIONS = new Set<TimelineEvent["action"]>(AGENT_SELECTOR_ACTIONS);

/** Applies a timeline action (lenient: what no longer matches is skipped). */
export function applyAction(sim: Simulation, ev: TimelineEvent, operator = masterOperator(sim)): void {
	try {
		run(sim, prepare(sim, ev, false), operator);
	} catch (err) {
		if (!(err instanceof ControlError)) throw err;
	}
}

/**
 * Applies a live control action: checks everything first, throws ControlError
 * before any change. An operator call the master refuses for one agent of
 * several (say, draining a disconnected agent) skips that agent; the result
 * names the agents the action hit.
 */
export function controlAction(
	sim: Simulation,
	ev: TimelineEvent,
	operator = masterOperator(sim),
): ActionResult {
	const plan = prepare(sim, ev, true);
	const outcome = run(sim, plan, operator);
	const out: ActionResult = { action: ev.action };
	if (plan.kind === "agents") out.agents = outcome.agents.map((a) => sim.fleet.hostname(a));
	if (plan.kind === "scale") out.framework = plan.handle.name;
	if (outcome.scaled !== undefined) Object.assign(out, outcome.scaled);
	if (plan.kind === "framework") out.framework = plan.handle.name;
	if (plan.kind === "install") out.framework = plan.spec.name;
	return out;
}

/** The framework handle of a name (404 with close matches). */
export function frameworkNamed(sim: Simulation, name: string | undefined): FrameworkHandle {
	const h = sim.frameworks.find((f) => f.name === name);
	if (h === undefined)
		throw notFound(
			`unknown framework "${name}"${suggestion(
				name ?? "",
				sim.frameworks.map((f) => f.name),
			)}`,
		);
	return h;
}

function prepare(sim: Simulation, ev: TimelineEvent, strict: boolean): Plan {
	if (OPERATOR_ACTIONS.has(ev.action)) {
		// Operator calls name agents the master knows: registered ones, by their id.
		const known = selectAgents(sim, ev.agents, strict).filter((a) => sim.fleet.agentId(a) !== null);
		if (strict && known.length === 0)
			throw new ControlError(400, "agents: none of the selected agents is registered with the master");
		return { kind: "agents", ev, agents: known };
	}
	if (AGENT_ACTIONS.has(ev.action))
		return { kind: "agents", ev, agents: selectAgents(sim, ev.agents, strict) };
	switch (ev.action) {
		case "teardownFramework":
		case "reviveFramework":
		case "disconnectFramework":
		case "uninstallPackage":
			return { kind: "framework", ev, handle: frameworkNamed(sim, ev.framework) };
		case "scalePackage":
			return prepareScale(sim, ev);
		case "installPackage":
			return prepareInstall(sim, ev);
		case "addAgents":
			if (!sim.scenario.agents.some((g) => g.group === ev.group))
				throw notFound(
					`unknown agent group "${ev.group}"${suggestion(
						ev.group ?? "",
						sim.scenario.agents.map((g) => g.group),
					)}`,
				);
			// The same bound as a scenario's: the cluster after the addition must fit (common/limits.ts).
			if (sim.fleet.size + (ev.count ?? 1) > LIMITS.agents)
				throw badControl(
					`addAgents: ${formatCount(sim.fleet.size + (ev.count ?? 1))} agents in all after adding ${formatCount(ev.count ?? 1)} to ${formatCount(sim.fleet.size)}; ${limitTail("agents")}`,
				);
			return { kind: "other", ev };
		default:
			return { kind: "other", ev };
	}
}

/** A running chameleon to scale (400 for another kind of framework). */
function prepareScale(sim: Simulation, ev: TimelineEvent): Plan {
	const handle = frameworkNamed(sim, ev.framework);
	if (!isChameleon(handle.scheduler))
		throw new ControlError(
			400,
			`framework: "${handle.name}" is not a chameleon package; only those can be scaled`,
		);
	return { kind: "scale", handle, chameleon: handle.scheduler, instances: ev.instances ?? 0 };
}

function isChameleon(s: FrameworkHandle["scheduler"]): s is ChameleonFramework {
	return typeof (s as Partial<ChameleonFramework>).scale === "function";
}

function prepareInstall(sim: Simulation, ev: TimelineEvent): Plan {
	const name = ev.name ?? ev.package ?? "";
	if (sim.frameworks.some((f) => f.name === name))
		throw new ControlError(
			400,
			`name: a framework named "${name}" is installed already (choose another with --name)`,
		);
	if (ev.package !== undefined && CATALOG[ev.package] === undefined)
		throw notFound(`unknown package "${ev.package}"${suggestion(ev.package, PACKAGE_NAMES)}`);
	const fields: Record<string, unknown> = { ...(ev.spec ?? {}) };
	if (ev.package !== undefined) fields.package = ev.package;
	if (ev.instances !== undefined) {
		const groups = (ev.package !== undefined ? CATALOG[ev.package]!.spec.groups : fields.groups) as
			| Record<string, unknown>[]
			| undefined;
		fields.groups = withInstances(groups ?? [], ev.instances, ev.package === undefined);
	}
	const spec: ChameleonFrameworkSpec = { type: "chameleon", name, spec: fields };
	let scheduler: ReturnType<typeof makeScheduler>;
	try {
		scheduler = makeScheduler(sim, spec);
	} catch (err) {
		throw new ControlError(400, (err as Error).message);
	}
	return { kind: "install", spec, scheduler };
}

/**
 * Every group that has an instance count gets `n`. A catalog package takes a
 * map of overrides by group name (merged into the package); a spec of one's
 * own is rewritten in place.
 */
function withInstances(groups: Record<string, unknown>[], n: number, asList: boolean): unknown {
	const counted = (g: Record<string, unknown>) => g.instances !== undefined || g.count !== undefined;
	if (asList) return groups.map((g) => (counted(g) ? { ...g, instances: n, count: undefined } : g));
	const out: Record<string, unknown> = {};
	for (const g of groups) if (counted(g)) out[String(g.name)] = { instances: n };
	return out;
}

/** What applying a plan did beyond what the plan says. */
interface Outcome {
	/** The agents an agent action hit. */
	agents: number[];
	/** scalePackage: the group scaled and its count before (null: no limit) and after. */
	scaled?: { group: string; from: number | null; to: number };
}

/** Applies a plan. */
function run(sim: Simulation, plan: Plan, operator: AgentOperator): Outcome {
	switch (plan.kind) {
		case "agents":
			if (OPERATOR_ACTIONS.has(plan.ev.action))
				return { agents: runOperatorCalls(sim, plan.ev, plan.agents, operator) };
			runAgents(sim, plan.ev, plan.agents);
			return { agents: plan.agents };
		case "framework":
			runFramework(sim, plan.ev, plan.handle);
			return { agents: [] };
		case "install":
			attachFramework(sim, plan.spec, plan.scheduler, 0);
			return { agents: [] };
		case "scale": {
			const r = plan.chameleon.scale(plan.instances);
			if (!r.ok) throw new ControlError(400, r.reason);
			return {
				agents: [],
				scaled: { group: r.group, from: Number.isFinite(r.from) ? r.from : null, to: r.to },
			};
		}
		case "other":
			runOther(sim, plan.ev);
			return { agents: [] };
	}
}

/**
 * One operator call per agent (by the id the master gave it); the agents it
 * was accepted for. When the master refused it for every agent, nothing
 * changed: the first refusal is thrown as a ControlError (400).
 */
function runOperatorCalls(
	sim: Simulation,
	ev: TimelineEvent,
	agents: number[],
	operator: AgentOperator,
): number[] {
	const hit: number[] = [];
	let refusal: ApiError | null = null;
	for (const a of agents) {
		const id = sim.fleet.agentId(a);
		if (id === null) continue;
		try {
			if (ev.action === "drainAgents") operator.drain(id, false);
			else if (ev.action === "deactivateAgents") operator.setActive(id, false);
			else if (ev.action === "reactivateAgents") operator.setActive(id, true);
			else operator.markGone(id);
			hit.push(a);
		} catch (err) {
			// The master refused it for this agent (as POST /api/v1 would have): skip it.
			if (!(err instanceof ApiError)) throw err;
			refusal ??= err;
		}
	}
	if (hit.length === 0 && refusal !== null) throw new ControlError(400, `agents: ${refusal.message}`);
	return hit;
}

function runAgents(sim: Simulation, ev: TimelineEvent, agents: number[]): void {
	const { fleet, master } = sim;
	const remaining = Math.max(0, sim.scenario.durationMs - (sim.engine.now - sim.engine.originMs));
	switch (ev.action) {
		case "crashAgents":
			for (const a of agents) fleet.crash(a, ev.downForMs ?? null);
			return;
		case "restartAgents":
			for (const a of agents) if (!fleet.isUp(a)) fleet.start(a);
			return;
		case "partitionAgents":
			for (const a of agents) fleet.partition(a, ev.downForMs ?? remaining + 1);
			return;
		case "flapAgents":
			for (const a of agents) fleet.flap(a, ev.times ?? 3, ev.downForMs ?? 30_000, ev.upForMs ?? 30_000);
			return;
		case "healAgents":
			for (const a of agents) fleet.heal(a);
			return;
		case "restartAgentProcesses": {
			const survives = (fwId: string) => master.framework(fwId)?.checkpoint === true;
			for (const a of agents) fleet.restartProcess(a, ev.downForMs ?? 5_000, survives);
			return;
		}
	}
}

function runFramework(sim: Simulation, ev: TimelineEvent, h: FrameworkHandle): void {
	const id = h.id();
	switch (ev.action) {
		case "teardownFramework":
			// As before: a framework not yet subscribed is left alone by a timeline.
			if (id !== null) {
				h.driver.stop();
				sim.master.teardown(id);
			}
			return;
		case "uninstallPackage":
			h.driver.stop();
			if (id !== null) sim.master.teardown(id);
			sim.frameworks.splice(sim.frameworks.indexOf(h), 1);
			return;
		case "reviveFramework":
			h.driver.context.revive();
			return;
		case "disconnectFramework":
			// The scheduler goes away; the master keeps it for its failover timeout.
			// Back after `for` (a failover with the same id), if the master still has it.
			h.driver.stop();
			if (ev.downForMs !== null && ev.downForMs !== undefined)
				sim.engine.timeout(ev.downForMs, () => h.driver.start());
			return;
	}
}

function runOther(sim: Simulation, ev: TimelineEvent): void {
	switch (ev.action) {
		case "addAgents": {
			const g = sim.scenario.agents.find((x) => x.group === ev.group);
			if (g === undefined) return;
			const n = ev.count ?? 1;
			const already = (sim.groups.get(g.group) ?? []).reduce((s, r) => s + r.count, 0);
			// New agents continue the group's numbering so hostnames stay unique.
			const range = addGroup(sim, { ...g, hostname: shiftTemplate(g.hostname, already) }, n);
			for (let i = 0; i < range.count; i++) sim.fleet.start(range.first + i);
			return;
		}
		case "updateWeights":
			if (ev.role !== undefined && ev.weight !== undefined)
				sim.master.updateWeights([{ role: ev.role, weight: ev.weight }]);
			return;
		case "updateQuota":
			if (ev.role !== undefined) sim.master.updateQuota(ev.role, { ...ev.quota });
			return;
	}
}

/** Rewrites `{i}`-style expressions so that index i renders as i + offset. */
function shiftTemplate(template: string, offset: number): string {
	return template.replace(/\{([^{}]*)\}/g, (whole, expr: string) =>
		/\bi\b/.test(expr) ? `{${expr.replace(/\bi\b/g, `(i + ${offset})`)}}` : whole,
	);
}
