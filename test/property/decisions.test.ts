/**
 * Decision records tell the truth (docs/explain.md). On random scenarios with
 * faults (test/helpers/scenario-arb.ts):
 *  - replay: the offers read back from the recorded cycles are exactly the
 *    offers the master made (id, framework, role, agent, resources, in order),
 *    and each visit's outcome follows from its record: the offered framework is
 *    the first in its role not passed over, in the first role that was not
 *    skipped or refused, and the roles come in the sorter's order;
 *  - every reason is checked against the master's state at the moment the
 *    allocator gives it (the filter exists and covers, the quota limit leaves
 *    nothing, the agent has GPUs, min_allocatable fails, the agent is empty or
 *    not active, the framework is inactive or suppressed);
 *  - recording changes nothing: the run's event-log hash is the same with it off.
 * Runs: RUNS scenarios (default 25) of up to 30 agents and 20 minutes each.
 */
import { test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
	AGENT_STATE,
	type AllocationRecorder,
	type CycleRecord,
	type DecisionRecord,
	DecisionRecorder,
	type FrameworkRecord,
	fixed,
	type Master,
	type PassReason,
	type Range,
	type RoleRecord,
	type RoleTry,
	SCALAR_NAMES,
} from "../../master/index.js";
import { recordDecisions, runSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";
import { scenarioArb } from "../helpers/scenario-arb.js";

const RUNS = Number(process.env.DECISION_RUNS ?? 25);
const EPS = 1e-6;

/** Checks each call against the master's state, then passes it on to the real recorder. */
class CheckingRecorder implements AllocationRecorder {
	readonly problems: string[] = [];
	readonly #next: DecisionRecorder;
	readonly #master: Master;
	#agent = -1;
	#role: RoleRecord | null = null;
	#offerable = new Float64Array(4);
	#ports: readonly Range[] = [];
	checked = 0;

	constructor(master: Master, next: DecisionRecorder) {
		this.#master = master;
		this.#next = next;
	}

	#fail(what: string): void {
		if (this.problems.length < 10) this.problems.push(`t=${this.#master.now} agent ${this.#agent}: ${what}`);
	}

	cycleStart(cycle: number, now: number): void {
		this.#next.cycleStart(cycle, now);
	}

	visitStart(agent: number): void {
		this.#agent = agent;
		this.#next.visitStart(agent);
	}

	visitSkipped(reason: "AGENT_NOT_ACTIVE" | "AGENT_EMPTY"): void {
		this.checked++;
		const cluster = this.#master.cluster;
		const a = this.#agent;
		if (reason === "AGENT_NOT_ACTIVE" && cluster.state[a] === AGENT_STATE.ACTIVE)
			this.#fail("active agent skipped as not active");
		if (reason === "AGENT_EMPTY") {
			for (let k = 0; k < 4; k++)
				if (cluster.free(a, k) > EPS) this.#fail(`agent skipped as empty has ${SCALAR_NAMES[k]} free`);
			if (cluster.freePorts[a]!.length > 0) this.#fail("agent skipped as empty has ports free");
		}
		this.#next.visitSkipped(reason);
	}

	roleSkipped(role: RoleRecord, reason: "QUOTA_LIMIT"): void {
		this.checked++;
		const cluster = this.#master.cluster;
		for (let k = 0; k < 4; k++) {
			if (cluster.free(this.#agent, k) <= 0) continue;
			if (role.limit[k]! - role.consumed[k]! > 1e-4)
				this.#fail(`role ${role.name} skipped at its quota limit with ${SCALAR_NAMES[k]} headroom left`);
		}
		this.#next.roleSkipped(role, reason);
	}

	roleTried(
		role: RoleRecord,
		offerable: Float64Array,
		ports: readonly Range[],
		cappedBy: RoleRecord | null,
	): void {
		this.#role = role;
		this.#offerable = Float64Array.from(offerable);
		this.#ports = ports;
		const cluster = this.#master.cluster;
		for (let k = 0; k < 4; k++) {
			const free = cluster.free(this.#agent, k);
			if (offerable[k]! > free + EPS)
				this.#fail(`role ${role.name} offered more ${SCALAR_NAMES[k]} than is free`);
			if (cappedBy === null && Math.abs(offerable[k]! - free) > EPS)
				this.#fail(`uncapped offerable differs from free`);
		}
		if (cappedBy !== null && !cappedBy.hasLimit) this.#fail(`capped by ${cappedBy.name}, which has no limit`);
		this.#next.roleTried(role, offerable, ports, cappedBy);
	}

	passed(fw: FrameworkRecord, reason: PassReason): void {
		this.checked++;
		const role = this.#role!;
		const m = this.#master;
		const q = this.#offerable;
		switch (reason) {
			case "DECLINE_FILTER": {
				const f = fw.filters.filterOn(this.#agent, role.idx, m.now);
				if (f === null) this.#fail(`${fw.info.name}: no live filter`);
				else if (q[0]! > f.cpus + EPS || q[1]! > f.mem + EPS || q[2]! > f.disk + EPS || q[3]! > f.gpus + EPS)
					this.#fail(`${fw.info.name}: the filter does not cover the offerable resources`);
				break;
			}
			case "GPU_CAPABILITY":
				if (fw.gpuCapable || m.cluster.total[3]![this.#agent]! <= 0)
					this.#fail(`${fw.info.name}: GPU reason without cause`);
				break;
			case "MIN_ALLOCATABLE": {
				const sets = fw.minAllocatable.get(role.idx) ?? m.flags.minAllocatable;
				const any = this.#ports.length > 0 || q.some((v) => v > 0);
				const holds = sets.some((set) =>
					Object.entries(set).every(([name, need]) => {
						const k = SCALAR_NAMES.indexOf(name as (typeof SCALAR_NAMES)[number]);
						return k >= 0 ? q[k]! + EPS >= (need ?? 0) : (need ?? 0) <= EPS;
					}),
				);
				if (any && (sets.length === 0 || holds)) this.#fail(`${fw.info.name}: min_allocatable holds`);
				break;
			}
			default:
				this.#fail(`${fw.info.name}: unexpected pass reason ${reason}`);
		}
		if (!fw.active || fw.suppressed.has(role.name))
			this.#fail(`${fw.info.name}: tried while inactive or suppressed`);
		this.#next.passed(fw, reason);
	}

	offered(
		fw: FrameworkRecord,
		offerId: string,
		q: Float64Array,
		ports: readonly Range[],
		shareBefore: number,
	): void {
		const role = this.#role!;
		if (!fw.active || fw.suppressed.has(role.name))
			this.#fail(`${fw.info.name}: offered while inactive or suppressed`);
		this.#next.offered(fw, offerId, q, ports, shareBefore);
	}

	visitDone(): void {
		this.#next.visitDone();
	}

	cycleDone(): void {
		this.#next.cycleDone();
	}
}

interface MadeOffer {
	offer_id: string;
	framework_id: string;
	role: string;
	agent_id: string;
	resources: number[];
}

function record(
	sim: Simulation,
	records: DecisionRecord[],
): { checker: CheckingRecorder; made: MadeOffer[] } {
	const m = sim.master;
	recordDecisions(sim, { write: (r) => records.push(r) });
	// The checker wraps a second recorder of the same master, and replaces the one recordDecisions set.
	const recorder = new DecisionRecorder(
		{
			cluster: m.cluster,
			roles: m.allocator.roles,
			roleSorter: m.allocator.roleSorter,
			frameworks: m.frameworks,
			allocationIntervalMs: m.flags.allocationIntervalMs,
			now: () => m.now,
		},
		{ write: (r) => records.push(r) },
	);
	const checker = new CheckingRecorder(m, recorder);
	m.allocator.setRecorder(checker);
	const made: MadeOffer[] = [];
	const prev = m.observer.offerMade;
	m.observer.offerMade = (o) => {
		prev?.(o);
		made.push({
			offer_id: o.id,
			framework_id: o.fw.id,
			role: m.allocator.roles[o.role]!.name,
			agent_id: m.cluster.ids[o.agent]!,
			// In Mesos's fixed point, as the offer message and the records carry them.
			resources: Array.from(o.q, fixed),
		});
	};
	return { checker, made };
}

/** The offers as the records tell them, in cycle and visit order. */
function replayedOffers(records: readonly DecisionRecord[]): MadeOffer[] {
	const out: MadeOffer[] = [];
	for (const r of records) {
		if (r.kind !== "cycle") continue;
		for (const v of r.visits)
			for (const o of v.offers)
				out.push({
					offer_id: o.offer_id,
					framework_id: o.framework_id,
					role: o.role,
					agent_id: v.agent_id,
					resources: [o.resources.cpus, o.resources.mem, o.resources.disk, o.resources.gpus],
				});
	}
	return out;
}

/** The tree nodes a role is sorted by, outermost first (its own client last: "eng/." below an "eng" subtree). */
function sortKey(r: RoleTry): { name: string; share: number }[] {
	const path = (r.path_shares ?? []).map((p) => ({ name: p.role, share: p.share }));
	const own = path.length > 0 && path[path.length - 1]!.name === r.role ? `${r.role}/.` : r.role;
	return [...path, { name: own, share: r.share }];
}

/** Each visit's outcome follows from its own record. */
function visitProblems(c: CycleRecord): string[] {
	const problems: string[] = [];
	for (const v of c.visits) {
		if (v.skipped !== undefined && (v.roles.length > 0 || v.offers.length > 0))
			problems.push(`${v.hostname}: skipped yet tried`);
		const offeredRoles = v.roles.filter((r) => r.verdict === "OFFERED");
		if (offeredRoles.length !== v.offers.length)
			problems.push(`${v.hostname}: ${offeredRoles.length} roles offered, ${v.offers.length} offers`);
		for (const r of v.roles) {
			const offered = r.frameworks.filter((f) => f.verdict === "OFFERED");
			if (r.verdict === "OFFERED") {
				if (offered.length !== 1)
					problems.push(`${v.hostname}/${r.role}: ${offered.length} frameworks offered`);
				const first = r.frameworks.findIndex((f) => f.verdict === "OFFERED");
				if (r.frameworks.slice(0, first).some((f) => f.verdict === "NOTHING_LEFT"))
					problems.push(`${v.hostname}/${r.role}: offered after nothing left`);
				if (r.frameworks.slice(first + 1).some((f) => f.verdict !== "NOTHING_LEFT"))
					problems.push(`${v.hostname}/${r.role}: tried after the offer`);
			} else if (offered.length > 0) problems.push(`${v.hostname}/${r.role}: framework offered, role not`);
			if (r.verdict === "NO_FRAMEWORK" && r.frameworks.some((f) => f.verdict === "NOTHING_LEFT"))
				problems.push(`${v.hostname}/${r.role}: no framework, yet nothing left`);
		}
		// Under the DRF sorter the roles come in order, compared level by level in the role tree.
		if (c.sorter === "drf") {
			const tried = v.roles.filter((r) => r.verdict !== "NOTHING_LEFT");
			for (let i = 1; i < tried.length; i++) {
				const [x, y] = [sortKey(tried[i - 1]!), sortKey(tried[i]!)];
				let level = 0;
				while (level < x.length - 1 && level < y.length - 1 && x[level]!.name === y[level]!.name) level++;
				if (y[level]!.share + 1e-6 < x[level]!.share)
					problems.push(
						`${v.hostname}: role ${tried[i]!.role} (${y[level]!.share}) after ${tried[i - 1]!.role} (${x[level]!.share})`,
					);
			}
		}
	}
	return problems;
}

describe("decision records", () => {
	test.prop([scenarioArb], {
		numRuns: RUNS,
		endOnFailure: true,
		...(process.env.DECISION_SEED === undefined ? {} : { seed: Number(process.env.DECISION_SEED) }),
	})("replay the offers made, give true reasons and change nothing", (input) => {
		const scenario = validateScenario(input, { sourceName: "prop" });
		const plain = runSimulation(scenario).report.eventLogHash;
		const records: DecisionRecord[] = [];
		let books: ReturnType<typeof record> | null = null;
		const { report } = runSimulation(scenario, { onBuilt: (sim) => (books = record(sim, records)) });
		const { checker, made } = books!;
		expect(plain).toMatch(/^[0-9a-f]{8}$/);
		expect(report.eventLogHash).toBe(plain);
		expect(checker.problems).toEqual([]);
		expect(replayedOffers(records)).toEqual(made);
		const problems = records.flatMap((r) => (r.kind === "cycle" ? visitProblems(r) : []));
		expect(problems.slice(0, 5)).toEqual([]);
		// Every answer names offers the records made.
		const offerIds = new Set(made.map((o) => o.offer_id));
		for (const r of records)
			if (r.kind === "answer") for (const id of r.offer_ids) expect(offerIds.has(id)).toBe(true);
	});
});
