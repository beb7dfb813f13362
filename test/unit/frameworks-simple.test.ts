import { describe, expect, it } from "vitest";
import { Engine, Rng } from "../../engine/index.js";
import {
	createSimpleFramework,
	InProcessTransport,
	SchedulerDriver,
	SIMPLE_FRAMEWORK_DEFAULTS,
	type SimpleFrameworkConfig,
	type SimpleTaskConfig,
} from "../../frameworks/index.js";
import {
	type Call,
	type CallResult,
	type Event,
	type EventSink,
	type MasterSchedulerApi,
	type Offer,
	parseResources,
	type Range,
	type SubscribeResult,
	type TaskInfo,
	type TaskState,
} from "../../master/protocol/index.js";

/** A fake master: records calls, answers SUBSCRIBE with SUBSCRIBED, lets the test push events. */
class FakeMaster implements MasterSchedulerApi {
	readonly subscribes: { call: Call; at: number }[] = [];
	readonly calls: { call: Call; at: number }[] = [];
	sink: EventSink | null = null;
	#streams = 0;
	readonly #engine: Engine;

	constructor(engine: Engine) {
		this.#engine = engine;
	}

	subscribe(call: Call, sink: EventSink): SubscribeResult {
		this.subscribes.push({ call, at: this.#engine.now });
		const frameworkId = call.framework_id?.value ?? "fw-0001";
		this.sink = sink;
		sink.send({
			type: "SUBSCRIBED",
			subscribed: { framework_id: { value: frameworkId }, heartbeat_interval_seconds: 15 },
		});
		return { ok: true, frameworkId, streamId: `s${this.#streams++}` };
	}

	call(call: Call): CallResult {
		this.calls.push({ call, at: this.#engine.now });
		return { ok: true, status: 202 };
	}

	disconnect(): void {}

	push(event: Event): void {
		this.sink!.send(event);
	}

	callsOf(type: Call["type"]): Call[] {
		return this.calls.filter((c) => c.call.type === type).map((c) => c.call);
	}

	/** Tasks launched, in order. */
	launched(): TaskInfo[] {
		return this.callsOf("ACCEPT").flatMap(
			(c) => c.accept?.operations?.flatMap((o) => o.launch?.task_infos ?? []) ?? [],
		);
	}
}

let offerSeq = 0;
function offer(
	q: { cpus: number; mem: number; disk?: number; gpus?: number; ports?: Range[] },
	agent = "a1",
	role = "web",
): Offer {
	const res: Offer["resources"] = [
		{ name: "cpus", type: "SCALAR", scalar: { value: q.cpus }, allocation_info: { role } },
		{ name: "mem", type: "SCALAR", scalar: { value: q.mem }, allocation_info: { role } },
	];
	if (q.disk !== undefined)
		res.push({ name: "disk", type: "SCALAR", scalar: { value: q.disk }, allocation_info: { role } });
	if (q.gpus !== undefined)
		res.push({ name: "gpus", type: "SCALAR", scalar: { value: q.gpus }, allocation_info: { role } });
	if (q.ports !== undefined)
		res.push({ name: "ports", type: "RANGES", ranges: { range: q.ports }, allocation_info: { role } });
	return {
		id: { value: `o${offerSeq++}` },
		framework_id: { value: "fw-0001" },
		agent_id: { value: agent },
		hostname: agent,
		resources: res,
		allocation_info: { role },
	};
}

function setup(tasks: Partial<SimpleTaskConfig>, over: Partial<SimpleFrameworkConfig> = {}) {
	const config: SimpleFrameworkConfig = {
		...SIMPLE_FRAMEWORK_DEFAULTS,
		name: "web",
		role: "web",
		declineRefuseSeconds: 30,
		...over,
		tasks: { ...SIMPLE_FRAMEWORK_DEFAULTS.tasks, cpus: 1, mem: 512, ...tasks },
	};
	const engine = new Engine();
	const master = new FakeMaster(engine);
	const fw = createSimpleFramework(config);
	const driver = new SchedulerDriver({
		engine,
		transport: new InProcessTransport({ engine, master, latencyMs: 1 }),
		scheduler: fw,
		frameworkInfo: fw.frameworkInfo(),
		rng: new Rng("simple"),
	});
	driver.start();
	engine.runUntil(10);
	const run = (ms = 10) => engine.runUntil(engine.now + ms);
	const offers = (...os: Offer[]) => {
		master.push({ type: "OFFERS", offers: { offers: os } });
		run();
		return os;
	};
	const status = (taskId: string, state: TaskState, uuid = `u-${taskId}-${state}`) => {
		master.push({
			type: "UPDATE",
			update: { status: { task_id: { value: taskId }, state, agent_id: { value: "a1" }, uuid } },
		});
		run();
	};
	return { engine, master, fw, driver, run, offers, status };
}

describe("simple framework", () => {
	it("declares its FrameworkInfo", () => {
		const { fw, master } = setup(
			{ gpus: 1 },
			{ partitionAware: true, checkpoint: true, failoverTimeoutSec: 60, user: "bob" },
		);
		expect(fw.frameworkInfo()).toEqual({
			user: "bob",
			name: "web",
			roles: ["web"],
			failover_timeout: 60,
			checkpoint: true,
			capabilities: [{ type: "MULTI_ROLE" }, { type: "PARTITION_AWARE" }, { type: "GPU_RESOURCES" }],
		});
		expect(master.subscribes[0]!.call.subscribe?.framework_info).toEqual(fw.frameworkInfo());
		expect(setup({}).fw.frameworkInfo().capabilities).toEqual([{ type: "MULTI_ROLE" }]);
	});

	it("packs up to maxPerOffer tasks per offer, one ACCEPT per offer, with its refuse_seconds", () => {
		const { master, fw, offers } = setup({ count: 10, maxPerOffer: 3, ports: 2, command: "sleep 30" });
		const [o1, o2] = offers(
			offer(
				{
					cpus: 8,
					mem: 8192,
					ports: [
						{ begin: 31000, end: 31003 },
						{ begin: 31010, end: 31020 },
					],
				},
				"a1",
			),
			offer({ cpus: 8, mem: 8192, ports: [{ begin: 31000, end: 31100 }] }, "a2"),
		);
		const accepts = master.callsOf("ACCEPT");
		expect(accepts).toHaveLength(2);
		expect(accepts[0]!.accept?.offer_ids).toEqual([o1!.id]);
		expect(accepts[1]!.accept?.offer_ids).toEqual([o2!.id]);
		expect(accepts[0]!.accept?.filters).toEqual({ refuse_seconds: 30 });
		const tasks = master.launched();
		expect(tasks.map((t) => t.task_id.value)).toEqual(["web-0", "web-1", "web-2", "web-3", "web-4", "web-5"]);
		const t0 = tasks[0]!;
		expect(t0.agent_id).toEqual({ value: "a1" });
		expect(t0.command).toEqual({ shell: true, value: "sleep 30" });
		expect(t0.resources.every((r) => r.allocation_info?.role === "web")).toBe(true);
		// Ports: the first free ones, never twice on one offer.
		const ports = tasks.slice(0, 3).map((t) => parseResources(t.resources).quantities.ports);
		expect(ports).toEqual([
			[{ begin: 31000, end: 31001 }],
			[{ begin: 31002, end: 31003 }],
			[{ begin: 31010, end: 31011 }],
		]);
		expect(parseResources(t0.resources).quantities).toMatchObject({ cpus: 1, mem: 512 });
		const s = fw.stats();
		expect(s.launched).toBe(6);
		expect(s.pending).toBe(4);
		expect([...s.live.values()]).toEqual(Array(6).fill("TASK_STAGING"));
	});

	it("packs only what fits (cpus, mem, ports) and declines useless offers with refuse_seconds", () => {
		const { master, driver, offers } = setup({ count: 10, cpus: 1, mem: 512, ports: 1 });
		const [fitsTwo, fitsOneByPorts, tooSmall, noPorts] = offers(
			offer({ cpus: 2.5, mem: 4096, ports: [{ begin: 1, end: 10 }] }),
			offer({ cpus: 8, mem: 8192, ports: [{ begin: 5, end: 5 }] }),
			offer({ cpus: 0.5, mem: 8192, ports: [{ begin: 1, end: 10 }] }),
			offer({ cpus: 8, mem: 8192 }),
		);
		const accepts = master.callsOf("ACCEPT");
		expect(
			accepts.map((a) => [
				a.accept?.offer_ids[0]?.value,
				a.accept?.operations?.[0]?.launch?.task_infos.length,
			]),
		).toEqual([
			[fitsTwo!.id.value, 2],
			[fitsOneByPorts!.id.value, 1],
		]);
		expect(master.callsOf("DECLINE")).toEqual([
			{
				type: "DECLINE",
				framework_id: { value: "fw-0001" },
				decline: { offer_ids: [tooSmall!.id, noPorts!.id], filters: { refuse_seconds: 30 } },
			},
		]);
		const s = driver.stats();
		expect(s.offersReceived).toBe(4);
		expect(s.offersAccepted).toBe(2);
		expect(s.offersDeclined).toBe(2);
		expect(s.tasksLaunched).toBe(3);
	});

	it("suppresses its role once when nothing is pending, and declines later offers", () => {
		const { master, fw, offers } = setup({ count: 2 });
		offers(offer({ cpus: 4, mem: 4096 }));
		expect(master.launched()).toHaveLength(2);
		expect(master.callsOf("SUPPRESS")).toEqual([
			{ type: "SUPPRESS", framework_id: { value: "fw-0001" }, suppress: { roles: ["web"] } },
		]);
		offers(offer({ cpus: 4, mem: 4096 }), offer({ cpus: 4, mem: 4096 }));
		expect(master.callsOf("DECLINE")[0]!.decline?.offer_ids).toHaveLength(2);
		expect(master.callsOf("SUPPRESS")).toHaveLength(1);
		expect(fw.stats().suppressed).toBe(true);
	});

	it("relaunches a task that reaches a terminal state (relaunch = true), reviving first", () => {
		const { master, fw, offers, status } = setup({ count: 2, relaunch: true });
		offers(offer({ cpus: 4, mem: 4096 }));
		status("web-0", "TASK_RUNNING");
		status("web-1", "TASK_RUNNING");
		status("web-0", "TASK_FAILED");
		status("web-0", "TASK_FAILED"); // a resent update: counted once
		expect(master.callsOf("REVIVE")).toEqual([
			{ type: "REVIVE", framework_id: { value: "fw-0001" }, revive: { roles: ["web"] } },
		]);
		expect(fw.stats().pending).toBe(1);
		offers(offer({ cpus: 4, mem: 4096 }));
		expect(master.launched().map((t) => t.task_id.value)).toEqual(["web-0", "web-1", "web-2"]);
		expect(master.callsOf("SUPPRESS")).toHaveLength(2);
		status("web-1", "TASK_LOST");
		const s = fw.stats();
		expect(s.ended.TASK_FAILED).toBe(1);
		expect(s.ended.TASK_LOST).toBe(1);
		expect(s.relaunched).toBe(2);
		expect(s.pending).toBe(1);
		expect([...s.live]).toEqual([["web-2", "TASK_STAGING"]]);
		// Every update carried a uuid: all acknowledged.
		expect(master.callsOf("ACKNOWLEDGE")).toHaveLength(5);
	});

	it("does not relaunch when relaunch = false", () => {
		const { master, fw, offers, status } = setup({ count: 1, relaunch: false });
		offers(offer({ cpus: 4, mem: 4096 }));
		status("web-0", "TASK_FINISHED");
		expect(master.callsOf("REVIVE")).toHaveLength(0);
		expect(fw.stats()).toMatchObject({ pending: 0, launched: 1, relaunched: 0 });
		expect(fw.stats().ended.TASK_FINISHED).toBe(1);
		expect(fw.stats().live.size).toBe(0);
	});

	it("resubscribes with its framework id after the master closes the stream, then reconciles its live tasks", () => {
		const { engine, master, driver, offers } = setup({ count: 3 });
		offers(offer({ cpus: 2, mem: 4096 }));
		const closedAt = engine.now;
		master.sink!.close();
		engine.runUntil(closedAt + 1 + 999);
		expect(master.subscribes).toHaveLength(1);
		expect(driver.state).toBe("backoff");
		engine.runUntil(closedAt + 1 + 1000 + 1);
		expect(master.subscribes).toHaveLength(2);
		const sub = master.subscribes[1]!;
		expect(sub.at).toBe(closedAt + 1 + 1000 + 1); // close reaches the driver +1, backoff 1 s, SUBSCRIBE +1
		expect(sub.call.framework_id).toEqual({ value: "fw-0001" });
		expect(sub.call.subscribe?.framework_info.id).toEqual({ value: "fw-0001" });
		engine.runUntil(engine.now + 10);
		expect(master.callsOf("RECONCILE")).toEqual([
			{
				type: "RECONCILE",
				framework_id: { value: "fw-0001" },
				reconcile: { tasks: [{ task_id: { value: "web-0" } }, { task_id: { value: "web-1" } }] },
			},
		]);
		// Still one task to place: it keeps taking offers on the new stream.
		offers(offer({ cpus: 2, mem: 4096 }));
		expect(master.launched().map((t) => t.task_id.value)).toEqual(["web-0", "web-1", "web-2"]);
	});

	it("is deterministic: the same inputs give the same calls", () => {
		const runOnce = () => {
			offerSeq = 0;
			const { master, offers, status } = setup({ count: 5, relaunch: true, ports: 1, maxPerOffer: 2 });
			offers(offer({ cpus: 3, mem: 4096, ports: [{ begin: 1, end: 3 }] }), offer({ cpus: 1, mem: 100 }));
			status("web-1", "TASK_KILLED");
			offers(offer({ cpus: 8, mem: 8192, ports: [{ begin: 1, end: 100 }] }));
			return JSON.stringify(master.calls);
		};
		expect(runOnce()).toBe(runOnce());
	});
});
