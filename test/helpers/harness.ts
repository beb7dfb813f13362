/**
 * A small test harness: a real master and agent fleet on an engine, plus
 * scripted frameworks whose calls go straight to the master (so a test sees
 * the status code) and whose events are recorded.
 */
import { AgentFleet, type AgentShape } from "../../agents/index.js";
import { Engine, RngStreams } from "../../engine/index.js";
import {
	type AllocatorChecks,
	type Call,
	type CallResult,
	type Event,
	type FrameworkInfo,
	InvariantChecker,
	Master,
	type MasterFlags,
	type Offer,
	type TaskInfo,
	type TaskStatus,
} from "../../master/index.js";

export interface HarnessOptions {
	seed?: number;
	flags?: Partial<MasterFlags>;
	/** The allocator's test switches (full scan, role walk). */
	checks?: Partial<AllocatorChecks>;
	agents?: (Partial<AgentShape> & { count: number })[];
	/** Check master invariants after every event (default true). */
	checkInvariants?: boolean;
}

export class TestFramework {
	readonly events: Event[] = [];
	/** Simulated time (ms) at which each event of `events` arrived (parallel array). */
	readonly times: number[] = [];
	readonly master: Master;
	readonly engine: Engine;
	id = "";
	streamId = "";
	closed = false;
	autoAck = true;
	/**
	 * Scripted behaviour: called for every event at the same simulated time,
	 * right after the master finished sending it (never re-entrantly).
	 */
	react: ((e: Event) => void) | null = null;
	#subscription = 0;

	constructor(master: Master, engine: Engine) {
		this.master = master;
		this.engine = engine;
	}

	subscribe(info: Partial<FrameworkInfo> = {}, suppressedRoles?: string[]) {
		const framework_info: FrameworkInfo = { user: "test", name: "test", ...info };
		if (this.id !== "" && framework_info.id === undefined) framework_info.id = { value: this.id };
		const call: Call = { type: "SUBSCRIBE", subscribe: { framework_info } };
		if (suppressedRoles !== undefined) call.subscribe!.suppressed_roles = suppressedRoles;
		if (framework_info.id !== undefined) call.framework_id = framework_info.id;
		this.closed = false;
		const subscription = ++this.#subscription;
		const res = this.master.subscribe(call, {
			send: (e) => {
				this.events.push(e);
				this.times.push(this.engine.now);
				const react = this.react;
				if (react !== null) {
					this.engine.timeout(0, () => {
						if (!this.closed) react(e);
					});
				}
				if (this.autoAck && e.type === "UPDATE" && e.update.status.uuid !== undefined) {
					const s = e.update.status;
					this.engine.timeout(0, () => {
						if (!this.closed) this.ack(s);
					});
				}
			},
			close: () => {
				// Only the current subscription's stream counts (a resubscription replaces it).
				if (subscription === this.#subscription) this.closed = true;
			},
		});
		if (res.ok) {
			this.id = res.frameworkId;
			this.streamId = res.streamId;
		}
		return res;
	}

	call(call: Omit<Call, "framework_id"> & { framework_id?: Call["framework_id"] }): CallResult {
		const c = { framework_id: { value: this.id }, ...call } as Call;
		return this.master.call(c, this.streamId);
	}

	/** The client side of the stream goes away. */
	disconnect(): void {
		this.master.disconnect(this.streamId);
		this.closed = true;
	}

	/** Time (ms) at which `e` (an element of `events`) arrived. */
	timeOf(e: Event): number {
		return this.times[this.events.indexOf(e)]!;
	}

	ack(s: TaskStatus): CallResult {
		return this.call({
			type: "ACKNOWLEDGE",
			acknowledge: { agent_id: s.agent_id!, task_id: s.task_id, uuid: s.uuid! },
		});
	}

	/** All offers received and not yet rescinded, used or declined by this helper. */
	offers(): Offer[] {
		const out = new Map<string, Offer>();
		for (const e of this.events) {
			if (e.type === "OFFERS") for (const o of e.offers.offers) out.set(o.id.value, o);
			if (e.type === "RESCIND") out.delete(e.rescind.offer_id.value);
		}
		for (const id of this.#used) out.delete(id);
		return [...out.values()];
	}

	#used = new Set<string>();

	decline(offers: Offer[], refuseSeconds?: number): CallResult {
		for (const o of offers) this.#used.add(o.id.value);
		const decline: NonNullable<Call["decline"]> = { offer_ids: offers.map((o) => o.id) };
		if (refuseSeconds !== undefined) decline.filters = { refuse_seconds: refuseSeconds };
		return this.call({ type: "DECLINE", decline });
	}

	launch(offers: Offer[], tasks: TaskInfo[], refuseSeconds?: number): CallResult {
		for (const o of offers) this.#used.add(o.id.value);
		const accept: NonNullable<Call["accept"]> = {
			offer_ids: offers.map((o) => o.id),
			operations: [{ type: "LAUNCH", launch: { task_infos: tasks } }],
		};
		if (refuseSeconds !== undefined) accept.filters = { refuse_seconds: refuseSeconds };
		return this.call({ type: "ACCEPT", accept });
	}

	updates(taskId?: string): TaskStatus[] {
		const out: TaskStatus[] = [];
		for (const e of this.events) {
			if (e.type === "UPDATE" && (taskId === undefined || e.update.status.task_id.value === taskId))
				out.push(e.update.status);
		}
		return out;
	}

	eventsOf<T extends Event["type"]>(type: T): Extract<Event, { type: T }>[] {
		return this.events.filter((e): e is Extract<Event, { type: T }> => e.type === type);
	}

	clearEvents(): void {
		this.events.length = 0;
		this.times.length = 0;
	}
}

export function task(
	id: string,
	offer: Offer,
	res: {
		cpus?: number;
		mem?: number;
		disk?: number;
		gpus?: number;
		ports?: { begin: number; end: number }[];
	},
	command = "sleep infinity",
): TaskInfo {
	const resources: TaskInfo["resources"] = [];
	for (const name of ["cpus", "mem", "disk", "gpus"] as const) {
		const v = res[name];
		if (v !== undefined && v > 0) resources.push({ name, type: "SCALAR", scalar: { value: v } });
	}
	if (res.ports !== undefined && res.ports.length > 0)
		resources.push({ name: "ports", type: "RANGES", ranges: { range: res.ports } });
	return {
		name: id,
		task_id: { value: id },
		agent_id: offer.agent_id,
		resources,
		command: { shell: true, value: command },
	};
}

export function scalar(offer: Offer, name: string): number {
	let v = 0;
	for (const r of offer.resources) if (r.name === name) v += r.scalar?.value ?? 0;
	return v;
}

export class Harness {
	readonly engine = new Engine();
	readonly streams: RngStreams;
	readonly master: Master;
	readonly fleet: AgentFleet;
	readonly checker: InvariantChecker | null;

	constructor(opts: HarnessOptions = {}) {
		this.streams = new RngStreams(opts.seed ?? 1);
		this.master = new Master({
			engine: this.engine,
			streams: this.streams,
			flags: opts.flags ?? {},
			checks: opts.checks ?? {},
		});
		this.fleet = new AgentFleet({
			engine: this.engine,
			master: this.master,
			rng: this.streams.stream("agents"),
		});
		for (const [k, a] of (opts.agents ?? [{ count: 1 }]).entries()) {
			this.fleet.addShape({ group: `g${k}`, cpus: 4, mem: 4096, disk: 10000, gpus: 0, ...a });
		}
		this.checker = opts.checkInvariants === false ? null : new InvariantChecker(this.master);
		this.checker?.addCheck(() => this.fleet.auditRedelivery());
		const c = this.checker;
		if (c !== null) {
			this.engine.afterEvent = () => {
				c.check();
			};
		}
		this.master.start();
		this.fleet.startAll();
		this.settle();
	}

	framework(): TestFramework {
		return new TestFramework(this.master, this.engine);
	}

	/** Runs events until simulated time `ms` from now. */
	run(ms: number): void {
		this.engine.runUntil(this.engine.now + ms);
	}

	/** Runs everything scheduled at the current time (no clock advance). */
	settle(): void {
		this.engine.runUntil(this.engine.now);
	}

	/** Two subscribed frameworks ("a", "b") with one offer each (the harness needs two agents). */
	twoFrameworksWithOffers(): { f1: TestFramework; f2: TestFramework; o1: Offer; o2: Offer } {
		const f1 = this.framework();
		const f2 = this.framework();
		f1.subscribe({ name: "a" });
		f2.subscribe({ name: "b" });
		this.settle();
		const [o1] = f1.offers();
		const [o2] = f2.offers();
		if (o1 === undefined || o2 === undefined) throw new Error("each framework should hold an offer");
		return { f1, f2, o1, o2 };
	}

	violations(): string[] {
		this.checker?.checkAll();
		return this.checker?.violations ?? [];
	}
}
