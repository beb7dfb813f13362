/**
 * The live control API, /sim/v1 (docs/api.md, "Simulator control"): what a
 * presenter does to a running cluster that no Mesos API covers — the clock,
 * agent faults and additions, package installs. Where Mesos has an operator
 * call (weights, quota, drain, (de)activate, mark gone, teardown) the same
 * actions are accepted here too, because a scenario timeline can hold them
 * (POST /sim/v1/actions) and a selector may name many agents; the agent ones
 * go through the operator API's own code (ControlOptions.operator), so its
 * drain records and event stream see them as they see POST /api/v1.
 *
 * Every route that changes something builds one timeline action (the schema a
 * scenario's `timeline[]` uses, sim/scenario) and hands it to controlAction,
 * which checks it whole before it applies any of it. Errors leave as the rest
 * of the HTTP surface's do: a plain-text body with 400 (bad value, naming the
 * field) or 404 (unknown agent, group, package or framework, with close
 * matches).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from "fastify";
import { isSimError } from "../../common/errors.js";
import { CATALOG, PACKAGE_NAMES } from "../../frameworks/chameleon/index.js";
import { ApiError } from "../../master/http/index.js";
import type { Simulation } from "../runner/build.js";
import { type TimelineEvent, validateAction } from "../scenario/index.js";
import { type AgentOperator, applyAction, controlAction, frameworkNamed, selectAgents } from "./apply.js";
import { DecisionControl, decisionRoutes } from "./decisions.js";
import { ControlError } from "./errors.js";

export const CONTROL_PREFIX = "/sim/v1";
export const MIN_SPEED = 0.1;
export const MAX_SPEED = 10_000;
/** Rows GET /sim/v1/agents returns unless `limit` says otherwise. */
const DEFAULT_AGENT_ROWS = 200;

/** The clock as the live driver (sim/runner/live.ts) exposes it to the control API. */
export interface ControlClock {
	readonly speed: number;
	readonly paused: boolean;
	readonly lagMs: number;
	catchUp(): void;
	pause(): void;
	resume(): void;
	setSpeed(speed: number): void;
	advanceTo(t: number, inclusive: boolean): void;
}

export interface ControlOptions {
	sim: Simulation;
	clock: ControlClock;
	/** The live master's operator API (app.mesos.operator): drains, (de)activations and gone agents go through it. */
	operator: AgentOperator;
	/** Wall ms since the server started. */
	wallMs: () => number;
	/** The decision ring's switch (/sim/v1/decisions); a new one, off, when absent. */
	decisions?: DecisionControl;
}

/** Route suffix -> the timeline action it posts. */
const ACTION_ROUTES: Readonly<Record<string, TimelineEvent["action"]>> = {
	"agents/add": "addAgents",
	"agents/crash": "crashAgents",
	"agents/start": "restartAgents",
	"agents/restart": "restartAgentProcesses",
	"agents/partition": "partitionAgents",
	"agents/heal": "healAgents",
	"agents/flap": "flapAgents",
	"agents/drain": "drainAgents",
	"agents/deactivate": "deactivateAgents",
	"agents/reactivate": "reactivateAgents",
	"agents/gone": "markAgentsGone",
	"packages/install": "installPackage",
	"packages/uninstall": "uninstallPackage",
	"packages/scale": "scalePackage",
	"frameworks/disconnect": "disconnectFramework",
	"frameworks/revive": "reviveFramework",
};

function toApiError(err: unknown): unknown {
	if (err instanceof ControlError)
		return new ApiError(err.status === 404 ? "MST_ERR_NOT_FOUND" : "MST_ERR_BAD_REQUEST", err.message);
	if (isSimError(err)) return new ApiError("MST_ERR_BAD_REQUEST", err.message);
	return err;
}

/** The request body as JSON ({} when empty). */
function jsonBody(req: FastifyRequest): unknown {
	const raw = req.body;
	if (raw === undefined || raw === null) return {};
	const text = Buffer.isBuffer(raw) ? raw.toString("utf8") : String(raw);
	if (text.trim() === "") return {};
	try {
		return JSON.parse(text);
	} catch (err) {
		throw new ApiError("MST_ERR_BAD_REQUEST", `the body is not JSON: ${(err as Error).message}`);
	}
}

/**
 * Engine time of the next periodic allocation cycle after now. The master's
 * timer runs from simulated time 0, which is `engine.originMs` (the Unix time
 * the live clock started at; 0 in headless runs).
 */
export function nextCycleAt(sim: Simulation): number {
	const every = sim.master.flags.allocationIntervalMs;
	const origin = sim.engine.originMs;
	return origin + (Math.floor((sim.engine.now - origin) / every) + 1) * every;
}

export function clusterStatus(sim: Simulation, clock: ControlClock, wallMs: number) {
	const fleet = sim.fleet;
	let up = 0;
	let registered = 0;
	let partitioned = 0;
	for (let a = 0; a < fleet.size; a++) {
		if (fleet.isUp(a)) up++;
		if (fleet.isRegistered(a)) registered++;
		if (fleet.isPartitioned(a)) partitioned++;
	}
	return {
		/** Simulated time since the start (ms); `unixTimeMs` is the same moment as a date. */
		simTimeMs: sim.engine.now - sim.engine.originMs,
		unixTimeMs: sim.engine.now,
		wallTimeMs: Math.round(wallMs),
		speed: clock.speed,
		paused: clock.paused,
		lagMs: clock.lagMs,
		nextCycleMs: nextCycleAt(sim) - sim.engine.originMs,
		agents: { total: fleet.size, up, registered, partitioned },
		tasksRunning: fleet.liveTasks,
		frameworks: sim.frameworks.map((h) => {
			const id = h.id();
			const rec = id === null ? undefined : sim.master.framework(id);
			return {
				name: h.name,
				id,
				package: h.spec.type === "chameleon" ? String(h.spec.spec.package ?? "") || null : null,
				connected: rec?.connected ?? false,
				tasks: rec?.tasks.size ?? 0,
			};
		}),
	};
}

export async function controlPlugin(app: FastifyInstance, opts: ControlOptions): Promise<void> {
	const { sim, clock, operator } = opts;
	const send = (reply: FastifyReply, body: unknown) =>
		reply.header("Content-Type", "application/json").send(JSON.stringify(body));
	const guarded =
		(fn: (req: FastifyRequest) => unknown) => async (req: FastifyRequest, reply: FastifyReply) => {
			clock.catchUp();
			let out: unknown;
			try {
				out = fn(req);
			} catch (err) {
				throw toApiError(err);
			}
			return send(reply, out);
		};
	const status = () => clusterStatus(sim, clock, opts.wallMs());

	app.get(`${CONTROL_PREFIX}/status`, guarded(status));
	app.post(
		`${CONTROL_PREFIX}/clock/pause`,
		guarded(() => {
			clock.pause();
			return status();
		}),
	);
	app.post(
		`${CONTROL_PREFIX}/clock/resume`,
		guarded(() => {
			clock.resume();
			return status();
		}),
	);
	app.post(
		`${CONTROL_PREFIX}/clock/speed`,
		guarded((req) => {
			const body = jsonBody(req) as { speed?: unknown };
			const speed = body?.speed;
			if (typeof speed !== "number" || !(speed >= MIN_SPEED && speed <= MAX_SPEED))
				throw new ControlError(
					400,
					`speed: must be a number from ${MIN_SPEED} to ${MAX_SPEED} (got ${JSON.stringify(speed)})`,
				);
			clock.setSpeed(speed);
			return status();
		}),
	);
	// Step and cycle pause the clock: they are for looking at one cycle at a time.
	app.post(
		`${CONTROL_PREFIX}/clock/step`,
		guarded(() => {
			if (!clock.paused) clock.pause();
			clock.advanceTo(nextCycleAt(sim), false);
			return status();
		}),
	);
	app.post(
		`${CONTROL_PREFIX}/clock/cycle`,
		guarded(() => {
			if (!clock.paused) clock.pause();
			clock.advanceTo(nextCycleAt(sim), true);
			return status();
		}),
	);

	app.get(
		`${CONTROL_PREFIX}/agents`,
		guarded((req) => {
			const q = req.query as Record<string, string | undefined>;
			const limit = q.limit === undefined ? DEFAULT_AGENT_ROWS : Number(q.limit);
			if (!Number.isInteger(limit) || limit < 1)
				throw new ControlError(400, `limit: must be a whole number >= 1 (got ${JSON.stringify(q.limit)})`);
			const agents = selectAgents(
				sim,
				{
					...(q.group === undefined ? {} : { group: q.group }),
					...(q.attribute === undefined ? {} : { attribute: q.attribute }),
					...(q.hostname === undefined ? {} : { hostnames: [q.hostname] }),
					...(q.id === undefined ? {} : { ids: [q.id] }),
				},
				true,
			);
			const fleet = sim.fleet;
			return {
				total: agents.length,
				agents: agents.slice(0, limit).map((a) => ({
					index: a,
					id: fleet.agentId(a),
					hostname: fleet.hostname(a),
					group: fleet.group(a),
					up: fleet.isUp(a),
					registered: fleet.isRegistered(a),
					partitioned: fleet.isPartitioned(a),
					tasks: fleet.liveTaskCount(a),
				})),
			};
		}),
	);

	decisionRoutes(app, CONTROL_PREFIX, opts.decisions ?? new DecisionControl(sim), guarded, jsonBody);

	app.get(
		`${CONTROL_PREFIX}/packages`,
		guarded(() => ({
			catalog: PACKAGE_NAMES.map((name) => ({ name, description: CATALOG[name]!.description })),
			installed: status().frameworks,
		})),
	);

	const act = (ev: TimelineEvent) => {
		if (ev.atMs > 0) {
			// Later: checked now (so a bad action is refused now), applied then as a timeline entry.
			controlCheck(sim, ev);
			sim.engine.timeout(ev.atMs, () => applyAction(sim, ev, operator));
			return { action: ev.action, atMs: sim.engine.now - sim.engine.originMs + ev.atMs, scheduled: true };
		}
		return controlAction(sim, ev, operator);
	};

	app.post(
		`${CONTROL_PREFIX}/actions`,
		guarded((req) => act(validateAction(jsonBody(req)))),
	);
	for (const [route, action] of Object.entries(ACTION_ROUTES)) {
		app.post(
			`${CONTROL_PREFIX}/${route}`,
			guarded((req) => {
				const body = jsonBody(req);
				if (body === null || typeof body !== "object" || Array.isArray(body))
					throw new ControlError(400, "the body must be a JSON object");
				const given = (body as { action?: unknown }).action;
				if (given !== undefined && given !== action)
					throw new ControlError(400, `action: this route is ${action} (got ${JSON.stringify(given)})`);
				return act(validateAction({ ...withFrameworkName(action, body), action }));
			}),
		);
	}
}

/**
 * The package routes name the framework `framework` (as the timeline does) or
 * `name` (as `packages/install` does): uninstall and scale take either.
 */
function withFrameworkName(action: TimelineEvent["action"], body: object): object {
	if (action !== "uninstallPackage" && action !== "scalePackage") return body;
	const { name, ...rest } = body as { name?: unknown; framework?: unknown };
	if (name === undefined || rest.framework !== undefined) return body;
	return { ...rest, framework: name };
}

/**
 * Checks the names a later action gives against the state now, without
 * applying anything: a selector with a count or fraction is left alone (its
 * pick draws from the seeded faults stream, when the action runs).
 */
function controlCheck(sim: Simulation, ev: TimelineEvent): void {
	if (ev.framework !== undefined) frameworkNamed(sim, ev.framework);
	if (ev.agents !== undefined && ev.agents.count === undefined && ev.agents.fraction === undefined)
		selectAgents(sim, ev.agents, true);
}
