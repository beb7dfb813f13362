/**
 * Random small clusters with simple frameworks and faults, run with the
 * invariant checker after every event. Beyond the checker's own rules it
 * checks, at the end of each run:
 *  - every offer is accounted for: made = accepted + declined + rescinded +
 *    still outstanding, per framework and in total; each ends at most once;
 *    the schedulers answered every offer they received exactly once;
 *  - every launched task is either terminal (resources released; listed in
 *    the master only until its update is acknowledged) or live in the master
 *    on its agent;
 *  - no agent is over-allocated.
 */
import { test } from "@fast-check/vitest";
import { describe, expect } from "vitest";
import {
	isTerminalState,
	type OfferEnd,
	type OfferRecord,
	SCALAR_NAMES,
	type TaskRecord,
} from "../../master/index.js";
import { runSimulation, type Simulation } from "../../sim/runner/index.js";
import { validateScenario } from "../../sim/scenario/index.js";
import { scenarioArb } from "../helpers/scenario-arb.js";

// ---- bookkeeping through the master's observer ------------------------------------

interface Books {
	made: Map<string, number>;
	ended: Map<string, Record<OfferEnd, number>>;
	offerIds: Set<string>;
	endedIds: Set<string>;
	problems: string[];
	/** framework id -> task id -> latest record */
	tasks: Map<string, Map<string, TaskRecord>>;
	launched: Map<string, number>;
}

function keepBooks(sim: Simulation, books: Books): void {
	const prev = sim.master.observer;
	sim.master.observer = {
		...prev,
		offerMade: (o: OfferRecord) => {
			books.made.set(o.fw.id, (books.made.get(o.fw.id) ?? 0) + 1);
			if (books.offerIds.has(o.id)) books.problems.push(`offer ${o.id} made twice`);
			books.offerIds.add(o.id);
			prev.offerMade?.(o);
		},
		offerEnded: (o: OfferRecord, how: OfferEnd) => {
			let e = books.ended.get(o.fw.id);
			if (e === undefined) {
				e = { accepted: 0, declined: 0, rescinded: 0 };
				books.ended.set(o.fw.id, e);
			}
			e[how]++;
			if (!books.offerIds.has(o.id)) books.problems.push(`offer ${o.id} ended but never made`);
			if (books.endedIds.has(o.id)) books.problems.push(`offer ${o.id} ended twice`);
			books.endedIds.add(o.id);
			prev.offerEnded?.(o, how);
		},
		taskChanged: (t: TaskRecord, previous) => {
			let m = books.tasks.get(t.fw.id);
			if (m === undefined) {
				m = new Map();
				books.tasks.set(t.fw.id, m);
			}
			if (previous === null) {
				books.launched.set(t.fw.id, (books.launched.get(t.fw.id) ?? 0) + 1);
				if (m.has(t.id)) books.problems.push(`task ${t.id} launched twice`);
			}
			m.set(t.id, t);
			prev.taskChanged?.(t, previous);
		},
	};
}

function checkEnd(sim: Simulation, books: Books): string[] {
	const problems = [...books.problems];
	const { master } = sim;
	const allFrameworks = [...master.frameworks, ...master.completedFrameworks.items()];
	const seen = new Set<string>();
	let outstanding = 0;
	let made = 0;
	for (const fw of allFrameworks) {
		if (seen.has(fw.id)) continue;
		seen.add(fw.id);
		const m = books.made.get(fw.id) ?? 0;
		const e = books.ended.get(fw.id) ?? { accepted: 0, declined: 0, rescinded: 0 };
		made += m;
		outstanding += fw.offers.size;
		if (m !== e.accepted + e.declined + e.rescinded + fw.offers.size) {
			problems.push(
				`framework ${fw.info.name}: ${m} offers made != ${e.accepted} accepted + ${e.declined} declined + ${e.rescinded} rescinded + ${fw.offers.size} outstanding`,
			);
		}
		const c = fw.counters;
		if (
			c.offersAccepted !== e.accepted ||
			c.offersDeclined !== e.declined ||
			c.offersRescinded !== e.rescinded
		) {
			problems.push(`framework ${fw.info.name}: master counters disagree with offer ends`);
		}
		if (c.offersSent > m) problems.push(`framework ${fw.info.name}: ${c.offersSent} offers sent > ${m} made`);
		if (fw.removed && fw.offers.size > 0)
			problems.push(`removed framework ${fw.info.name} still holds offers`);
		if (c.tasksLaunched !== (books.launched.get(fw.id) ?? 0)) {
			problems.push(`framework ${fw.info.name}: tasksLaunched ${c.tasksLaunched} != tasks observed`);
		}
	}
	if (outstanding !== master.outstandingOffers) {
		problems.push(
			`outstanding offers ${outstanding} != master.outstandingOffers ${master.outstandingOffers}`,
		);
	}
	if (made !== master.allocator.offersMade) {
		problems.push(`offers made ${made} != allocator.offersMade ${master.allocator.offersMade}`);
	}

	// The schedulers' side: the simple framework answers each offer it receives once.
	for (const h of sim.frameworks) {
		const s = h.driver.stats();
		if (s.offersReceived !== s.offersAccepted + s.offersDeclined) {
			problems.push(
				`scheduler ${h.name}: received ${s.offersReceived} != accepted ${s.offersAccepted} + declined ${s.offersDeclined}`,
			);
		}
		if (s.offersRescinded > s.offersReceived) problems.push(`scheduler ${h.name}: more rescinds than offers`);
		const fw = allFrameworks.find((f) => f.id === h.id());
		if (fw !== undefined && s.offersReceived > fw.counters.offersSent) {
			problems.push(`scheduler ${h.name}: received ${s.offersReceived} > sent ${fw.counters.offersSent}`);
		}
	}

	// Every launched task is terminal (released, gone from the live set) or live on its agent.
	for (const [fwId, tasks] of books.tasks) {
		const fw = allFrameworks.find((f) => f.id === fwId);
		for (const [id, t] of tasks) {
			const live = fw?.tasks.get(id);
			if (isTerminalState(t.state) || t.state === "TASK_UNREACHABLE") {
				if (!t.released) problems.push(`task ${id} is ${t.state} but its resources were not released`);
				// A terminal task stays listed until its update is acknowledged (as in Mesos).
				if (live === t && t.pendingUuid === null) {
					problems.push(`task ${id} is ${t.state}, acknowledged, but still live in the master`);
				}
			} else {
				if (live !== t) problems.push(`task ${id} is ${t.state} but not live in the master`);
				if (t.released) problems.push(`task ${id} is ${t.state} but released`);
				if (!master.tasksOnAgent(t.agent).has(t))
					problems.push(`task ${id} is ${t.state} but not on its agent`);
			}
		}
	}

	// No agent over-allocated.
	const cl = master.cluster;
	for (let a = 0; a < cl.size; a++) {
		for (let k = 0; k < SCALAR_NAMES.length; k++) {
			const total = cl.total[k]![a]!;
			const used = cl.offered[k]![a]! + cl.allocated[k]![a]!;
			if (used > total + 1e-6) problems.push(`agent ${cl.ids[a]}: ${SCALAR_NAMES[k]} ${used} > ${total}`);
		}
	}
	return problems;
}

describe("invariants over random scenarios", () => {
	// MESOSIM_PROP_RUNS=1000 for a longer hunt.
	const numRuns = Number(process.env.MESOSIM_PROP_RUNS ?? 40);
	test.prop([scenarioArb], { numRuns })(
		"no invariant violations; offers and tasks accounted for; no agent over-allocated",
		(input) => {
			const scenario = validateScenario(input);
			const books: Books = {
				made: new Map(),
				ended: new Map(),
				offerIds: new Set(),
				endedIds: new Set(),
				problems: [],
				tasks: new Map(),
				launched: new Map(),
			};
			let built: Simulation | null = null;
			const { report } = runSimulation(scenario, {
				checkInvariants: true,
				onBuilt: (sim) => {
					built = sim;
					keepBooks(sim, books);
				},
			});
			expect(built).not.toBeNull();
			expect(report.invariants.violations, report.invariants.firstViolation).toBe(0);
			expect(report.simulatedMs).toBe(scenario.durationMs);
			expect(checkEnd(built!, books)).toEqual([]);
			expect(report.master.offersOutstanding).toBe(built!.master.outstandingOffers);
			expect(report.frameworks.length).toBeGreaterThan(0);
			for (const f of report.frameworks) {
				expect(f.offers.received).toBe(f.offers.accepted + f.offers.declined);
			}
		},
		Math.max(60_000, numRuns * 1500),
	);
});
