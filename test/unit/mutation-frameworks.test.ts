/**
 * The master's side of frameworks (master/framework-registry.ts) in the
 * cases other tests leave out: SUBSCRIBE and UPDATE_FRAMEWORK of the wrong
 * shape, each refusal named; resubscription after a disconnect and with
 * other roles; the failover timer of a framework that came back; what a
 * removed framework's record says; REVIVE/SUPPRESS with bad roles; offer
 * filters (min_allocatable_resources) of odd shapes.
 */
import { describe, expect, it } from "vitest";
import type { Call, EventSink, FrameworkInfo } from "../../master/index.js";
import { Harness, type TestFramework } from "../helpers/harness.js";

const MULTI: NonNullable<FrameworkInfo["capabilities"]> = [{ type: "MULTI_ROLE" }];

function setup(info: Partial<FrameworkInfo> = {}, count = 1) {
	const h = new Harness({ agents: [{ count, cpus: 4, mem: 4096 }] });
	const f = h.framework();
	expect(f.subscribe(info).ok).toBe(true);
	h.settle();
	return { h, f };
}

/** A stream that records what it is sent and whether it was closed. */
function stream() {
	const events: unknown[] = [];
	let closed = false;
	const sink: EventSink = {
		send: (e) => {
			events.push(e);
		},
		close: () => {
			closed = true;
		},
	};
	return { sink, events, closed: () => closed };
}

describe("SUBSCRIBE of the wrong shape", () => {
	const cases: [string, unknown, string][] = [
		["no subscribe", { type: "SUBSCRIBE" }, "Expecting 'subscribe' to be present"],
		[
			"another type",
			{ type: "REVIVE", subscribe: { framework_info: { user: "u", name: "n" } } },
			"Expecting 'subscribe' to be present",
		],
		[
			"framework_info null",
			{ type: "SUBSCRIBE", subscribe: { framework_info: null } },
			"Expecting 'subscribe' to be present",
		],
		[
			"framework_info a string",
			{ type: "SUBSCRIBE", subscribe: { framework_info: "x" } },
			"Expecting 'subscribe' to be present",
		],
		[
			"no user",
			{ type: "SUBSCRIBE", subscribe: { framework_info: { name: "n" } } },
			"'framework_info' needs string fields 'user' and 'name'",
		],
		[
			"name a number",
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: 1 } } },
			"'framework_info' needs string fields 'user' and 'name'",
		],
		[
			"framework_id not the info's id",
			{
				type: "SUBSCRIBE",
				framework_id: { value: "F1" },
				subscribe: { framework_info: { user: "u", name: "n", id: { value: "F2" } } },
			},
			"'framework_id' differs from 'subscribe.framework_info.id'",
		],
		[
			"framework_id without an id in the info",
			{
				type: "SUBSCRIBE",
				framework_id: { value: "F1" },
				subscribe: { framework_info: { user: "u", name: "n" } },
			},
			"'framework_id' differs from 'subscribe.framework_info.id'",
		],
	];
	it.each(cases)("%s: 400 naming it, counted as an invalid call, no framework added", (_n, call, message) => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const s = stream();
		const before = h.master.metrics.invalidCalls;
		expect(h.master.subscribe(call as Call, s.sink)).toEqual({ ok: false, status: 400, message });
		expect(h.master.metrics.invalidCalls - before).toBe(1);
		expect(h.master.frameworks).toHaveLength(0);
	});

	it("a framework_id field that is null or has no value is not compared", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const res = h.master.subscribe(
			{
				type: "SUBSCRIBE",
				framework_id: null,
				subscribe: { framework_info: { user: "u", name: "n" } },
			} as unknown as Call,
			stream().sink,
		);
		expect(res.ok).toBe(true);
	});

	it("an invalid FrameworkInfo: the stream opens, then ERROR and close; the id answered is the one sent (or none)", () => {
		const h = new Harness({ agents: [{ count: 1 }] });
		const s1 = stream();
		const r1 = h.master.subscribe(
			{ type: "SUBSCRIBE", subscribe: { framework_info: { user: "u", name: "n", roles: ["a"] } } },
			s1.sink,
		);
		const s2 = stream();
		const r2 = h.master.subscribe(
			{
				type: "SUBSCRIBE",
				subscribe: {
					framework_info: { user: "u", name: "n", id: { value: "mine" }, roles: ["a"], capabilities: MULTI },
					suppressed_roles: ["b"],
				},
			},
			s2.sink,
		);
		expect([r1.ok && r1.frameworkId, r2.ok && r2.frameworkId]).toEqual(["", "mine"]);
		h.settle();
		expect(s1.events).toEqual([
			{
				type: "ERROR",
				error: {
					message: "'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
				},
			},
		]);
		expect(s2.events).toEqual([
			{ type: "ERROR", error: { message: "suppressed role 'b' is not one of the framework's roles" } },
		]);
		expect([s1.closed(), s2.closed()]).toEqual([true, true]);
		expect(h.master.frameworks).toHaveLength(0);
	});
});

describe("resubscription", () => {
	it("after a disconnect: no ERROR to anyone, no RESCIND on the new stream, the failover timer forgotten", () => {
		const { h, f } = setup({ failover_timeout: 10 });
		expect(f.offers()).toHaveLength(1);
		f.disconnect();
		h.run(5_000);
		f.clearEvents();
		const res = f.subscribe({ failover_timeout: 10 });
		expect(res.ok).toBe(true);
		h.settle();
		expect(f.events.map((e) => e.type)).not.toContain("ERROR");
		// Past the old failover deadline: still registered, still connected.
		h.run(10_000);
		const rec = h.master.framework(f.id)!;
		expect([rec.removed, rec.connected]).toEqual([false, true]);
		expect(f.events.map((e) => e.type)).not.toContain("RESCIND");
	});

	it("a framework that came back and left again has its new failover timeout, not the old one", () => {
		const { h, f } = setup({ failover_timeout: 10 });
		const t0 = h.engine.now;
		f.disconnect();
		h.run(5_000);
		expect(f.subscribe({ failover_timeout: 10 }).ok).toBe(true);
		h.run(1_000);
		f.disconnect();
		// The first disconnect's deadline (t0 + 10 s) passes: still there.
		h.run(t0 + 12_000 - h.engine.now);
		expect(h.master.framework(f.id)?.removed).toBe(false);
		// The second's (t0 + 16 s) removes it.
		h.run(t0 + 17_000 - h.engine.now);
		expect(h.master.framework(f.id)).toBeUndefined();
	});

	it("while connected: the old stream gets ERROR and closes; its offers are withdrawn without RESCIND", () => {
		const { h, f } = setup();
		const [o] = f.offers();
		const again = h.framework();
		again.id = f.id;
		expect(again.subscribe({}).ok).toBe(true);
		h.settle();
		expect(f.events.map((e) => e.type)).not.toContain("RESCIND");
		expect(f.events.at(-1)).toEqual({ type: "ERROR", error: { message: "Framework failed over" } });
		expect(h.master.offer(o!.id.value)).toBeUndefined();
		// A call on the old stream is refused.
		expect(f.call({ type: "REVIVE" }).status).toBe(400);
		expect(again.call({ type: "REVIVE" }).status).toBe(202);
	});

	it("with other roles: offers come for the new role only, and the old role no longer counts it", () => {
		const { h, f } = setup({ roles: ["a"], capabilities: MULTI });
		const roleOf = (name: string) => h.master.allocator.roles[h.master.allocator.roleIndex(name)]!;
		expect(f.offers().map((o) => o.allocation_info?.role)).toEqual(["a"]);
		const changes: string[] = [];
		h.master.observer.frameworkChanged = (_fw, what) => changes.push(what);
		f.clearEvents();
		expect(f.subscribe({ roles: ["b"], capabilities: MULTI }).ok).toBe(true);
		h.run(1_000);
		expect(changes).toContain("updated");
		expect(f.offers().map((o) => o.allocation_info?.role)).toEqual(["b"]);
		expect([roleOf("a").fwSorter.has(f.id), roleOf("b").fwSorter.has(f.id)]).toEqual([false, true]);
		expect(h.violations()).toEqual([]);
	});
});

describe("what a framework's records say", () => {
	it("offers name the framework by its id", () => {
		const { f } = setup();
		expect(f.offers()[0]!.framework_id).toEqual({ value: f.id });
	});

	it("a torn-down framework: inactive, disconnected, no RESCIND before its stream closes", () => {
		const { h, f } = setup();
		expect(f.call({ type: "TEARDOWN" }).status).toBe(202);
		h.settle();
		expect(f.events.map((e) => e.type)).not.toContain("RESCIND");
		const done = h.master.completedFrameworks.items().find((x) => x.id === f.id)!;
		expect([done.removed, done.active, done.connected, done.sink]).toEqual([true, false, false, null]);
		expect(done.unregisteredAt).toBe(h.engine.now);
		expect(h.master.framework(f.id)).toBeUndefined();
	});

	it("a framework gone past its failover timeout is removed once, without a stream to close", () => {
		const { h, f } = setup({ failover_timeout: 1 });
		f.disconnect();
		h.run(2_000);
		expect(h.master.completedFrameworks.items().map((x) => x.id)).toEqual([f.id]);
		expect(h.master.teardown(f.id)).toBe(false);
		h.run(10_000);
		expect(h.master.completedFrameworks.items()).toHaveLength(1);
	});
});

describe("disconnection", () => {
	it("observers are told; a stream the master does not know is ignored", () => {
		const { h, f } = setup({ failover_timeout: 60 });
		const changes: string[] = [];
		h.master.observer.frameworkChanged = (_fw, what) => changes.push(what);
		h.master.disconnect("no-such-stream");
		expect(h.master.framework(f.id)!.connected).toBe(true);
		f.disconnect();
		expect(changes).toEqual(["updated"]);
		expect(h.master.framework(f.id)!.connected).toBe(false);
	});

	it("the FrameworkInfo kept after a resubscription or an update names the framework's id", () => {
		const { h, f } = setup({ failover_timeout: 60 });
		expect(f.subscribe({ name: "again", failover_timeout: 60 }).ok).toBe(true);
		expect(h.master.framework(f.id)!.info.id).toEqual({ value: f.id });
		f.call({
			type: "UPDATE_FRAMEWORK",
			update_framework: {
				framework_info: { user: "test", name: "renamed", id: { value: f.id }, failover_timeout: 60 },
			},
		});
		expect(h.master.framework(f.id)!.info).toMatchObject({ name: "renamed", id: { value: f.id } });
	});
});

describe("answers that leave no filter", () => {
	it("an ACCEPT that uses the whole offer, with refuse_seconds: recorded with no filter", () => {
		const { h, f } = setup();
		const answers: unknown[] = [];
		h.master.recordDecisions({ write: (r) => r.kind === "answer" && answers.push(r) });
		const [o] = f.offers();
		const all = o!.resources; // ports too: nothing is left over
		const t = {
			name: "all",
			task_id: { value: "all" },
			agent_id: o!.agent_id,
			resources: all,
			command: { value: "true" },
		};
		expect(f.launch([o!], [t], 30).status).toBe(202);
		expect(answers).toEqual([
			expect.objectContaining({ call: "ACCEPT", task_ids: ["all"], filter_until: null }),
		]);
	});
});

describe("REVIVE and SUPPRESS with roles", () => {
	it("roles not a list, or a role not the framework's: 400 naming it", () => {
		const { f } = setup({ roles: ["a", "b"], capabilities: MULTI });
		for (const type of ["REVIVE", "SUPPRESS"] as const) {
			const key = type === "REVIVE" ? "revive" : "suppress";
			expect(f.call({ type, [key]: { roles: "a" } } as unknown as Call)).toEqual({
				ok: false,
				status: 400,
				message: "'roles' must be a list",
			});
			expect(f.call({ type, [key]: { roles: ["a", "c"] } } as unknown as Call)).toEqual({
				ok: false,
				status: 400,
				message: "Role 'c' is not one of the framework's roles",
			});
		}
	});
});

describe("UPDATE_FRAMEWORK of the wrong shape", () => {
	const base = (f: TestFramework): FrameworkInfo => ({ user: "test", name: "test", id: { value: f.id } });
	const cases: [string, (f: TestFramework) => unknown, string][] = [
		["no update_framework", () => undefined, "Expecting 'update_framework.framework_info' to be present"],
		[
			"framework_info null",
			() => ({ framework_info: null }),
			"Expecting 'update_framework.framework_info' to be present",
		],
		[
			"framework_info a number",
			() => ({ framework_info: 3 }),
			"Expecting 'update_framework.framework_info' to be present",
		],
		[
			"no id",
			() => ({ framework_info: { user: "test", name: "test" } }),
			"'framework_info.id' must be the framework's id",
		],
		[
			"another id",
			() => ({ framework_info: { user: "test", name: "test", id: { value: "F-other" } } }),
			"'framework_info.id' must be the framework's id",
		],
		[
			"no name",
			(f) => ({ framework_info: { user: "test", id: { value: f.id } } }),
			"'framework_info' needs string fields 'user' and 'name'",
		],
		[
			"user a number",
			(f) => ({ framework_info: { user: 1, name: "n", id: { value: f.id } } }),
			"'framework_info' needs string fields 'user' and 'name'",
		],
		[
			"another user",
			(f) => ({ framework_info: { ...base(f), user: "root" } }),
			"'framework_info.user' cannot be changed",
		],
		[
			"a principal",
			(f) => ({ framework_info: { ...base(f), principal: "p" } }),
			"'framework_info.principal' cannot be changed",
		],
		[
			"checkpointing now",
			(f) => ({ framework_info: { ...base(f), checkpoint: true } }),
			"'framework_info.checkpoint' cannot be changed",
		],
		[
			"roles without MULTI_ROLE",
			(f) => ({ framework_info: { ...base(f), roles: ["a"] } }),
			"'FrameworkInfo.roles' must not be set when the framework is not MULTI_ROLE capable",
		],
		[
			"a suppressed role it does not have",
			(f) => ({ framework_info: base(f), suppressed_roles: ["x"] }),
			"suppressed role 'x' is not one of the framework's roles",
		],
	];
	it.each(cases)("%s: 400 naming it; the framework unchanged", (_n, update, message) => {
		const { h, f } = setup();
		const body = update(f);
		const call = (
			body === undefined ? { type: "UPDATE_FRAMEWORK" } : { type: "UPDATE_FRAMEWORK", update_framework: body }
		) as Call;
		expect(f.call(call)).toEqual({ ok: false, status: 400, message });
		expect(h.master.framework(f.id)!.info.name).toBe("test");
	});

	it("a valid one without suppressed_roles: every role unsuppressed", () => {
		const { h, f } = setup({ roles: ["a", "b"], capabilities: MULTI });
		f.call({ type: "SUPPRESS" });
		const info: FrameworkInfo = {
			user: "test",
			name: "test",
			id: { value: f.id },
			roles: ["a", "b"],
			capabilities: MULTI,
		};
		expect(f.call({ type: "UPDATE_FRAMEWORK", update_framework: { framework_info: info } }).status).toBe(200);
		expect(h.master.framework(f.id)!.suppressed.size).toBe(0);
	});

	it("a valid one: 200, observers told it was updated, suppressed roles as given", () => {
		const { h, f } = setup({ roles: ["a", "b"], capabilities: MULTI });
		const changes: string[] = [];
		h.master.observer.frameworkChanged = (_fw, what) => changes.push(what);
		const info: FrameworkInfo = {
			user: "test",
			name: "renamed",
			id: { value: f.id },
			roles: ["a", "b"],
			capabilities: MULTI,
		};
		expect(
			f.call({
				type: "UPDATE_FRAMEWORK",
				update_framework: { framework_info: info, suppressed_roles: ["b"] },
			}),
		).toEqual({
			ok: true,
			status: 200,
		});
		const rec = h.master.framework(f.id)!;
		expect([rec.info.name, [...rec.suppressed]]).toEqual(["renamed", ["b"]]);
		expect(changes).toEqual(["updated"]);
	});
});

describe("offer filters (min_allocatable_resources) of odd shapes", () => {
	it("null, not an object, a role without filters or without a list: no minimum for that role", () => {
		for (const offer_filters of [
			null,
			"x",
			{},
			{ a: null },
			{ a: { min_allocatable_resources: null } },
			{ a: { min_allocatable_resources: { quantities: {} } } },
		]) {
			const { f } = setup({
				roles: ["a"],
				capabilities: MULTI,
				offer_filters,
			} as unknown as Partial<FrameworkInfo>);
			// Offers come as without filters.
			expect(f.offers(), JSON.stringify(offer_filters)).toHaveLength(1);
		}
	});

	it("one with quantities: an agent with less than the minimum is not offered", () => {
		const { f, h } = setup({
			roles: ["a"],
			capabilities: MULTI,
			offer_filters: {
				a: { min_allocatable_resources: { quantities: [{ quantities: { cpus: { value: 8 } } }] } },
			},
		});
		expect(f.offers()).toHaveLength(0);
		expect(h.master.framework(f.id)!.minAllocatable.get(h.master.allocator.roleIndex("a"))).toEqual([
			{ cpus: 8 },
		]);
	});
});
