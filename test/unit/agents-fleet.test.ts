import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import {
	AgentFleet,
	type AgentFleetOptions,
	type AgentShape,
	STARTUP_DELAY_LABEL,
} from "../../agents/index.js";
import { Engine, Rng } from "../../engine/index.js";
import type {
	AgentEndpoint,
	AgentSpec,
	MasterAgentApi,
	ReportedTask,
	TaskInfo,
	TaskStatus,
} from "../../master/protocol/index.js";

type Call =
	| { t: number; type: "register"; local: number; spec: AgentSpec }
	| { t: number; type: "reregister"; local: number; agentId: string; tasks: ReportedTask[] }
	| { t: number; type: "update"; agentId: string; frameworkId: string; status: TaskStatus }
	| { t: number; type: "exited"; agentId: string }
	| { t: number; type: "link"; agentId: string; up: boolean };

/** Plays the master: assigns ids, answers (re)registrations, optionally acknowledges updates. */
class FakeMaster implements MasterAgentApi {
	readonly calls: Call[] = [];
	autoAck = true;
	/** Set while the test (as master) is inside a fleet call: any master call then would be re-entrant. */
	busy = false;
	reentrant = 0;
	#next = 0;
	readonly #engine: Engine;
	fleet: AgentFleet | null = null;
	/** How long the master takes to answer a reregistration. */
	reregisterAnswerMs = 0;

	constructor(engine: Engine) {
		this.#engine = engine;
	}

	#enter(): void {
		if (this.busy) this.reentrant++;
	}

	/** Calls into the fleet the way the master does: from its own event, flagging re-entrancy. */
	tell(fn: (f: AgentFleet) => void): void {
		this.busy = true;
		try {
			fn(this.fleet!);
		} finally {
			this.busy = false;
		}
	}

	registerAgent(endpoint: AgentEndpoint, local: number, spec: AgentSpec): void {
		this.#enter();
		this.calls.push({ t: this.#engine.now, type: "register", local, spec });
		const id = `agent-${this.#next++}`;
		this.#engine.timeout(0, () => this.tell(() => endpoint.registered(local, id)));
	}

	reregisterAgent(
		endpoint: AgentEndpoint,
		local: number,
		agentId: string,
		_spec: AgentSpec,
		tasks: ReportedTask[],
	): void {
		this.#enter();
		this.calls.push({ t: this.#engine.now, type: "reregister", local, agentId, tasks });
		this.#engine.timeout(this.reregisterAnswerMs, () => this.tell(() => endpoint.registered(local, agentId)));
	}

	statusUpdate(agentId: string, frameworkId: string, status: TaskStatus): void {
		this.#enter();
		this.calls.push({ t: this.#engine.now, type: "update", agentId, frameworkId, status });
		if (this.autoAck) this.#engine.timeout(0, () => this.ack(agentId, frameworkId, status));
	}

	ack(agentId: string, frameworkId: string, status: TaskStatus): void {
		const local = this.fleet!.localOf(agentId);
		this.tell((f) => f.acknowledge(local, frameworkId, status.task_id.value, status.uuid!));
	}

	agentExited(agentId: string): void {
		this.#enter();
		this.calls.push({ t: this.#engine.now, type: "exited", agentId });
	}

	agentLink(agentId: string, up: boolean): void {
		this.#enter();
		this.calls.push({ t: this.#engine.now, type: "link", agentId, up });
	}

	updates(taskId?: string): { t: number; state: string; status: TaskStatus }[] {
		const out: { t: number; state: string; status: TaskStatus }[] = [];
		for (const c of this.calls)
			if (c.type === "update" && (taskId === undefined || c.status.task_id.value === taskId))
				out.push({ t: c.t, state: c.status.state, status: c.status });
		return out;
	}

	of<T extends Call["type"]>(type: T): Extract<Call, { type: T }>[] {
		return this.calls.filter((c): c is Extract<Call, { type: T }> => c.type === type);
	}
}

const SHAPE: AgentShape = {
	group: "node",
	count: 3,
	cpus: 4,
	mem: 8192,
	disk: 10000,
	attributes: { rack: "r{i % 2}" },
};

function setup(opts: Partial<AgentFleetOptions> = {}, seed = "s1", shape = SHAPE) {
	const engine = new Engine();
	const master = new FakeMaster(engine);
	const fleet = new AgentFleet({ engine, master, rng: new Rng(seed), ...opts });
	master.fleet = fleet;
	fleet.addShape(shape);
	fleet.startAll();
	engine.runUntil(0);
	return { engine, master, fleet };
}

function task(id: string, command: string | null, delayMs?: number): TaskInfo {
	const t: TaskInfo = { name: id, task_id: { value: id }, agent_id: { value: "" }, resources: [] };
	if (command !== null) t.command = { value: command };
	if (delayMs !== undefined) t.labels = { labels: [{ key: STARTUP_DELAY_LABEL, value: String(delayMs) }] };
	return t;
}

describe("AgentFleet registration", () => {
	it("registers through engine events, never synchronously", () => {
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x"), latencyMs: 5 });
		master.fleet = fleet;
		expect(fleet.addShape(SHAPE)).toEqual({ first: 0, count: 3 });
		expect(fleet.addShape({ ...SHAPE, group: "big", count: 2, hostname: "big{i + 1}" })).toEqual({
			first: 3,
			count: 2,
		});
		expect(fleet.size).toBe(5);
		fleet.startAll();
		expect(master.calls).toHaveLength(0);
		expect(fleet.isUp(0)).toBe(true);
		expect(fleet.isRegistered(0)).toBe(false);
		engine.runUntil(100);
		const regs = master.of("register");
		expect(regs.map((r) => [r.t, r.local, r.spec.hostname])).toEqual([
			[5, 0, "node-0"],
			[5, 1, "node-1"],
			[5, 2, "node-2"],
			[5, 3, "big1"],
			[5, 4, "big2"],
		]);
		expect(regs[1]!.spec.attributes).toEqual([{ name: "rack", type: "TEXT", text: { value: "r1" } }]);
		expect(fleet.agentId(1)).toBe("agent-1");
		expect(fleet.localOf("agent-4")).toBe(4);
		expect(fleet.localOf("nope")).toBe(-1);
		expect(fleet.isRegistered(4)).toBe(true);
		expect(fleet.group(4)).toBe("big");
		expect(master.reentrant).toBe(0);
		expect(() => fleet.isUp(5)).toThrow(RangeError);
	});
});

describe("AgentFleet task lifecycle", () => {
	it("STARTING -> RUNNING after the startup delay -> FINISHED after the sleep", () => {
		const { engine, master, fleet } = setup();
		engine.runUntil(1000);
		master.tell((f) => f.runTask(1, "fw-1", task("t1", "sleep 5", 2000)));
		expect(master.updates()).toHaveLength(0); // never synchronous
		expect(fleet.liveTaskCount(1)).toBe(1);
		engine.runUntil(100_000);
		const u = master.updates("t1");
		expect(u.map((x) => [x.t, x.state])).toEqual([
			[1000, "TASK_STARTING"],
			[3000, "TASK_RUNNING"],
			[8000, "TASK_FINISHED"],
		]);
		const s = u[0]!.status;
		expect(s).toMatchObject({
			task_id: { value: "t1" },
			source: "SOURCE_EXECUTOR",
			agent_id: { value: "agent-1" },
			executor_id: { value: "t1" },
			timestamp: 1,
		});
		expect(s.uuid).toMatch(/^[A-Za-z0-9+/]{22}==$/);
		expect(Buffer.from(s.uuid!, "base64")).toHaveLength(16);
		expect(new Set(u.map((x) => x.status.uuid)).size).toBe(3);
		expect(master.of("update").every((c) => c.frameworkId === "fw-1")).toBe(true);
		expect(fleet.liveTaskCount(1)).toBe(0);
		expect(fleet.pendingUpdates()).toBe(0);
		expect(fleet.stats).toMatchObject({
			tasksStarted: 1,
			tasksFinished: 1,
			updatesSent: 3,
			updatesRetried: 0,
		});
		expect(master.reentrant).toBe(0);
	});

	it("exit 3 -> TASK_FAILED with the status in the message", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1 && exit 3")));
		engine.runUntil(60_000);
		const u = master.updates("t");
		expect(u.map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[1000, "TASK_FAILED"],
		]);
		expect(u[2]!.status.message).toContain("exited with status 3");
		expect(fleet.stats.tasksFailed).toBe(1);
	});

	it("an unknown command fails like a shell: STARTING, RUNNING, FAILED at once", () => {
		const { engine, master } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "python -m http.server", 500)));
		master.tell((f) => f.runTask(0, "fw", task("u", null)));
		engine.runUntil(60_000);
		const u = master.updates("t");
		expect(u.map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[500, "TASK_RUNNING"],
			[500, "TASK_FAILED"],
		]);
		const msg = u[2]!.status.message!;
		expect(msg).toContain('"python -m http.server"');
		expect(msg).toContain(
			"command not found (the simulated agent understands sleep N, exit C, true, false, ';' and '&&')",
		);
		expect(master.updates("u").map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"]);
		expect(master.updates("u")[2]!.status.message).toBe(
			"task has no command: command not found (the simulated agent understands sleep N, exit C, true, false, ';' and '&&')",
		);
	});

	it("uses the executor's command when the task has none", () => {
		const { engine, master } = setup();
		const t = task("e", null);
		t.executor = { executor_id: { value: "ex" }, command: { value: "sleep 2" } };
		master.tell((f) => f.runTask(0, "fw", t));
		engine.runUntil(60_000);
		expect(master.updates("e").map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[2000, "TASK_FINISHED"],
		]);
	});

	it("a task whose executor has no command either fails as having no command", () => {
		const { engine, master } = setup();
		const t = task("x", null);
		t.executor = { executor_id: { value: "ex" }, type: "DEFAULT" };
		master.tell((f) => f.runTask(0, "fw", t));
		engine.runUntil(60_000);
		const u = master.updates("x");
		expect(u.map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_RUNNING", "TASK_FAILED"]);
		expect(u[2]!.status.message).toMatch(/^task has no command: command not found/);
	});

	it("sleep infinity never ends", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(0, "fw", task("svc", "sleep infinity")));
		engine.runUntil(86_400_000);
		expect(master.updates("svc").map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(fleet.liveTaskCount(0)).toBe(1);
		expect(engine.pending).toBe(0);
	});

	it("delivers updates after the latency", () => {
		const { engine, master } = setup({ latencyMs: 7 });
		engine.runUntil(100);
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1")));
		engine.runUntil(60_000);
		// ack round trip adds nothing in the fake master; each update waits for the previous ack.
		expect(master.updates("t").map((x) => [x.t, x.state])).toEqual([
			[107, "TASK_STARTING"],
			[114, "TASK_RUNNING"],
			[1107, "TASK_FINISHED"],
		]);
	});
});

describe("AgentFleet status update stream", () => {
	it("retries the head at 10 s, 20 s, 40 s... capped, and stops after the ack", () => {
		const { engine, master, fleet } = setup({ statusRetryMaxMs: 40_000 });
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity", 1000)));
		engine.runUntil(200_000);
		const u = master.updates("t");
		expect(u.map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[10_000, "TASK_STARTING"],
			[30_000, "TASK_STARTING"],
			[70_000, "TASK_STARTING"],
			[110_000, "TASK_STARTING"],
			[150_000, "TASK_STARTING"],
			[190_000, "TASK_STARTING"],
		]);
		expect(new Set(u.map((x) => x.status.uuid)).size).toBe(1); // the same update, resent
		expect(fleet.stats.updatesRetried).toBe(6);
		expect(fleet.pendingUpdates()).toBe(2); // STARTING in flight, RUNNING queued behind it
		// A wrong uuid changes nothing.
		master.tell((f) => f.acknowledge(0, "fw", "t", "bogus"));
		expect(fleet.stats.acksIgnored).toBe(1);
		master.ack("agent-0", "fw", u[0]!.status);
		engine.runUntil(200_000);
		const after = master.updates("t").slice(7);
		expect(after.map((x) => [x.t, x.state])).toEqual([[200_000, "TASK_RUNNING"]]);
		// The RUNNING update keeps the time it was made (1 s), and its own backoff starts at 10 s.
		expect(after[0]!.status.timestamp).toBe(1);
		master.ack("agent-0", "fw", after[0]!.status);
		engine.runUntil(10_000_000);
		expect(master.updates("t")).toHaveLength(8);
		expect(fleet.pendingUpdates()).toBe(0);
	});

	it("uses the default 10 s / 10 min backoff", () => {
		const { engine, master } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity")));
		engine.runUntil(3_000_000);
		const times = master.updates("t").map((x) => x.t);
		const gaps = times.slice(1).map((t, k) => t - times[k]!);
		expect(gaps).toEqual([10_000, 20_000, 40_000, 80_000, 160_000, 320_000, 600_000, 600_000, 600_000]);
	});

	it("keeps the stream ordered: the next update waits for the head's ack", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 2")));
		engine.runUntil(5_000);
		expect(master.updates("t").map((x) => x.state)).toEqual(["TASK_STARTING"]);
		expect(fleet.pendingUpdates()).toBe(3);
		expect(fleet.liveTaskCount(0)).toBe(0); // the process is over; its updates are not
		master.ack("agent-0", "fw", master.updates("t")[0]!.status);
		engine.runUntil(5_000);
		expect(master.updates("t").map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		master.ack("agent-0", "fw", master.updates("t")[1]!.status);
		engine.runUntil(5_000);
		const last = master.updates("t")[2]!;
		expect([last.t, last.state, last.status.timestamp]).toEqual([5_000, "TASK_FINISHED", 2]);
		master.ack("agent-0", "fw", last.status);
		engine.runUntil(5_000);
		expect(fleet.pendingUpdates()).toBe(0);
		// Each update went out once, when it reached the head: none was a retransmission.
		expect([fleet.stats.updatesSent, fleet.stats.updatesRetried]).toEqual([3, 0]);
		// Forgotten: a late duplicate ack is ignored.
		master.ack("agent-0", "fw", last.status);
		expect(fleet.stats.acksIgnored).toBe(1);
	});
});

describe("AgentFleet kill and shutdown", () => {
	it("kills a live task with TASK_KILLED and cancels its timers", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 100")));
		engine.runUntil(10_000);
		master.tell((f) => f.killTask(0, "fw", "t"));
		master.tell((f) => f.killTask(0, "fw", "unknown"));
		master.tell((f) => f.killTask(0, "other-fw", "t"));
		engine.runUntil(500_000);
		const u = master.updates("t");
		expect(u.map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[10_000, "TASK_KILLED"],
		]);
		expect(u[2]!.status.source).toBe("SOURCE_EXECUTOR");
		expect(fleet.stats.tasksKilled).toBe(1);
		expect(fleet.liveTaskCount(0)).toBe(0);
		expect(engine.pending).toBe(0);
		// Killing it again (terminal, forgotten) is ignored.
		master.tell((f) => f.killTask(0, "fw", "t"));
		engine.runUntil(600_000);
		expect(master.updates("t")).toHaveLength(3);
	});

	it("kills during the startup delay", () => {
		const { engine, master } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1", 5_000)));
		engine.runUntil(1_000);
		master.tell((f) => f.killTask(0, "fw", "t"));
		engine.runUntil(100_000);
		expect(master.updates("t").map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_KILLED"]);
	});

	it("shutdownFramework drops that framework's tasks and updates silently", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => {
			f.runTask(0, "a", task("a1", "sleep 10"));
			f.runTask(0, "a", task("a2", "sleep infinity"));
			f.runTask(0, "b", task("b1", "sleep 10"));
		});
		engine.runUntil(1_000);
		expect(fleet.pendingUpdates()).toBe(6);
		master.tell((f) => f.shutdownFramework(0, "a"));
		master.tell((f) => f.shutdownFramework(0, "never-seen"));
		expect(fleet.liveTaskCount(0)).toBe(1);
		expect(fleet.pendingUpdates()).toBe(2);
		master.autoAck = true;
		master.ack("agent-0", "b", master.updates("b1")[0]!.status);
		engine.runUntil(1_000_000);
		expect(master.updates("a1").map((x) => x.t)).toEqual([0]);
		expect(master.updates("a2").map((x) => x.t)).toEqual([0]);
		expect(master.updates("b1").map((x) => x.state)).toEqual([
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
		]);
		expect(fleet.stats.tasksDropped).toBe(2);
		expect(fleet.pendingUpdates()).toBe(0);
		// The framework can launch again on that agent.
		master.tell((f) => f.runTask(0, "a", task("a1", "true")));
		engine.runUntil(1_100_000);
		expect(
			master
				.updates("a1")
				.map((x) => x.state)
				.slice(-1),
		).toEqual(["TASK_FINISHED"]);
	});
});

describe("AgentFleet faults", () => {
	it("crash: tasks vanish silently, agentExited, then re-registers as a new agent", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(1, "fw", task("t", "sleep 30")));
		engine.runUntil(5_000);
		const before = master.calls.length;
		expect(fleet.crash(1, 60_000)).toBe(true);
		expect(fleet.isUp(1)).toBe(false);
		expect(fleet.crash(1, 1)).toBe(false); // already down
		expect(fleet.liveTaskCount(1)).toBe(0);
		expect(fleet.pendingUpdates()).toBe(0);
		expect(master.calls.length).toBe(before); // nothing synchronous
		engine.runUntil(64_999);
		expect(master.calls.slice(before)).toEqual([{ t: 5_000, type: "exited", agentId: "agent-1" }]);
		master.tell((f) => f.runTask(1, "fw", task("lost", "sleep 1"))); // to a dead host: lost
		expect(fleet.stats.messagesDropped).toBe(1);
		engine.runUntil(100_000);
		const regs = master.of("register");
		expect(regs).toHaveLength(4);
		expect(regs[3]!.t).toBe(65_000);
		expect(regs[3]!.local).toBe(1);
		expect(regs[3]!.spec).toEqual(regs[1]!.spec);
		expect(fleet.agentId(1)).toBe("agent-3");
		expect(fleet.localOf("agent-3")).toBe(1);
		expect(fleet.localOf("agent-1")).toBe(-1);
		expect(fleet.isRegistered(1)).toBe(true);
		expect(master.updates("t").map((x) => x.state)).toEqual(["TASK_STARTING"]); // the 10 s retry died with the host
		expect(master.updates("t").every((x) => x.t <= 5_000)).toBe(true);
		expect(master.updates("lost")).toHaveLength(0);
	});

	it("crash without reboot stays down; start() powers it on again", () => {
		const { engine, master, fleet } = setup();
		fleet.crash(0, null);
		engine.runUntil(10_000_000);
		expect(master.of("register")).toHaveLength(3);
		expect(fleet.start(0)).toBe(true);
		expect(fleet.start(0)).toBe(false);
		engine.runUntil(10_000_001);
		expect(fleet.agentId(0)).toBe("agent-3");
	});

	it("a crash before the registration is answered tells the master the old id exited", () => {
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.start(0);
		engine.step(); // registerAgent delivered; the answer is still queued
		fleet.crash(0, 0);
		engine.runUntil(1_000);
		expect(master.of("register")).toHaveLength(2);
		expect(master.of("exited").map((c) => c.agentId)).toEqual(["agent-0"]);
		expect(fleet.agentId(0)).toBe("agent-1");
		expect(fleet.isRegistered(0)).toBe(true);
	});

	it("partition: updates are lost, then redelivered; reregisters with its tasks", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(2, "fw", task("svc", "sleep infinity"));
			f.runTask(2, "fw", task("job", "sleep 20"));
		});
		engine.runUntil(10_000);
		expect(fleet.partition(2, 60_000)).toBe(true);
		expect(fleet.partition(2, 1)).toBe(false);
		expect(fleet.isPartitioned(2)).toBe(true);
		engine.runUntil(69_999);
		expect(master.of("link")).toEqual([{ t: 10_000, type: "link", agentId: "agent-2", up: false }]);
		expect(master.updates("job").map((x) => x.state)).toEqual(["TASK_STARTING", "TASK_RUNNING"]);
		expect(fleet.stats.updatesLost).toBeGreaterThanOrEqual(2); // first send at 20 s, retry at 30 s, 50 s
		expect(fleet.liveTaskCount(2)).toBe(1);
		engine.runUntil(70_000);
		expect(master.of("link").map((c) => [c.t, c.up])).toEqual([
			[10_000, false],
			[70_000, true],
		]);
		const rr = master.of("reregister");
		expect(rr).toHaveLength(1);
		expect(rr[0]!.agentId).toBe("agent-2");
		expect(rr[0]!.tasks.map((t) => [t.frameworkId, t.task.task_id.value, t.state])).toEqual([
			["fw", "svc", "TASK_RUNNING"],
			["fw", "job", "TASK_FINISHED"],
		]);
		engine.runUntil(70_000);
		const job = master.updates("job");
		expect(job.map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[70_000, "TASK_FINISHED"],
		]);
		expect(job[2]!.status.timestamp).toBe(20);
		expect(fleet.pendingUpdates()).toBe(0);
		expect(fleet.isPartitioned(2)).toBe(false);
		// No update reached the master between the link going down and coming back up.
		expect(master.of("update").filter((c) => c.t > 10_000 && c.t < 70_000)).toHaveLength(0);
		// The master may shut down a non-partition-aware framework afterwards.
		master.tell((f) => f.shutdownFramework(2, "fw"));
		expect(fleet.liveTaskCount(2)).toBe(0);
	});

	it("retry timers redeliver after a partition even without a reregistration answer", () => {
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.startAll();
		engine.runUntil(0);
		master.reregisterAgent = (_e, local, agentId, _s, tasks) => {
			master.calls.push({ t: engine.now, type: "reregister", local, agentId, tasks });
		};
		master.tell((f) => f.runTask(0, "fw", task("job", "sleep 5")));
		engine.runUntil(1_000);
		fleet.partition(0, 20_000);
		engine.runUntil(100_000);
		expect(master.updates("job").map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[35_000, "TASK_FINISHED"], // sent at 5 s (lost), retried at 15 s (lost), 35 s
		]);
	});

	it("flap: several partitions separated by up time", () => {
		const { engine, master, fleet } = setup();
		fleet.flap(0, 3, 5_000, 10_000);
		engine.runUntil(35_000);
		// Nothing is left scheduled once the last partition has ended.
		expect(engine.pending).toBe(0);
		engine.runUntil(100_000);
		expect(master.of("link").map((c) => [c.t, c.up])).toEqual([
			[0, false],
			[5_000, true],
			[15_000, false],
			[20_000, true],
			[30_000, false],
			[35_000, true],
		]);
		expect(master.of("reregister")).toHaveLength(3);
		expect(master.reentrant).toBe(0);
	});
});

describe("AgentFleet determinism and footprint", () => {
	function uuids(seed: string): string[] {
		const { engine, master } = setup({}, seed);
		master.tell((f) => {
			for (let k = 0; k < 10; k++) f.runTask(k % 3, `fw${k % 2}`, task(`t${k}`, `sleep ${k}; exit ${k % 2}`));
		});
		engine.runUntil(1_000_000);
		return master.updates().map((u) => `${u.t}:${u.status.task_id.value}:${u.state}:${u.status.uuid}`);
	}

	it("the same seed gives identical update uuids", () => {
		const a = uuids("seed-7");
		expect(a).toHaveLength(30);
		expect(uuids("seed-7")).toEqual(a);
		expect(uuids("seed-8")).not.toEqual(a);
	});

	it("holds 60,000 idle agents in well under 1 KB each", () => {
		const engine = new Engine();
		const master: MasterAgentApi = {
			registerAgent: (endpoint, local) => endpoint.registered(local, `a${local}`),
			reregisterAgent: () => {},
			statusUpdate: () => {},
			agentExited: () => {},
			agentLink: () => {},
		};
		const gc = (globalThis as { gc?: () => void }).gc;
		gc?.();
		const before = process.memoryUsage().heapUsed;
		const fleet = new AgentFleet({ engine, master, rng: new Rng("m") });
		fleet.addShape({ ...SHAPE, count: 60_000, attributes: { rack: "r{i % 40}", zone: "z{i / 20000}" } });
		fleet.startAll();
		engine.runUntil(0);
		gc?.();
		const perAgent = (process.memoryUsage().heapUsed - before) / 60_000;
		expect(fleet.agentId(59_999)).toBe("a59999");
		expect(perAgent).toBeLessThan(1024);
	});

	it("agents/ never reads the wall clock or Math.random", () => {
		const dir = fileURLToPath(new URL("../../agents/", import.meta.url));
		const files = readdirSync(dir);
		expect(files).toContain("fleet.ts");
		for (const f of files) {
			const src = readFileSync(dir + f, "utf8");
			expect(src, f).not.toMatch(/Date\.now|new Date|Math\.random|setTimeout|setInterval|performance\.now/);
		}
	});
});

describe("redelivery audit", () => {
	it("reports an unacknowledged update whose retry timer is gone, and nothing otherwise", async () => {
		const { Harness, task } = await import("../helpers/harness.js");
		const h = new Harness({ agents: [{ count: 1 }], checkInvariants: false });
		const f = h.framework();
		f.autoAck = false;
		f.subscribe();
		h.settle();
		const offers = f.offers();
		f.launch(offers, [task("t", offers[0]!, { cpus: 1, mem: 64 })]);
		h.run(100);
		expect(h.fleet.auditRedelivery()).toEqual([]);
		// Sabotage: cancel every pending engine event; the retry for STARTING goes with them.
		const engine = h.engine as unknown as { cancel(x: number): boolean };
		for (let handle = 0; handle < 64; handle++) engine.cancel(handle);
		expect(h.fleet.auditRedelivery().join("\n")).toMatch(/TASK_STARTING of task t is not acknowledged/);
	});
});

// Written from the mutation run's survivors (docs/testing.md).
describe("AgentFleet: options, groups and refusals", () => {
	it("refuses a negative latency and a retry backoff that is not 0 < min <= max", () => {
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const make = (o: Partial<AgentFleetOptions>) => () =>
			new AgentFleet({ engine, master, rng: new Rng("x"), ...o });
		expect(make({ latencyMs: -1 })).toThrow(new RangeError("agents: latencyMs must be >= 0, got -1"));
		expect(make({ latencyMs: Number.NaN })).toThrow(/latencyMs must be >= 0, got NaN/);
		const backoff = new RangeError("agents: need 0 < statusRetryMs <= statusRetryMaxMs");
		expect(make({ statusRetryMs: 0 })).toThrow(backoff);
		expect(make({ statusRetryMs: 20, statusRetryMaxMs: 10 })).toThrow(backoff);
		expect(make({ statusRetryMs: 10, statusRetryMaxMs: 10, latencyMs: 0 })).not.toThrow();
	});

	it("numbers each group's agents from 0 and knows nothing of an agent before it registers", () => {
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		expect(fleet.addShape({ ...SHAPE, group: "a", count: 2 })).toEqual({ first: 0, count: 2 });
		expect(fleet.addShape({ ...SHAPE, group: "b", count: 3 })).toEqual({ first: 2, count: 3 });
		expect([0, 1, 2, 3, 4].map((k) => fleet.hostname(k))).toEqual(["a-0", "a-1", "b-0", "b-1", "b-2"]);
		expect([0, 4].map((k) => fleet.group(k))).toEqual(["a", "b"]);
		expect(fleet.agentId(0)).toBeNull();
		expect(fleet.agentId(4)).toBeNull();
		expect(fleet.isUp(4)).toBe(false);
		// Partition and process restart need a registered agent.
		expect(fleet.partition(4, 1_000)).toBe(false);
		expect(fleet.restartProcess(4, 1_000, () => true)).toBe(false);
		fleet.startAll();
		engine.runUntil(0);
		expect(fleet.agentId(4)).toBe("agent-4");
		expect(fleet.isUp(4)).toBe(true);
		expect(fleet.isRegistered(4)).toBe(true);
	});

	it("startAll starts only agents never started: one that crashed stays down, one running registers once", () => {
		const { engine, master, fleet } = setup();
		fleet.crash(0, null);
		fleet.startAll();
		engine.runUntil(60_000);
		expect(master.of("register")).toHaveLength(3);
		expect(fleet.isUp(0)).toBe(false);
		expect(fleet.isUp(1)).toBe(true);
	});

	it("a second launch of a task id the agent already runs is dropped", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(0, "fw", task("t", "sleep 5"));
			f.runTask(0, "fw", task("t", "sleep 99"));
		});
		engine.runUntil(60_000);
		expect(fleet.stats.messagesDropped).toBe(1);
		expect(master.updates("t").map((x) => [x.t, x.state])).toEqual([
			[0, "TASK_STARTING"],
			[0, "TASK_RUNNING"],
			[5_000, "TASK_FINISHED"],
		]);
	});

	it("a partitioned agent cannot be partitioned again or restarted until it heals", () => {
		const { engine, fleet } = setup();
		expect(fleet.partition(1, 10_000)).toBe(true);
		expect(fleet.restartProcess(1, 1_000, () => true)).toBe(false);
		expect(fleet.heal(1)).toBe(true);
		expect(fleet.heal(1)).toBe(false);
		engine.runUntil(1);
		expect(fleet.restartProcess(1, 1_000, () => true)).toBe(true);
		expect(fleet.partition(1, 10_000)).toBe(false); // cut off while the process restarts
	});

	it("an agent that reregistered after a partition, then crashes, comes back as a new agent", () => {
		// The reregistration's answer is not one the agent waits for: it must not
		// count as a registration in flight, which would make the next one look stale.
		const { engine, master, fleet } = setup();
		fleet.partition(2, 5_000);
		engine.runUntil(10_000);
		expect(master.of("reregister")).toHaveLength(1);
		expect(fleet.isRegistered(2)).toBe(true);
		fleet.crash(2, 1_000);
		engine.runUntil(20_000);
		expect(master.of("exited").map((c) => c.agentId)).toEqual(["agent-2"]);
		expect(fleet.isRegistered(2)).toBe(true);
		expect(fleet.agentId(2)).toBe("agent-3");
	});

	it("a registration answered after the agent crashed and rebooted is for the old incarnation: it exits", () => {
		// The master takes 5 s to answer; the host crashes and reboots at once in between.
		const engine = new Engine();
		const master = new FakeMaster(engine);
		master.registerAgent = (endpoint, local, spec) => {
			master.calls.push({ t: engine.now, type: "register", local, spec });
			const id = `slow-${master.of("register").length - 1}`;
			engine.timeout(5_000, () => master.tell(() => endpoint.registered(local, id)));
		};
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.start(0);
		engine.runUntil(1_000);
		fleet.crash(0, 0);
		engine.runUntil(5_500);
		// slow-0 answers the first incarnation, which crashed: it is told to go.
		expect(master.of("exited").map((c) => c.agentId)).toEqual(["slow-0"]);
		expect(fleet.isRegistered(0)).toBe(false);
		engine.runUntil(7_000);
		expect(fleet.agentId(0)).toBe("slow-1");
		expect(fleet.isRegistered(0)).toBe(true);
	});

	it("a task sent to a partitioned agent is lost on the way", () => {
		const { engine, master, fleet } = setup();
		fleet.partition(0, 60_000);
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1")));
		expect(fleet.stats.messagesDropped).toBe(1);
		expect(fleet.liveTaskCount(0)).toBe(0);
		engine.runUntil(120_000);
		expect(master.updates("t")).toEqual([]);
	});
});

describe("AgentFleet: messages from the master, in every state", () => {
	it("a kill: TASK_KILLED with the shell's words; to a partitioned agent it is lost, and so is an acknowledgement", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(0, "fw", task("a", "sleep infinity"));
			f.runTask(1, "fw", task("b", "sleep infinity"));
		});
		engine.runUntil(1_000);
		master.tell((f) => f.killTask(0, "fw", "a"));
		engine.runUntil(2_000);
		const killed = master.updates("a").at(-1)!;
		expect([killed.state, killed.status.message]).toEqual([
			"TASK_KILLED",
			"Command terminated with signal Killed",
		]);
		expect(fleet.stats.tasksKilled).toBe(1);
		// A kill of a task that ended, or that the agent never had, changes nothing.
		master.tell((f) => {
			f.killTask(0, "fw", "a");
			f.killTask(0, "fw", "nope");
			f.killTask(0, "other", "a");
		});
		expect(fleet.stats.tasksKilled).toBe(1);
		fleet.partition(1, 60_000);
		const dropped = fleet.stats.messagesDropped;
		master.tell((f) => {
			f.killTask(1, "fw", "b");
			f.acknowledge(1, "fw", "b", "some-uuid");
			f.frameworkMessage(1, "fw", "e", "hello");
		});
		expect(fleet.stats.messagesDropped).toBe(dropped + 3);
		expect(fleet.stats.frameworkMessages).toBe(0);
		expect(fleet.liveTaskCount(1)).toBe(1);
		master.tell((f) => f.frameworkMessage(0, "fw", "e", "hello"));
		expect(fleet.stats.frameworkMessages).toBe(1);
	});

	it("acknowledgements that match no stream's head are counted and ignored", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 5")));
		engine.runUntil(100);
		const [starting] = master.updates("t");
		master.tell((f) => {
			f.acknowledge(0, "fw", "t", "not-the-uuid");
			f.acknowledge(0, "fw", "nope", starting!.status.uuid!);
			f.acknowledge(0, "other", "t", starting!.status.uuid!);
			f.acknowledge(2, "fw", "t", starting!.status.uuid!);
		});
		expect(fleet.stats.acksIgnored).toBe(4);
		expect(fleet.pendingUpdates()).toBe(2); // STARTING and RUNNING, one at a time
		// The right one lets the next update go; acknowledging the last one of an ended task forgets it.
		master.autoAck = true;
		master.tell((f) => f.acknowledge(0, "fw", "t", starting!.status.uuid!));
		engine.runUntil(10_000);
		expect(master.updates("t").map((x) => x.state)).toEqual([
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
		]);
		expect(master.updates("t").at(-1)!.status.message).toBe("Command exited with status 0");
		expect(fleet.pendingUpdates()).toBe(0);
		expect(fleet.auditRedelivery()).toEqual([]);
		master.tell((f) => f.acknowledge(0, "fw", "t", starting!.status.uuid!));
		expect(fleet.stats.acksIgnored).toBe(5);
		// A task that ended and was acknowledged is forgotten: its id can run again.
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1")));
		engine.runUntil(20_000);
		expect(master.updates("t").map((x) => x.state)).toEqual([
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
		]);
	});

	it("an acknowledgement for a live task with nothing left to acknowledge is ignored", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(0, "fw", task("svc", "sleep infinity")));
		engine.runUntil(1_000);
		const running = master.updates("svc").at(-1)!.status;
		expect(fleet.pendingUpdates()).toBe(0);
		master.tell((f) => f.acknowledge(0, "fw", "svc", running.uuid!));
		expect(fleet.stats.acksIgnored).toBe(1);
		expect(fleet.liveTaskCount(0)).toBe(1);
	});

	it("shutdownFramework of a framework the agent does not run, or of an agent with no tasks, does nothing", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(0, "fw", task("t", "sleep infinity"));
			f.runTask(0, "keep", task("k", "sleep infinity"));
		});
		engine.runUntil(1_000);
		master.tell((f) => {
			f.shutdownFramework(0, "nope");
			f.shutdownFramework(1, "fw");
		});
		expect(fleet.liveTaskCount(0)).toBe(2);
		master.tell((f) => f.shutdownFramework(0, "fw"));
		expect(fleet.liveTaskCount(0)).toBe(1);
		master.tell((f) => f.shutdownFramework(0, "keep"));
		expect(fleet.liveTaskCount(0)).toBe(0);
		// Tasks can be run there again afterwards.
		master.tell((f) => f.runTask(0, "fw", task("t2", "sleep 1")));
		engine.runUntil(5_000);
		expect(master.updates("t2").map((x) => x.state)).toEqual([
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
		]);
	});

	it("a crashed agent cannot be partitioned or restarted; a crash of a partitioned agent tells the master it exited", () => {
		const { engine, master, fleet } = setup();
		fleet.crash(0, null);
		expect(fleet.partition(0, 1_000)).toBe(false);
		expect(fleet.restartProcess(0, 1_000, () => true)).toBe(false);
		expect(fleet.partition(1, 60_000)).toBe(true);
		expect(fleet.crash(1, null)).toBe(true);
		engine.runUntil(1_000);
		expect(master.of("exited").map((c) => c.agentId)).toEqual(["agent-0", "agent-1"]);
		// Its partition's end finds it down: no reregistration.
		engine.runUntil(100_000);
		expect(master.of("reregister")).toHaveLength(0);
	});

	it("a process restart: the tasks of frameworks that do not checkpoint vanish; the rest are reported after downForMs", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(0, "ckpt", task("kept", "sleep infinity"));
			f.runTask(0, "plain", task("gone", "sleep infinity"));
		});
		engine.runUntil(1_000);
		expect(fleet.restartProcess(0, 4_000, (fw) => fw === "ckpt")).toBe(true);
		expect(fleet.liveTaskCount(0)).toBe(1);
		engine.runUntil(4_999);
		expect(master.of("exited").map((c) => [c.t, c.agentId])).toEqual([[1_000, "agent-0"]]);
		expect(master.of("reregister")).toHaveLength(0);
		engine.runUntil(5_000);
		const rr = master.of("reregister");
		expect(rr.map((c) => [c.t, c.agentId])).toEqual([[5_000, "agent-0"]]);
		expect(rr[0]!.tasks.map((t) => [t.frameworkId, t.task.task_id.value])).toEqual([["ckpt", "kept"]]);
		// Nothing survives: the agent reports no task.
		expect(fleet.restartProcess(0, 1_000, () => false)).toBe(true);
		engine.runUntil(10_000);
		expect(master.of("reregister").at(-1)!.tasks).toEqual([]);
		expect(fleet.liveTaskCount(0)).toBe(0);
	});

	it("flap: exactly `times` partitions; a crash in between ends the flapping", () => {
		const { engine, master, fleet } = setup();
		fleet.flap(0, 2, 5_000, 10_000);
		fleet.flap(1, 3, 5_000, 10_000);
		fleet.flap(2, 0, 5_000, 10_000);
		engine.runUntil(8_000);
		fleet.crash(1, 1_000); // reboots as a new agent, which does not flap
		engine.runUntil(200_000);
		expect(fleet.agentId(1)).toBe("agent-3");
		expect(master.of("link").filter((c) => c.agentId === "agent-3" || c.agentId === "agent-2")).toEqual([]);
		const links = (id: string) =>
			master
				.of("link")
				.filter((c) => c.agentId === id)
				.map((c) => [c.t, c.up]);
		expect(links("agent-0")).toEqual([
			[0, false],
			[5_000, true],
			[15_000, false],
			[20_000, true],
		]);
		expect(links("agent-1")).toEqual([
			[0, false],
			[5_000, true],
		]);
	});
});

// Written from the mutation run's survivors, one by one (issue #19).
describe("AgentFleet: stale events are told apart by generation", () => {
	it("a registration scheduled before a crash is not sent after the quick reboot", () => {
		// Boot at 0 sends registerAgent at 10; a crash at 0 with an immediate reboot
		// schedules the new incarnation's registerAgent at 10 too. Only that one goes.
		const engine = new Engine();
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x"), latencyMs: 10 });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.startAll();
		expect(fleet.crash(0, 0)).toBe(true);
		engine.runUntil(1_000);
		expect(master.of("register").map((c) => [c.t, c.local])).toEqual([[10, 0]]);
		expect(fleet.agentId(0)).toBe("agent-0");
		expect(master.of("exited")).toEqual([]);
	});

	it("the reboot of an earlier crash does not power on a host that was started and crashed again since", () => {
		const { engine, master, fleet } = setup();
		fleet.crash(0, 10_000); // would reboot at 10 s
		engine.runUntil(1_000);
		expect(fleet.start(0)).toBe(true); // powered on by hand instead
		engine.runUntil(2_000);
		expect(fleet.agentId(0)).toBe("agent-3");
		fleet.crash(0, null); // and down for good
		engine.runUntil(100_000);
		expect(fleet.isUp(0)).toBe(false);
		expect(master.of("register")).toHaveLength(4);
	});

	it("the end of a partition from before a crash does not end the new incarnation's partition", () => {
		const { engine, master, fleet } = setup();
		fleet.partition(0, 10_000); // would heal at 10 s
		engine.runUntil(1_000);
		fleet.crash(0, 0);
		engine.runUntil(2_000);
		expect(fleet.agentId(0)).toBe("agent-3");
		expect(fleet.partition(0, 60_000)).toBe(true); // heals at 62 s
		engine.runUntil(61_999);
		expect(fleet.isPartitioned(0)).toBe(true);
		expect(master.of("link").filter((c) => c.agentId === "agent-3")).toEqual([
			{ t: 2_000, type: "link", agentId: "agent-3", up: false },
		]);
		engine.runUntil(62_000);
		expect(fleet.isPartitioned(0)).toBe(false);
		expect(master.of("reregister").map((c) => [c.t, c.agentId])).toEqual([[62_000, "agent-3"]]);
	});

	it("a partition healed by hand is not healed again when its time runs out", () => {
		const { engine, master, fleet } = setup();
		fleet.partition(0, 10_000);
		engine.runUntil(1_000);
		expect(fleet.heal(0)).toBe(true);
		engine.runUntil(100_000);
		expect(master.of("link").map((c) => [c.t, c.up])).toEqual([
			[0, false],
			[1_000, true],
		]);
		expect(master.of("reregister").map((c) => c.t)).toEqual([1_000]);
	});
});

describe("AgentFleet: the outgoing queue", () => {
	it("thousands of updates in flight at once each reach the master once, in order, with their agent and framework", () => {
		// More than 4096 updates queued at the same time: the queue drops its
		// delivered front part while delivering (docs: one DELIVER per message).
		const { engine, master, fleet } = setup({ latencyMs: 3 });
		engine.runUntil(100); // registered at 3
		master.autoAck = false;
		const n = 5_000;
		const expected: string[] = [];
		master.tell((f) => {
			for (let k = 0; k < n; k++) {
				const local = k % 3;
				const fw = `fw${k % 5}`;
				f.runTask(local, fw, task(`t${k}`, "sleep infinity"));
				expected.push(`agent-${local} ${fw} t${k}`);
			}
		});
		engine.runUntil(103);
		const got = master.of("update").map((c) => `${c.agentId} ${c.frameworkId} ${c.status.task_id.value}`);
		expect(got).toHaveLength(n);
		expect(got).toEqual(expected);
		expect(master.of("update").every((c) => c.t === 103 && c.status.state === "TASK_STARTING")).toBe(true);
		// The queue keeps working afterwards.
		master.tell((f) => f.runTask(0, "fw0", task("late", "true")));
		engine.runUntil(110);
		expect(master.updates("late").map((x) => [x.t, x.state])).toEqual([[106, "TASK_STARTING"]]);
		expect(fleet.stats.updatesSent).toBe(n + 1);
	});
});

describe("AgentFleet: answers that arrive late", () => {
	it("a second answer to an earlier reregistration resends nothing: the agent already resumed", () => {
		// The master takes 5 s to answer; the agent is partitioned twice, so two answers come.
		const engine = new Engine();
		const master = new FakeMaster(engine);
		master.autoAck = false;
		master.reregisterAnswerMs = 5_000;
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.startAll();
		engine.runUntil(0);
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity")));
		engine.runUntil(100);
		fleet.partition(0, 900); // reregisters at 1 s, answered at 6 s
		engine.runUntil(2_000);
		fleet.partition(0, 1_000); // reregisters at 3 s, answered at 8 s
		engine.runUntil(40_000);
		expect(master.of("reregister").map((c) => c.t)).toEqual([1_000, 3_000]);
		// Resent at the first answer, then every 10 s, 20 s... from there.
		expect(master.updates("t").map((x) => x.t)).toEqual([0, 6_000, 16_000, 36_000]);
		expect(fleet.stats.updatesRetried).toBe(3);
	});

	it("a reregistration answered after the host crashed finds it down: the agent exits, and its next registration counts", () => {
		// The master takes 5 s to answer a reregistration; the host crashes in between.
		const engine = new Engine();
		const master = new FakeMaster(engine);
		master.reregisterAnswerMs = 5_000;
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape({ ...SHAPE, count: 1 });
		fleet.startAll();
		engine.runUntil(0);
		fleet.partition(0, 1_000);
		engine.runUntil(2_000);
		expect(master.of("reregister").map((c) => c.t)).toEqual([1_000]);
		fleet.crash(0, null);
		engine.runUntil(10_000);
		expect(fleet.isUp(0)).toBe(false);
		expect(fleet.isRegistered(0)).toBe(false);
		// Once for the crash, once for the answer that found the host down.
		expect(master.of("exited").map((c) => [c.t, c.agentId])).toEqual([
			[2_000, "agent-0"],
			[6_000, "agent-0"],
		]);
		expect(fleet.start(0)).toBe(true);
		engine.runUntil(11_000);
		expect(fleet.agentId(0)).toBe("agent-1");
		expect(fleet.isRegistered(0)).toBe(true);
	});
});

describe("AgentFleet: status update uuids", () => {
	it("are drawn from the fleet's own stream: four 32-bit numbers each, big-endian", () => {
		const { engine, master } = setup({}, "uuid-seed");
		master.tell((f) => {
			for (let k = 0; k < 5; k++) f.runTask(k % 3, "fw", task(`t${k}`, "sleep infinity"));
		});
		engine.runUntil(1_000);
		// In the order they were made: five STARTING, then five RUNNING.
		const made = master.updates().map((u) => u.status.uuid!);
		const rng = new Rng("uuid-seed");
		const expected = made.map(() => {
			const b = Buffer.alloc(16);
			for (let k = 0; k < 16; k += 4) b.writeUInt32BE(rng.int(4_294_967_296), k);
			b[6] = (b[6]! & 0x0f) | 0x40;
			b[8] = (b[8]! & 0x3f) | 0x80;
			return b.toString("base64");
		});
		expect(made).toEqual(expected);
	});

	it("are 16 random bytes shaped as a version-4 UUID, in canonical base64", () => {
		const { engine, master } = setup({}, "uuid-seed");
		master.tell((f) => {
			for (let k = 0; k < 100; k++) f.runTask(k % 3, "fw", task(`t${k}`, "true"));
		});
		engine.runUntil(1_000);
		const uuids = master.updates().map((u) => u.status.uuid!);
		expect(uuids).toHaveLength(300);
		expect(new Set(uuids).size).toBe(300);
		// Every bit but the 6 fixed ones is set in some uuid and clear in another.
		const ones = new Uint8Array(16);
		const zeros = new Uint8Array(16);
		for (const u of uuids) {
			const b = Buffer.from(u, "base64");
			expect(b).toHaveLength(16);
			expect(b.toString("base64"), u).toBe(u); // no stray bits in the last character
			expect(b[6]! >> 4, u).toBe(4); // version 4
			expect(b[8]! >> 6, u).toBe(2); // RFC 4122 variant
			b.forEach((x, k) => {
				ones[k] = ones[k]! | x;
				zeros[k] = zeros[k]! | (~x & 255);
			});
		}
		const varying = [...ones].map((o, k) => o & zeros[k]!);
		expect(varying).toEqual([...Array(6).fill(255), 0x0f, 255, 0x3f, ...Array(7).fill(255)]);
	});
});

describe("AgentFleet: faults and kills at the edges", () => {
	it("a kill of a task that ended but whose last update is not yet acknowledged changes nothing", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1")));
		engine.runUntil(5_000); // the process is over; STARTING waits for its ack
		expect(fleet.liveTaskCount(0)).toBe(0);
		master.tell((f) => f.killTask(0, "fw", "t"));
		expect(fleet.stats.tasksKilled).toBe(0);
		expect(fleet.liveTaskCount(0)).toBe(0);
		expect(fleet.liveTasks).toBe(0);
		expect(fleet.pendingUpdates()).toBe(3);
		master.autoAck = true;
		master.ack("agent-0", "fw", master.updates("t")[0]!.status);
		engine.runUntil(10_000);
		expect(master.updates("t").map((x) => x.state)).toEqual([
			"TASK_STARTING",
			"TASK_RUNNING",
			"TASK_FINISHED",
		]);
	});

	it("a crash while the reboot's registration is still on its way tells the master nothing more", () => {
		const { engine, master, fleet } = setup({ latencyMs: 10 });
		engine.runUntil(100);
		expect(fleet.crash(0, 0)).toBe(true); // agent-0 exits; registers again at 110
		engine.runUntil(105);
		expect(fleet.isUp(0)).toBe(true);
		expect(fleet.isRegistered(0)).toBe(false);
		expect(fleet.crash(0, null)).toBe(true); // it had no connection to drop
		engine.runUntil(1_000);
		expect(master.of("exited").map((c) => [c.t, c.agentId])).toEqual([[110, "agent-0"]]);
		expect(master.of("register")).toHaveLength(3);
		expect(fleet.isUp(0)).toBe(false);
	});

	it("a crashed agent is no longer partitioned: heal() refuses, and no reregistration follows", () => {
		const { engine, master, fleet } = setup();
		fleet.partition(1, 60_000);
		fleet.crash(1, null);
		expect(fleet.isPartitioned(1)).toBe(false);
		expect(fleet.heal(1)).toBe(false);
		engine.runUntil(100_000);
		expect(master.of("reregister")).toEqual([]);
		expect(master.of("link").map((c) => c.up)).toEqual([false]);
	});
});

describe("AgentFleet: agents added while running, and agent indices", () => {
	it("agents added later (a group scaled up mid-run) leave the running ones as they were", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(1, "fw", task("svc", "sleep infinity")));
		fleet.partition(2, 1_000_000);
		fleet.crash(0, null);
		engine.runUntil(1_000);
		expect(fleet.addShape({ ...SHAPE, group: "more", count: 200 })).toEqual({ first: 3, count: 200 });
		expect(fleet.size).toBe(203);
		expect([0, 1, 2].map((k) => [fleet.isUp(k), fleet.isRegistered(k), fleet.isPartitioned(k)])).toEqual([
			[false, false, false],
			[true, true, false],
			[true, true, true],
		]);
		expect(fleet.liveTaskCount(1)).toBe(1);
		expect([0, 2, 3, 202].map((k) => fleet.group(k))).toEqual(["node", "node", "more", "more"]);
		expect(fleet.isUp(202)).toBe(false);
		for (let k = 3; k < 203; k++) fleet.start(k);
		engine.runUntil(2_000);
		expect(fleet.agentId(202)).toBe("agent-202");
		// The old ones still behave as before: the crashed one stays down, the partition is still on.
		expect(fleet.isUp(0)).toBe(false);
		expect(fleet.isPartitioned(2)).toBe(true);
		master.tell((f) => f.killTask(1, "fw", "svc"));
		engine.runUntil(3_000);
		expect(master.updates("svc").at(-1)!.state).toBe("TASK_KILLED");
	});

	it("refuses an index that names no agent, saying how many there are", () => {
		const { fleet } = setup();
		for (const bad of [-1, 3, 0.5, Number.NaN])
			expect(() => fleet.isUp(bad)).toThrow(
				new RangeError(`agents: no agent with local index ${bad} (fleet has 3)`),
			);
		expect(fleet.isUp(2)).toBe(true);
	});

	it("a master message to an agent whose registration is not yet answered is dropped", () => {
		const { engine, master, fleet } = setup({ latencyMs: 10 }); // registers at 10
		expect(fleet.isUp(0)).toBe(true);
		expect(fleet.isRegistered(0)).toBe(false);
		master.tell((f) => {
			f.runTask(0, "fw", task("early", "sleep 1"));
			f.frameworkMessage(0, "fw", "e", "hi");
		});
		expect(fleet.stats.messagesDropped).toBe(2);
		expect(fleet.stats.frameworkMessages).toBe(0);
		expect(fleet.liveTaskCount(0)).toBe(0);
		engine.runUntil(100_000);
		expect(master.updates("early")).toEqual([]);
	});
});

describe("AgentFleet: redelivery after reregistration, and what a crash drops", () => {
	it("after reregistering, the unacknowledged head is resent at once and its backoff starts again from 10 s", () => {
		const { engine, master } = setup();
		master.autoAck = false;
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity")));
		engine.runUntil(12_000); // sent at 0, resent at 10 s; next would be 30 s
		master.fleet!.partition(0, 3_000); // heals and reregisters at 15 s
		engine.runUntil(100_000);
		expect(master.of("reregister").map((c) => c.t)).toEqual([15_000]);
		expect(master.updates("t").map((x) => x.t)).toEqual([0, 10_000, 15_000, 25_000, 45_000, 85_000]);
		expect(new Set(master.updates("t").map((x) => x.status.uuid)).size).toBe(1);
	});

	it("a crash drops a task that ended but is not acknowledged without counting it as a live task lost", () => {
		const { engine, master, fleet } = setup();
		master.autoAck = false;
		master.tell((f) => {
			f.runTask(0, "fw", task("done", "sleep 1"));
			f.runTask(0, "fw", task("svc", "sleep infinity"));
		});
		engine.runUntil(5_000);
		expect(fleet.liveTaskCount(0)).toBe(1);
		expect(fleet.liveTasks).toBe(1);
		fleet.crash(0, 0);
		expect(fleet.stats.tasksDropped).toBe(1);
		expect(fleet.liveTaskCount(0)).toBe(0);
		expect(fleet.liveTasks).toBe(0);
		expect(fleet.pendingUpdates()).toBe(0);
		engine.runUntil(10_000);
		master.autoAck = true;
		master.tell((f) => f.runTask(0, "fw", task("next", "sleep infinity")));
		engine.runUntil(11_000);
		expect(fleet.liveTaskCount(0)).toBe(1);
		expect(fleet.liveTasks).toBe(1);
	});

	it("STARTING and RUNNING carry no message; the terminal updates say why", () => {
		const { engine, master } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep 1")));
		engine.runUntil(5_000);
		const u = master.updates("t");
		expect(u.map((x) => [x.state, "message" in x.status])).toEqual([
			["TASK_STARTING", false],
			["TASK_RUNNING", false],
			["TASK_FINISHED", true],
		]);
	});
});

describe("AgentFleet: the engine events it cancels are its own", () => {
	it("dropping or killing tasks whose updates were all acknowledged leaves other events alone", () => {
		// Events scheduled before the fleet's own take the engine's first slots
		// (handles 0 and 1); a timer handle kept past its use must not name them.
		const engine = new Engine();
		const fired: string[] = [];
		engine.timeout(500_000, () => fired.push("first"));
		engine.timeout(500_000, () => fired.push("second"));
		const master = new FakeMaster(engine);
		const fleet = new AgentFleet({ engine, master, rng: new Rng("x") });
		master.fleet = fleet;
		fleet.addShape(SHAPE);
		fleet.startAll();
		engine.runUntil(0);
		master.tell((f) => {
			f.runTask(0, "fw", task("a", "sleep infinity"));
			f.runTask(1, "fw", task("b", "sleep infinity"));
			f.runTask(2, "fw", task("c", "sleep infinity"));
		});
		engine.runUntil(1_000);
		expect(fleet.pendingUpdates()).toBe(0);
		master.tell((f) => f.shutdownFramework(0, "fw"));
		fleet.crash(1, null);
		master.tell((f) => f.killTask(2, "fw", "c"));
		engine.runUntil(1_000_000);
		expect(fired).toEqual(["first", "second"]);
	});
});

describe("AgentFleet: forgetting one task keeps its neighbours", () => {
	it("a task of the same framework, and one of another framework, still run after a neighbour is forgotten", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => {
			f.runTask(0, "fw1", task("done", "sleep 1"));
			f.runTask(0, "fw1", task("same", "sleep infinity"));
			f.runTask(0, "fw2", task("other", "sleep infinity"));
			f.runTask(0, "fw3", task("only", "sleep 2"));
			f.runTask(1, "fw1", task("alone", "sleep 1"));
		});
		engine.runUntil(5_000); // "done", "only" and "alone" finished, acknowledged and forgotten
		expect(fleet.pendingUpdates()).toBe(0);
		expect(fleet.liveTaskCount(0)).toBe(2);
		// Every update is acknowledged, so no retry is armed and none is missing.
		expect(fleet.auditRedelivery()).toEqual([]);
		fleet.partition(0, 1_000);
		engine.runUntil(7_000);
		expect(master.of("reregister")[0]!.tasks.map((t) => [t.frameworkId, t.task.task_id.value])).toEqual([
			["fw1", "same"],
			["fw2", "other"],
		]);
		master.tell((f) => {
			f.killTask(0, "fw1", "same");
			f.killTask(0, "fw2", "other");
		});
		engine.runUntil(8_000);
		expect([master.updates("same").at(-1)!.state, master.updates("other").at(-1)!.state]).toEqual([
			"TASK_KILLED",
			"TASK_KILLED",
		]);
		expect(fleet.liveTaskCount(0)).toBe(0);
	});
});

describe("AgentFleet: the startup delay label", () => {
	it("only the startup-delay label delays TASK_RUNNING, and only by a finite positive number", () => {
		const { engine, master } = setup();
		const labelled = (id: string, labels: [string, string][]): TaskInfo => ({
			...task(id, "sleep infinity"),
			labels: { labels: labels.map(([key, value]) => ({ key, value })) },
		});
		master.tell((f) => {
			f.runTask(0, "fw", labelled("other-label", [["team", "3000"]]));
			f.runTask(
				0,
				"fw",
				labelled("second", [
					["team", "x"],
					[STARTUP_DELAY_LABEL, "3000"],
				]),
			);
			f.runTask(
				0,
				"fw",
				labelled("first-wins", [
					[STARTUP_DELAY_LABEL, "2000"],
					[STARTUP_DELAY_LABEL, "9000"],
				]),
			);
			f.runTask(0, "fw", labelled("text", [[STARTUP_DELAY_LABEL, "soon"]]));
			f.runTask(0, "fw", labelled("negative", [[STARTUP_DELAY_LABEL, "-5000"]]));
			f.runTask(0, "fw", labelled("infinite", [[STARTUP_DELAY_LABEL, "Infinity"]]));
			f.runTask(0, "fw", labelled("none", []));
		});
		engine.runUntil(1_000);
		engine.runUntil(100_000);
		const running = (id: string) => master.updates(id).find((x) => x.state === "TASK_RUNNING")?.t;
		expect(
			["other-label", "second", "first-wins", "text", "negative", "infinite", "none"].map(running),
		).toEqual([0, 3000, 2000, 0, 0, 0, 0]);
	});
});

describe("AgentFleet: after a crash", () => {
	it("the rebooted agent runs a task with the id of one it lost, and reports only that one", () => {
		const { engine, master, fleet } = setup();
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity")));
		engine.runUntil(1_000);
		fleet.crash(0, 1_000);
		engine.runUntil(3_000);
		expect(fleet.agentId(0)).toBe("agent-3");
		master.tell((f) => f.runTask(0, "fw", task("t", "sleep infinity")));
		engine.runUntil(4_000);
		expect(fleet.stats.messagesDropped).toBe(0);
		expect(fleet.liveTaskCount(0)).toBe(1);
		expect(master.updates("t").map((x) => [x.t, x.state, x.status.agent_id?.value])).toEqual([
			[0, "TASK_STARTING", "agent-0"],
			[0, "TASK_RUNNING", "agent-0"],
			[3_000, "TASK_STARTING", "agent-3"],
			[3_000, "TASK_RUNNING", "agent-3"],
		]);
		fleet.partition(0, 1_000);
		engine.runUntil(6_000);
		expect(master.of("reregister")[0]!.tasks).toHaveLength(1);
	});
});
