import { readdirSync, readFileSync, statSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { Engine, Rng } from "../../engine/index.js";
import {
	acceptCall,
	declineCall,
	type FrameworkContext,
	InProcessTransport,
	launchOperation,
	offerQuantities,
	pickPorts,
	reconcileCall,
	type Scheduler,
	SchedulerDriver,
	taskInfo,
} from "../../frameworks/index.js";
import type {
	Call,
	CallResult,
	Event,
	EventSink,
	FrameworkInfo,
	MasterSchedulerApi,
	Offer,
	SubscribeResult,
	TaskStatus,
} from "../../master/protocol/index.js";

/** A fake master: records what reaches it (with the engine time), lets the test push events. */
class FakeMaster implements MasterSchedulerApi {
	readonly subscribes: { call: Call; at: number }[] = [];
	readonly calls: { call: Call; streamId: string; at: number }[] = [];
	readonly disconnects: { streamId: string; at: number }[] = [];
	sink: EventSink | null = null;
	streamId = "";
	/** Next call() answers (then ok 202). */
	callReplies: CallResult[] = [];
	/** Next subscribe() answers (then ok + SUBSCRIBED). */
	subscribeReplies: SubscribeResult[] = [];
	#streams = 0;
	readonly #engine: Engine;

	constructor(engine: Engine) {
		this.#engine = engine;
	}

	subscribe(call: Call, sink: EventSink): SubscribeResult {
		this.subscribes.push({ call, at: this.#engine.now });
		const r = this.subscribeReplies.shift();
		if (r !== undefined) return r;
		const frameworkId = call.framework_id?.value ?? "fw-0000";
		this.streamId = `stream-${this.#streams++}`;
		this.sink = sink;
		sink.send({
			type: "SUBSCRIBED",
			subscribed: { framework_id: { value: frameworkId }, heartbeat_interval_seconds: 15 },
		});
		return { ok: true, frameworkId, streamId: this.streamId };
	}

	call(call: Call, streamId: string): CallResult {
		this.calls.push({ call, streamId, at: this.#engine.now });
		return this.callReplies.shift() ?? { ok: true, status: 202 };
	}

	disconnect(streamId: string): void {
		this.disconnects.push({ streamId, at: this.#engine.now });
	}

	push(event: Event): void {
		this.sink!.send(event);
	}

	callsOf(type: Call["type"]): Call[] {
		return this.calls.filter((c) => c.call.type === type).map((c) => c.call);
	}
}

/** A scheduler that records events (with times) and runs an optional reaction. */
class Recorder implements Scheduler {
	readonly events: { event: Event; at: number }[] = [];
	readonly log: string[] = [];
	react: ((event: Event, ctx: FrameworkContext) => void) | null = null;

	onStart(ctx: FrameworkContext): void {
		this.log.push(`start@${ctx.now()}`);
	}

	onEvent(event: Event, ctx: FrameworkContext): void {
		this.events.push({ event, at: ctx.now() });
		this.react?.(event, ctx);
	}

	onDisconnected(ctx: FrameworkContext): void {
		this.log.push(`disconnected@${ctx.now()}`);
	}

	onCallError(call: Call, result: { status: number }): void {
		this.log.push(`error:${call.type}:${result.status}`);
	}

	types(): string[] {
		return this.events.map((e) => e.event.type);
	}
}

const INFO: FrameworkInfo = {
	user: "root",
	name: "rec",
	roles: ["*"],
	capabilities: [{ type: "MULTI_ROLE" }],
};

function setup(opts: { latencyMs?: number; autoAcknowledge?: boolean } = {}) {
	const engine = new Engine();
	const master = new FakeMaster(engine);
	const transport = new InProcessTransport(
		opts.latencyMs === undefined ? { engine, master } : { engine, master, latencyMs: opts.latencyMs },
	);
	const scheduler = new Recorder();
	const driver = new SchedulerDriver({
		engine,
		transport,
		scheduler,
		frameworkInfo: INFO,
		rng: new Rng("test"),
		...(opts.autoAcknowledge === undefined ? {} : { autoAcknowledge: opts.autoAcknowledge }),
	});
	const run = (until = engine.now) => engine.runUntil(until);
	return { engine, master, transport, scheduler, driver, run };
}

function offer(id: string, agent = "a1"): Offer {
	return {
		id: { value: id },
		framework_id: { value: "fw-0000" },
		agent_id: { value: agent },
		hostname: `${agent}.local`,
		resources: [
			{ name: "cpus", type: "SCALAR", scalar: { value: 4 }, allocation_info: { role: "*" } },
			{ name: "mem", type: "SCALAR", scalar: { value: 4096 }, allocation_info: { role: "*" } },
			{
				name: "ports",
				type: "RANGES",
				ranges: {
					range: [
						{ begin: 31000, end: 31001 },
						{ begin: 31005, end: 31010 },
					],
				},
				allocation_info: { role: "*" },
			},
		],
		allocation_info: { role: "*" },
	};
}

function update(taskId: string, state: TaskStatus["state"], uuid?: string): Event {
	const status: TaskStatus = { task_id: { value: taskId }, state, agent_id: { value: "a1" } };
	if (uuid !== undefined) status.uuid = uuid;
	return { type: "UPDATE", update: { status } };
}

describe("InProcessTransport + SchedulerDriver", () => {
	it("builds SUBSCRIBE from the FrameworkInfo and delivers nothing synchronously (latency 0)", () => {
		const { engine, master, scheduler, driver } = setup();
		driver.start();
		expect(scheduler.log).toEqual(["start@0"]);
		expect(master.subscribes).toHaveLength(0);
		expect(driver.state).toBe("subscribing");
		engine.step();
		expect(master.subscribes).toHaveLength(1);
		const sub = master.subscribes[0]!.call;
		expect(sub.type).toBe("SUBSCRIBE");
		expect(sub.framework_id).toBeUndefined();
		expect(sub.subscribe?.framework_info).toEqual(INFO);
		expect(scheduler.events).toHaveLength(0);
		expect(driver.frameworkId).toBeNull();
		engine.step();
		expect(scheduler.types()).toEqual(["SUBSCRIBED"]);
		expect(driver.frameworkId).toBe("fw-0000");
		expect(driver.state).toBe("subscribed");
		expect(driver.stats().subscribedAt).toBe(0);

		// A call made now reaches the master only after a step.
		driver.context.revive();
		expect(master.calls).toHaveLength(0);
		engine.step();
		expect(master.calls[0]!.call).toEqual({ type: "REVIVE", framework_id: { value: "fw-0000" } });
		expect(master.calls[0]!.streamId).toBe("stream-0");
	});

	it("delays both directions by latencyMs", () => {
		const { engine, master, scheduler, driver, run } = setup({ latencyMs: 7 });
		driver.start();
		run(6);
		expect(master.subscribes).toHaveLength(0);
		run(7);
		expect(master.subscribes[0]!.at).toBe(7);
		run(13);
		expect(scheduler.events).toHaveLength(0);
		run(14);
		expect(scheduler.events[0]!.at).toBe(14);
		engine.runUntil(100);
		driver.context.decline(["o1"], 3);
		master.push({ type: "HEARTBEAT" });
		run(200);
		expect(master.calls[0]!.at).toBe(107);
		expect(master.calls[0]!.call).toEqual(declineCall("fw-0000", ["o1"], 3));
		expect(scheduler.events[1]!.at).toBe(107);
		expect(driver.stats().subscribedAt).toBe(14);
	});

	it("delivers events in the order the master sent them", () => {
		const { master, scheduler, driver, run } = setup({ latencyMs: 3 });
		driver.start();
		run(10);
		master.push({ type: "OFFERS", offers: { offers: [offer("o1")] } });
		master.push({ type: "RESCIND", rescind: { offer_id: { value: "o1" } } });
		master.push(update("t1", "TASK_RUNNING"));
		master.push({ type: "HEARTBEAT" });
		master.push({ type: "OFFERS", offers: { offers: [offer("o2")] } });
		run(20);
		expect(scheduler.types()).toEqual(["SUBSCRIBED", "OFFERS", "RESCIND", "UPDATE", "HEARTBEAT", "OFFERS"]);
		expect(scheduler.events.slice(1).every((e) => e.at === 13)).toBe(true);
	});

	it("acknowledges automatically only updates that carry a uuid", () => {
		const { master, driver, run } = setup();
		driver.start();
		run();
		master.push(update("t1", "TASK_RUNNING", "dXVpZC0x"));
		master.push(update("t2", "TASK_LOST")); // made by the master: never ACKed
		master.push(update("t3", "TASK_FINISHED", "dXVpZC0z"));
		run();
		expect(master.callsOf("ACKNOWLEDGE")).toEqual([
			{
				type: "ACKNOWLEDGE",
				framework_id: { value: "fw-0000" },
				acknowledge: { agent_id: { value: "a1" }, task_id: { value: "t1" }, uuid: "dXVpZC0x" },
			},
			{
				type: "ACKNOWLEDGE",
				framework_id: { value: "fw-0000" },
				acknowledge: { agent_id: { value: "a1" }, task_id: { value: "t3" }, uuid: "dXVpZC0z" },
			},
		]);
		const s = driver.stats();
		expect(s.acknowledgements).toBe(2);
		expect(s.updates.TASK_RUNNING).toBe(1);
		expect(s.updates.TASK_LOST).toBe(1);
		expect(s.updates.TASK_FINISHED).toBe(1);
	});

	it("with autoAcknowledge false, only the framework's own acknowledge() ACKs", () => {
		const { master, scheduler, driver, run } = setup({ autoAcknowledge: false });
		scheduler.react = (e, ctx) => {
			if (e.type === "UPDATE" && e.update.status.task_id.value !== "t2") ctx.acknowledge(e.update.status);
		};
		driver.start();
		run();
		master.push(update("t1", "TASK_RUNNING", "u1"));
		master.push(update("t2", "TASK_RUNNING", "u2"));
		master.push(update("t3", "TASK_LOST"));
		run();
		expect(master.callsOf("ACKNOWLEDGE").map((c) => c.acknowledge?.uuid)).toEqual(["u1"]);
	});

	it("counts offers one by one: received, accepted, declined, rescinded, firstOfferAt", () => {
		const { engine, master, scheduler, driver, run } = setup({ latencyMs: 2 });
		scheduler.react = (e, ctx) => {
			if (e.type !== "OFFERS") return;
			const [a, b, c, d] = e.offers.offers;
			const task = taskInfo({
				id: "t1",
				name: "t1",
				agentId: "a1",
				cpus: 1,
				mem: 10,
				disk: 0,
				gpus: 0,
				ports: [],
				command: "sleep 1",
			});
			ctx.launch([a!.id.value], [task]);
			ctx.accept([b!.id.value], [], 10); // no tasks: a decline
			ctx.decline([c!.id.value, d!.id.value]);
		};
		driver.start();
		engine.runUntil(50);
		expect(driver.stats().firstOfferAt).toBeNull();
		master.push({ type: "OFFERS", offers: { offers: [offer("o1"), offer("o2"), offer("o3"), offer("o4")] } });
		master.push({ type: "RESCIND", rescind: { offer_id: { value: "o9" } } });
		run(100);
		const s = driver.stats();
		expect(s.offersReceived).toBe(4);
		expect(s.offersAccepted).toBe(1);
		expect(s.offersDeclined).toBe(3);
		expect(s.offersRescinded).toBe(1);
		expect(s.tasksLaunched).toBe(1);
		expect(s.firstOfferAt).toBe(52);
		const accept = master.callsOf("ACCEPT")[0]!;
		expect(accept.accept?.offer_ids).toEqual([{ value: "o1" }]);
		expect(accept.accept?.operations?.[0]?.type).toBe("LAUNCH");
		expect(accept.accept?.filters).toBeUndefined();
		expect(master.callsOf("ACCEPT")[1]!.accept?.filters).toEqual({ refuse_seconds: 10 });
	});

	it("reports refused calls through onCallError and counts them", () => {
		const { master, scheduler, driver, run } = setup({ latencyMs: 1 });
		driver.start();
		run(5);
		master.callReplies.push({ ok: false, status: 400, message: "bad" });
		driver.context.kill("t1", "a1");
		driver.context.suppress(["*"]);
		run(10);
		expect(driver.stats().callErrors).toBe(1);
		expect(scheduler.log).toContain("error:KILL:400");
		expect(master.callsOf("SUPPRESS")[0]).toEqual({
			type: "SUPPRESS",
			framework_id: { value: "fw-0000" },
			suppress: { roles: ["*"] },
		});
	});

	it("resubscribes with its framework id after the master closes the stream: 1 s, doubling, reset on SUBSCRIBED", () => {
		const { master, scheduler, driver, run } = setup({ latencyMs: 1 });
		driver.start();
		run(10);
		master.sink!.close();
		run(11);
		expect(scheduler.log).toContain("disconnected@11");
		expect(driver.state).toBe("backoff");
		// Refuse the next two SUBSCRIBEs: retries after 1 s, 2 s, 4 s (each + 1 ms to reach the master).
		master.subscribeReplies.push({ ok: false, status: 503, message: "busy" });
		master.subscribeReplies.push({ ok: false, status: 503, message: "busy" });
		run(100_000);
		expect(master.subscribes.map((s) => s.at)).toEqual([1, 1012, 3014, 7016]);
		const last = master.subscribes[3]!.call;
		expect(last.framework_id).toEqual({ value: "fw-0000" });
		expect(last.subscribe?.framework_info.id).toEqual({ value: "fw-0000" });
		expect(driver.state).toBe("subscribed");
		expect(driver.stats().subscriptions).toBe(2);
		expect(driver.stats().disconnections).toBe(3);
		expect(driver.stats().callErrors).toBe(2);
		// After a successful SUBSCRIBED the backoff starts again at 1 s.
		master.sink!.close();
		run(200_000);
		expect(master.subscribes[4]!.at).toBe(100_000 + 1 + 1000 + 1);
	});

	it("caps the backoff at 60 s", () => {
		const { master, driver, run } = setup();
		driver.start();
		run();
		for (let i = 0; i < 10; i++) master.subscribeReplies.push({ ok: false, status: 503, message: "busy" });
		master.sink!.close();
		run(1_000_000);
		const gaps = master.subscribes.slice(1).map((s, i) => s.at - master.subscribes[i]!.at);
		expect(gaps).toEqual([1000, 2000, 4000, 8000, 16000, 32000, 60000, 60000, 60000, 60000, 60000]);
		expect(driver.state).toBe("subscribed");
	});

	it("does not resubscribe after ERROR, TEARDOWN or stop()", () => {
		const a = setup();
		a.driver.start();
		a.run();
		a.master.push({ type: "ERROR", error: { message: "Framework has been removed" } });
		a.master.sink!.close();
		a.run(100_000);
		expect(a.master.subscribes).toHaveLength(1);
		expect(a.driver.state).toBe("stopped");

		const b = setup();
		b.driver.start();
		b.run();
		b.driver.context.teardown();
		b.run();
		expect(b.master.callsOf("TEARDOWN")).toHaveLength(1);
		b.master.sink!.close();
		b.run(100_000);
		expect(b.master.subscribes).toHaveLength(1);

		const c = setup({ latencyMs: 5 });
		c.driver.start();
		c.run(20);
		c.driver.stop();
		c.master.push({ type: "HEARTBEAT" }); // in flight when the client hung up: dropped
		c.run(100_000);
		expect(c.master.disconnects).toEqual([{ streamId: "stream-0", at: 25 }]);
		expect(c.scheduler.types()).toEqual(["SUBSCRIBED"]);
		expect(c.master.subscribes).toHaveLength(1);
		// start() again fails over with the same framework id.
		c.driver.start();
		c.run(100_100);
		expect(c.master.subscribes[1]!.call.framework_id).toEqual({ value: "fw-0000" });
		expect(c.driver.state).toBe("subscribed");
	});

	it("disconnect() drops the stream from the client side and resubscribes after the backoff", () => {
		const { master, scheduler, driver, run } = setup();
		driver.start();
		run(50);
		driver.disconnect();
		expect(scheduler.log).toContain("disconnected@50");
		run(5000);
		expect(master.disconnects.map((d) => d.at)).toEqual([50]);
		expect(master.subscribes.map((s) => s.at)).toEqual([0, 1050]);
		expect(driver.stats().subscriptions).toBe(2);
	});

	it("a call sent with no subscription is refused with 403, asynchronously", () => {
		const { scheduler, driver, engine } = setup();
		driver.context.revive();
		expect(driver.stats().callErrors).toBe(0);
		engine.runUntil(0);
		expect(driver.stats().callErrors).toBe(1);
		expect(scheduler.log).toContain("error:REVIVE:403");
	});

	it("an invalid FrameworkInfo (ok + ERROR + closed sink) stops the driver", () => {
		const { engine, master, scheduler, driver } = setup();
		master.subscribe = (call, sink) => {
			master.subscribes.push({ call, at: engine.now });
			sink.send({ type: "ERROR", error: { message: "bad FrameworkInfo" } });
			sink.close();
			return { ok: true, frameworkId: "x", streamId: "s" };
		};
		driver.start();
		engine.runUntil(100_000);
		expect(scheduler.types()).toEqual(["ERROR"]);
		expect(driver.state).toBe("stopped");
		expect(master.subscribes).toHaveLength(1);
	});
});

describe("call builders and task helpers", () => {
	it("builds v1 calls", () => {
		expect(acceptCall("f", ["o1"], [launchOperation([])], 5)).toEqual({
			type: "ACCEPT",
			framework_id: { value: "f" },
			accept: {
				offer_ids: [{ value: "o1" }],
				operations: [{ type: "LAUNCH", launch: { task_infos: [] } }],
				filters: { refuse_seconds: 5 },
			},
		});
		expect(reconcileCall("f")).toEqual({
			type: "RECONCILE",
			framework_id: { value: "f" },
			reconcile: { tasks: [] },
		});
		expect(reconcileCall("f", [{ taskId: "t", agentId: "a" }]).reconcile?.tasks).toEqual([
			{ task_id: { value: "t" }, agent_id: { value: "a" } },
		]);
	});

	it("pickPorts takes the first n ports", () => {
		const r = [
			{ begin: 31000, end: 31001 },
			{ begin: 31005, end: 31010 },
		];
		expect(pickPorts(r, 0)).toEqual([]);
		expect(pickPorts(r, 1)).toEqual([{ begin: 31000, end: 31000 }]);
		expect(pickPorts(r, 4)).toEqual([
			{ begin: 31000, end: 31001 },
			{ begin: 31005, end: 31006 },
		]);
		expect(pickPorts(r, 8)).toHaveLength(2);
		expect(pickPorts(r, 9)).toBeNull();
	});

	it("taskInfo puts the role in allocation_info; offerQuantities sums the offer", () => {
		const t = taskInfo({
			id: "t1",
			name: "web",
			agentId: "a1",
			cpus: 0.5,
			mem: 128,
			disk: 0,
			gpus: 0,
			ports: [{ begin: 31000, end: 31000 }],
			command: "sleep infinity",
			labels: { pattern: "service" },
			role: "web",
		});
		expect(t).toEqual({
			name: "web",
			task_id: { value: "t1" },
			agent_id: { value: "a1" },
			resources: [
				{ name: "cpus", type: "SCALAR", scalar: { value: 0.5 }, allocation_info: { role: "web" } },
				{ name: "mem", type: "SCALAR", scalar: { value: 128 }, allocation_info: { role: "web" } },
				{
					name: "ports",
					type: "RANGES",
					ranges: { range: [{ begin: 31000, end: 31000 }] },
					allocation_info: { role: "web" },
				},
			],
			command: { shell: true, value: "sleep infinity" },
			labels: { labels: [{ key: "pattern", value: "service" }] },
		});
		expect(offerQuantities(offer("o1"))).toEqual({
			cpus: 4,
			mem: 4096,
			disk: 0,
			gpus: 0,
			ports: [
				{ begin: 31000, end: 31001 },
				{ begin: 31005, end: 31010 },
			],
		});
	});
});

describe("frameworks/ determinism rules", () => {
	it("never reads the wall clock, Math.random or real timers", () => {
		const root = join(import.meta.dirname, "../../frameworks");
		const files: string[] = [];
		const walk = (dir: string): void => {
			for (const name of readdirSync(dir)) {
				const p = join(dir, name);
				// frameworks/sdk/http/ is the network client: the one place allowed real timers (as in no-wall-clock.test.ts).
				if (statSync(p).isDirectory()) {
					if (name !== "http") walk(p);
				} else if (p.endsWith(".ts")) files.push(p);
			}
		};
		walk(root);
		expect(files.length).toBeGreaterThan(0);
		const banned =
			/\b(Date\.now|new Date\(|Math\.random|setTimeout|setInterval|setImmediate|performance\.now)\b/;
		const offenders = files.filter((f) => banned.test(readFileSync(f, "utf8")));
		expect(offenders).toEqual([]);
	});
});
