/**
 * Fuzz: thousands of mutated calls against the scheduler, operator and v0
 * APIs — malformed JSON, wrong types, unknown enums, missing fields, huge or
 * deeply nested bodies, wrong content types and methods, wrong or missing
 * stream ids, other frameworks' offers and tasks. Every answer must be a 4xx
 * or the documented 501/503 (never another 5xx); a refused call must leave
 * the master as it was; the invariants must hold throughout; and the server
 * must still work at the end.
 *
 * Each run draws a fresh seed and prints it ("fuzz seed N"); FUZZ_SEED=N
 * replays that run (FUZZ_RUNS sets the number of calls, 2 500 by default).
 */
import { randomInt } from "node:crypto";
import { fc, test } from "@fast-check/vitest";
import { afterAll, beforeAll, expect } from "vitest";
import { SCHEDULER_CALL_TYPES } from "../../master/http/schemas.js";
import {
	cluster,
	dropConnection,
	FrameReader,
	flush,
	offersOf,
	type Subscription,
	subscribe,
	type TestCluster,
	taskFor,
} from "./helpers.js";

const FUZZ_SEED = process.env.FUZZ_SEED === undefined ? randomInt(2 ** 31) : Number(process.env.FUZZ_SEED);
const FUZZ_RUNS = Number(process.env.FUZZ_RUNS ?? 2500);
console.log(`fuzz seed ${FUZZ_SEED} (replay: FUZZ_SEED=${FUZZ_SEED} npx vitest run test/api/fuzz.test.ts)`);

let c: TestCluster;
const fws: Record<"A" | "B", Subscription | null> = { A: null, B: null };
/** A framework that is disconnected and waiting for failover (its calls get 403). */
let ghostId = "";
let ghostStream = "";

const SCHEDULER_TYPES = SCHEDULER_CALL_TYPES;
const OPERATOR_TYPES = [
	"GET_HEALTH",
	"GET_FLAGS",
	"GET_VERSION",
	"GET_METRICS",
	"GET_STATE",
	"GET_AGENTS",
	"GET_FRAMEWORKS",
	"GET_TASKS",
	"GET_ROLES",
	"GET_MASTER",
	"GET_WEIGHTS",
	"GET_QUOTA",
	"UPDATE_WEIGHTS",
	"UPDATE_QUOTA",
	"DEACTIVATE_AGENT",
	"REACTIVATE_AGENT",
	"DRAIN_AGENT",
	"MARK_AGENT_GONE",
	"TEARDOWN",
	"RESERVE_RESOURCES",
	"UNKNOWN",
];

async function ensureFrameworks(): Promise<void> {
	for (const who of ["A", "B"] as const) {
		const s = fws[who];
		const fw = s === null ? undefined : c.sim.master.framework(s.frameworkId);
		if (s && fw?.connected && fw.streamId === s.streamId) continue;
		if (s !== null) dropConnection(s.res);
		fws[who] = await subscribe(c.app, { name: `fuzz-${who}`, failover_timeout: 5 });
	}
	await settle();
}

/** Lets connection closes (and the disconnects they cause) land before the next call. */
async function settle(): Promise<void> {
	for (let i = 0; i < 3; i++) await flush();
}

beforeAll(async () => {
	c = await cluster({ agents: 5, scenario: { roles: [{ name: "r1", weight: 1 }] } });
	await ensureFrameworks();
	const ghost = await subscribe(c.app, { name: "fuzz-ghost", failover_timeout: 1e9 });
	ghostId = ghost.frameworkId;
	ghostStream = ghost.streamId;
	ghost.drop();
	await c.advance(1000);
	// A runs a task so that KILL / ACKNOWLEDGE / RECONCILE have something real to hit.
	const offer = offersOf(await fws.A!.reader.nextOf("OFFERS"))[0]!;
	await c.app.inject({
		method: "POST",
		url: "/api/v1/scheduler",
		headers: { "content-type": "application/json", "mesos-stream-id": fws.A!.streamId },
		payload: JSON.stringify({
			type: "ACCEPT",
			framework_id: { value: fws.A!.frameworkId },
			accept: {
				offer_ids: [offer.id],
				operations: [{ type: "LAUNCH", launch: { task_infos: [taskFor(offer, "fz-1", "sleep infinity")] } }],
			},
		}),
	});
	await c.advance(2000);
});

afterAll(async () => {
	// Still answers, still takes a subscription, and the cluster is consistent.
	const health = await c.app.inject({ method: "GET", url: "/master/health" });
	expect(health.statusCode).toBe(200);
	const fresh = await subscribe(c.app, { name: "after-fuzz" });
	// Its stream is live: within one heartbeat interval it gets a HEARTBEAT at least.
	await c.advance(c.sim.master.flags.heartbeatIntervalMs);
	expect((await fresh.reader.drain()).some((f) => f.type === "OFFERS" || f.type === "HEARTBEAT")).toBe(true);
	expect(c.checker.checkAll()).toBe(0);
	expect(c.checker.violations).toEqual([]);
	expect(c.sim.master.violations).toEqual([]);
	await c.close();
});

// ---- what a request is made of ------------------------------------------------

const jsonish = fc.oneof(
	fc.constantFrom(
		null,
		"",
		-1,
		0,
		1.5,
		1e308,
		-1e308,
		true,
		false,
		[],
		{},
		"TASK_RUNNING",
		"*",
		"BOGUS_ENUM",
	),
	fc.jsonValue({ maxDepth: 2 }),
	fc.string({ maxLength: 20 }),
);

const mutation = fc.oneof(
	{ weight: 4, arbitrary: fc.constant({ kind: "none" as const }) },
	{ weight: 3, arbitrary: fc.record({ kind: fc.constant("drop" as const), at: fc.nat() }) },
	{ weight: 4, arbitrary: fc.record({ kind: fc.constant("set" as const), at: fc.nat(), value: jsonish }) },
	{
		weight: 2,
		arbitrary: fc.record({
			kind: fc.constant("retype" as const),
			type: fc.oneof(fc.constantFrom(...SCHEDULER_TYPES, ...OPERATOR_TYPES), fc.string({ maxLength: 12 })),
		}),
	},
	{ weight: 2, arbitrary: fc.record({ kind: fc.constant("truncate" as const), at: fc.nat() }) },
	{
		weight: 1,
		arbitrary: fc.record({ kind: fc.constant("garbage" as const), text: fc.string({ maxLength: 200 }) }),
	},
	{ weight: 1, arbitrary: fc.constantFrom({ kind: "huge" as const }, { kind: "deep" as const }) },
);

const request = fc.record({
	api: fc.constantFrom("scheduler", "scheduler", "scheduler", "operator", "v0"),
	type: fc.constantFrom(...SCHEDULER_TYPES),
	opType: fc.constantFrom(...OPERATOR_TYPES),
	who: fc.constantFrom("A", "B"),
	// whose offers / tasks / ids the body names
	target: fc.constantFrom("A", "A", "B", "none", "ghost"),
	streamId: fc.constantFrom("own", "own", "own", "other", "none", "garbage", "ghost"),
	contentType: fc.constantFrom(
		"application/json",
		"application/json",
		"application/json",
		"application/json; charset=utf-8",
		"text/plain",
		"application/x-protobuf",
		"",
	),
	method: fc.constantFrom("POST", "POST", "POST", "POST", "GET", "PUT"),
	accept: fc.constantFrom(undefined, "application/json", "application/x-protobuf", "*/*", "text/html"),
	cpus: fc.oneof(fc.double({ min: -2, max: 20, noNaN: true }), fc.constant(1)),
	refuse: fc.oneof(fc.double({ noNaN: true }), fc.constant(5)),
	mutation,
	advanceMs: fc.constantFrom(0, 0, 0, 50, 500),
	v0: fc.constantFrom(
		"/master/state",
		"/master/state.json?jsonp=cb",
		"/master/state-summary",
		"/master/tasks?limit=abc",
		"/master/tasks?order=asc&limit=3",
		"/master/roles",
		"/metrics/snapshot?jsonp=%3Cscript%3E",
		"/version",
		"/master/nothing",
	),
});

type Req = typeof request extends fc.Arbitrary<infer T> ? T : never;

function offerIdsOf(who: string): { value: string }[] {
	if (who !== "A" && who !== "B") return [{ value: "no-such-offer" }];
	const s = fws[who];
	const fw = s === null ? undefined : c.sim.master.framework(s.frameworkId);
	const ids = fw === undefined ? [] : [...fw.offers].map((o) => ({ value: o.id }));
	return ids.length > 0 ? ids.slice(0, 2) : [{ value: "no-offer-left" }];
}

function taskIdOf(who: string): { value: string } {
	const s = who === "A" || who === "B" ? fws[who] : null;
	const fw = s === null ? undefined : c.sim.master.framework(s.frameworkId);
	const t = fw === undefined ? undefined : [...fw.tasks.values()][0];
	return { value: t?.id ?? "no-such-task" };
}

function agentId(): { value: string } {
	return { value: c.sim.master.cluster.ids[0]! };
}

function schedulerBody(r: Req): Record<string, unknown> {
	const fwId = {
		value:
			r.target === "none"
				? "no-such-framework"
				: r.target === "ghost"
					? ghostId
					: fws[r.target as "A" | "B"]!.frameworkId,
	};
	const base: Record<string, unknown> = { type: r.type, framework_id: fwId };
	const agent = agentId();
	const offerIds = offerIdsOf(r.target);
	switch (r.type) {
		case "SUBSCRIBE":
			return {
				type: "SUBSCRIBE",
				subscribe: {
					framework_info: {
						user: "fuzz",
						name: "fuzz-new",
						roles: ["r1"],
						capabilities: [{ type: "MULTI_ROLE" }],
					},
				},
			};
		case "ACCEPT": {
			const task = {
				name: "fz",
				task_id: { value: `fz-${Math.floor(r.cpus * 1000)}` },
				agent_id: agent,
				resources: [{ name: "cpus", type: "SCALAR", scalar: { value: r.cpus } }],
				command: { value: "sleep 5", uris: null },
			};
			return {
				...base,
				accept: {
					offer_ids: offerIds,
					operations: [
						{ type: "LAUNCH", launch: { task_infos: [task] } },
						{ type: "RESERVE", reserve: {} },
					],
					filters: { refuse_seconds: r.refuse },
				},
			};
		}
		case "DECLINE":
			return { ...base, decline: { offer_ids: offerIds, filters: { refuse_seconds: r.refuse } } };
		case "ACCEPT_INVERSE_OFFERS":
		case "DECLINE_INVERSE_OFFERS":
			return { ...base, [r.type.toLowerCase()]: { inverse_offer_ids: [{ value: "io" }] } };
		case "REVIVE":
		case "SUPPRESS":
			return { ...base, [r.type.toLowerCase()]: { roles: ["*", "r1"] } };
		case "KILL":
			return { ...base, kill: { task_id: taskIdOf(r.target), agent_id: agent } };
		case "SHUTDOWN":
			return { ...base, shutdown: { executor_id: { value: "e" }, agent_id: agent } };
		case "ACKNOWLEDGE":
			return {
				...base,
				acknowledge: { agent_id: agent, task_id: taskIdOf(r.target), uuid: "AAAAAAAAAAAAAAAAAAAAAA==" },
			};
		case "ACKNOWLEDGE_OPERATION_STATUS":
			return { ...base, acknowledge_operation_status: { uuid: "x", operation_id: { value: "o" } } };
		case "RECONCILE":
			return { ...base, reconcile: { tasks: [{ task_id: taskIdOf(r.target), agent_id: agent }] } };
		case "RECONCILE_OPERATIONS":
			return { ...base, reconcile_operations: { operations: null } };
		case "MESSAGE":
			return { ...base, message: { agent_id: agent, executor_id: { value: "e" }, data: "aGk=" } };
		case "REQUEST":
			return { ...base, request: { requests: [{ agent_id: agent }] } };
		case "UPDATE_FRAMEWORK":
			return {
				...base,
				update_framework: {
					framework_info: { user: "tester", name: `fuzz-${r.who}`, id: fwId, failover_timeout: 5 },
				},
			};
		default:
			return base;
	}
}

function operatorBody(r: Req): Record<string, unknown> {
	const agent = r.target === "none" ? { value: "no-agent" } : agentId();
	switch (r.opType) {
		case "UPDATE_WEIGHTS":
			return { type: r.opType, update_weights: { weight_infos: [{ role: "r1", weight: r.cpus }] } };
		case "UPDATE_QUOTA":
			return {
				type: r.opType,
				update_quota: { quota_configs: [{ role: "r1", limits: { cpus: { value: r.cpus * 10 } } }] },
			};
		case "DEACTIVATE_AGENT":
		case "REACTIVATE_AGENT":
			return { type: r.opType, [r.opType.toLowerCase()]: { agent_id: agent } };
		case "DRAIN_AGENT":
		case "MARK_AGENT_GONE":
			// Only unknown agents: taking agents away would starve the rest of the run.
			return { type: r.opType, [r.opType.toLowerCase()]: { agent_id: { value: "no-agent" } } };
		case "TEARDOWN":
			return { type: r.opType, teardown: { framework_id: { value: "ghost" } } };
		default:
			return { type: r.opType };
	}
}

/** Every path (JSON pointer segments) in a value, for drop/set mutations. */
function paths(v: unknown, prefix: string[] = [], out: string[][] = []): string[][] {
	if (v !== null && typeof v === "object") {
		for (const [k, x] of Object.entries(v)) {
			const p = [...prefix, k];
			out.push(p);
			paths(x, p, out);
		}
	}
	return out;
}

function mutate(body: Record<string, unknown>, m: Req["mutation"]): string {
	const json = JSON.stringify(body);
	switch (m.kind) {
		case "none":
			return json;
		case "truncate":
			return json.slice(0, m.at % json.length);
		case "garbage":
			return m.text;
		case "huge":
			return JSON.stringify({ ...body, pad: "x".repeat(1_100_000) });
		case "deep":
			return `${"[".repeat(50_000)}${"]".repeat(50_000)}`;
		case "retype":
			return JSON.stringify({ ...body, type: m.type });
	}
	const copy = JSON.parse(json) as Record<string, unknown>;
	const all = paths(copy);
	if (all.length === 0) return json;
	const path = all[m.at % all.length]!;
	let parent: Record<string, unknown> = copy;
	for (const k of path.slice(0, -1)) parent = parent[k] as Record<string, unknown>;
	const last = path[path.length - 1]!;
	if (m.kind === "drop") {
		if (Array.isArray(parent)) parent.splice(Number(last), 1);
		else delete parent[last];
	} else parent[last] = m.value;
	return JSON.stringify(copy);
}

function fingerprint(): string {
	const m = c.sim.master;
	let tasks = 0;
	for (const fw of m.frameworks) tasks += fw.tasks.size;
	return [m.eventLogHash, m.outstandingOffers, c.sim.engine.pending, tasks, m.frameworks.length].join("/");
}

let calls = 0;
const statuses = new Map<number, number>();

test.prop([request], {
	numRuns: FUZZ_RUNS,
	seed: FUZZ_SEED,
})("mutated calls never break the server", async (r) => {
	await ensureFrameworks();
	if (r.advanceMs > 0) await c.advance(r.advanceMs);
	const self = fws[r.who as "A" | "B"]!;
	let url = "/api/v1/scheduler";
	let body: string | undefined;
	if (r.api === "v0") url = r.v0;
	else if (r.api === "operator") {
		url = "/api/v1";
		body = mutate(operatorBody(r), r.mutation);
	} else body = mutate(schedulerBody(r), r.mutation);
	const headers: Record<string, string> = {};
	if (r.contentType !== "") headers["content-type"] = r.contentType;
	if (r.accept !== undefined) headers.accept = r.accept;
	const other = fws[r.who === "A" ? "B" : "A"]!;
	if (r.streamId === "own") headers["mesos-stream-id"] = self.streamId;
	else if (r.streamId === "other") headers["mesos-stream-id"] = other.streamId;
	else if (r.streamId === "garbage") headers["mesos-stream-id"] = "\u00e9\u00e9";
	else if (r.streamId === "ghost") headers["mesos-stream-id"] = ghostStream;
	// Events already due now run first, so that whatever runs when the engine
	// is stepped below comes from this call.
	c.sim.engine.runUntil(c.sim.engine.now);
	const before = fingerprint();
	const method = r.api === "v0" ? "GET" : r.method;
	const pending = c.app.inject({
		method: method as "POST",
		url,
		headers,
		...(method === "GET" || body === undefined ? {} : { payload: body }),
		payloadAsStream: true,
	});
	let done = false;
	void pending.then(
		() => {
			done = true;
		},
		() => {
			done = true;
		},
	);
	// A SUBSCRIBE that fails in-band answers with its ERROR at the next engine step.
	for (let i = 0; !done; i++) {
		await flush();
		if (!done && i > 2) {
			c.sim.engine.runUntil(c.sim.engine.now);
		}
	}
	const res = await pending;
	calls++;
	statuses.set(res.statusCode, (statuses.get(res.statusCode) ?? 0) + 1);
	expect(
		res.statusCode < 500 || res.statusCode === 501 || res.statusCode === 503,
		`${res.statusCode} for ${body?.slice(0, 300)}`,
	).toBe(true);
	const isStream =
		res.statusCode === 200 && url.startsWith("/api/v1") && res.headers["transfer-encoding"] === "chunked";
	if (isStream) {
		// A subscription: read a frame, then hang up.
		const reader = new FrameReader(res.stream());
		await flush();
		dropConnection(res);
		await settle();
		expect(reader.error).toBeNull();
	} else {
		let text = "";
		for await (const chunk of res.stream()) text += String(chunk);
		if (res.statusCode >= 400) {
			expect(res.headers["content-type"]).toBe("text/plain; charset=utf-8");
			expect(text.length).toBeGreaterThan(0);
			expect(fingerprint(), `state changed by a refused call: ${text}`).toBe(before);
		}
	}
	expect(c.checker.check()).toBe(0);
});

test("the fuzz run exercised every class of answer", () => {
	expect(calls).toBeGreaterThanOrEqual(FUZZ_RUNS);
	for (const s of [200, 202, 400, 403, 404, 405, 406, 413, 415, 501]) {
		expect(statuses.get(s) ?? 0, `status ${s} in ${JSON.stringify([...statuses])}`).toBeGreaterThan(0);
	}
});
