/**
 * The benchmark rig: a real Master on an Engine, agents registered directly
 * with a no-op AgentEndpoint (no fleet: nothing runs), and frameworks as
 * direct master.subscribe/call clients whose sink only records offers.
 *
 * Nothing here touches the master's internals: agents come in through
 * MasterAgentApi (registerAgent, or reregisterAgent with the tasks an agent
 * already runs — Mesos's benchmarks pass those "used" resources to addSlave),
 * frameworks through the scheduler API (SUBSCRIBE, DECLINE, ACCEPT, SUPPRESS).
 * The caller times allocator.cycle() and nothing else.
 */

import { Engine, RngStreams } from "../../engine/index.js";
import {
	type AgentEndpoint,
	type AgentSpec,
	type Call,
	type Event,
	type FrameworkInfo,
	Master,
	type MasterFlags,
	type Offer,
	type Range,
	type Resource,
	type TaskInfo,
} from "../../master/index.js";

/** Mesos's benchmarks decline with refuse_seconds = INT_MAX; the master caps it at 365 days. */
export const REFUSE_FOREVER_S = 2_147_483_647;

/** An AgentEndpoint that does nothing: tasks are launched into the void. */
export class NoopAgentEndpoint implements AgentEndpoint {
	tasksLaunched = 0;
	registered(): void {}
	runTask(): void {
		this.tasksLaunched++;
	}
	killTask(): void {}
	acknowledge(): void {}
	shutdownFramework(): void {}
	frameworkMessage(): void {}
}

/** A framework client: SUBSCRIBE through the master's scheduler API; the sink records offers. */
export class BenchFramework {
	readonly master: Master;
	readonly name: string;
	id = "";
	streamId = "";
	/** OFFERS events' offer lists since the last take(); recording is all the sink does. */
	batches: Offer[][] = [];
	offersReceived = 0;

	constructor(master: Master, name: string) {
		this.master = master;
		this.name = name;
	}

	subscribe(info: Partial<FrameworkInfo> = {}, suppressedRoles?: string[]): void {
		const framework_info: FrameworkInfo = { user: "bench", name: this.name, ...info };
		const call: Call = { type: "SUBSCRIBE", subscribe: { framework_info } };
		if (suppressedRoles !== undefined) call.subscribe!.suppressed_roles = suppressedRoles;
		const res = this.master.subscribe(call, {
			send: (e: Event) => {
				if (e.type === "OFFERS") this.batches.push(e.offers.offers);
			},
			close: () => {},
		});
		if (!res.ok) throw new Error(`bench: SUBSCRIBE of ${this.name} failed: ${res.message}`);
		this.id = res.frameworkId;
		this.streamId = res.streamId;
	}

	/** Offers received since the last call (and forgets them). */
	take(): Offer[] {
		const out: Offer[] = [];
		for (const b of this.batches) for (const o of b) out.push(o);
		this.batches = [];
		this.offersReceived += out.length;
		return out;
	}

	call(call: Omit<Call, "framework_id">): void {
		const res = this.master.call({ ...call, framework_id: { value: this.id } } as Call, this.streamId);
		if (!res.ok)
			throw new Error(`bench: ${call.type} of ${this.name} failed (${res.status}): ${res.message}`);
	}

	/** Declines offers; `refuseSeconds` null means no filter (refuse 0). */
	decline(offers: readonly Offer[], refuseSeconds: number | null): void {
		if (offers.length === 0) return;
		this.call({
			type: "DECLINE",
			decline: { offer_ids: offers.map((o) => o.id), filters: { refuse_seconds: refuseSeconds ?? 0 } },
		});
	}

	suppress(): void {
		this.call({ type: "SUPPRESS", suppress: {} });
	}
}

export interface AgentResources {
	cpus: number;
	mem: number;
	disk: number;
	gpus?: number;
	ports?: Range[];
}

export interface RigOptions {
	seed?: number;
	flags?: Partial<MasterFlags>;
	/** Record every decision (docs/explain.md) into a sink that only counts them: the cost of recording. */
	recordDecisions?: boolean;
}

/** Engine + master + no-op agents + framework clients. */
export class BenchRig {
	readonly engine = new Engine();
	readonly master: Master;
	readonly endpoint = new NoopAgentEndpoint();
	readonly frameworks: BenchFramework[] = [];
	#agents = 0;

	constructor(opts: RigOptions = {}) {
		const streams = new RngStreams(opts.seed ?? 1);
		this.master = new Master({ engine: this.engine, streams, flags: opts.flags ?? {} });
		if (opts.recordDecisions === true) this.master.recordDecisions({ write: () => this.decisionRecords++ });
	}

	/** Decision records written (with recordDecisions). */
	decisionRecords = 0;

	get agentCount(): number {
		return this.#agents;
	}

	addFramework(name: string, info: Partial<FrameworkInfo> = {}, suppressedRoles?: string[]): BenchFramework {
		const f = new BenchFramework(this.master, name);
		f.subscribe(info, suppressedRoles);
		this.frameworks.push(f);
		return f;
	}

	/** A new agent, as a freshly started agent registers. */
	registerAgent(r: AgentResources): void {
		const local = this.#agents++;
		this.master.registerAgent(this.endpoint, local, benchAgentInfo(local, r));
	}

	/**
	 * An agent that already runs `used` for framework `fw` (Mesos: addSlave with
	 * `used`): it reregisters with one task holding those resources. The
	 * framework must be partition-aware, as a reregistering agent's tasks of
	 * other frameworks are shut down.
	 */
	addAgentWithUsed(r: AgentResources, fw: BenchFramework, used: AgentResources): void {
		const local = this.#agents++;
		const agentId = `${this.master.id}-S${local}`;
		const task: TaskInfo = {
			name: "used",
			task_id: { value: `used-${local}` },
			agent_id: { value: agentId },
			resources: resourcesOf(used),
			command: { value: "sleep infinity" },
		};
		this.master.reregisterAgent(this.endpoint, local, agentId, benchAgentInfo(local, r), [
			{ frameworkId: fw.id, task, state: "TASK_RUNNING" },
		]);
	}

	/** Runs every pending engine event up to now (cycles triggered by subscriptions and agents). */
	settle(): void {
		this.engine.runUntil(this.engine.now);
	}

	/** Advances the simulated clock (heartbeats and other timers run; no periodic cycle: the rig drives cycles). */
	advance(ms: number): void {
		this.engine.runUntil(this.engine.now + ms);
	}
}

/** The AgentSpec of bench agent number `local` (no attributes). */
function benchAgentInfo(local: number, r: AgentResources): AgentSpec {
	return {
		hostname: `bench-agent-${local}`,
		cpus: r.cpus,
		mem: r.mem,
		disk: r.disk,
		gpus: r.gpus ?? 0,
		ports: r.ports ?? [],
		attributes: [],
	};
}

export function resourcesOf(r: AgentResources): Resource[] {
	const out: Resource[] = [];
	const scalar = (name: string, value: number) => {
		if (value > 0) out.push({ name, type: "SCALAR", scalar: { value } });
	};
	scalar("cpus", r.cpus);
	scalar("mem", r.mem);
	scalar("disk", r.disk);
	scalar("gpus", r.gpus ?? 0);
	if (r.ports !== undefined && r.ports.length > 0)
		out.push({ name: "ports", type: "RANGES", ranges: { range: r.ports.map((p) => ({ ...p })) } });
	return out;
}

/**
 * Mesos's fragment(bounds, n) (src/tests/utils): n ranges made from `bounds`
 * by removing every other value from the front — [b], [b+2], …, [b+2(n-2)],
 * [b+2(n-1), end]. Used to give each benchmark agent 16 used port ranges.
 */
export function fragment(bounds: Range, n: number): Range[] {
	const out: Range[] = [];
	for (let i = 0; i < n - 1; i++) out.push({ begin: bounds.begin + 2 * i, end: bounds.begin + 2 * i });
	out.push({ begin: bounds.begin + 2 * (n - 1), end: bounds.end });
	return out;
}
