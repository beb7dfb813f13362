/**
 * The chameleon's reason records (docs/explain.md): for every offer it
 * answers, one record at its final answer saying why, with the specifics
 * (which group launched how many, which need or constraint ruled the offer
 * out, which gang it is held for, until when it is hoarded). Recording
 * changes nothing: same report and log hash with it on and off.
 */
import { describe, expect, it } from "vitest";
import type { AnswerRecord, DecisionRecord, ReasonRecord } from "../../master/protocol/index.js";
import { recordDecisions, runSimulation } from "../../sim/runner/index.js";
import { loadScenarioFile, type Scenario, validateScenario } from "../../sim/scenario/index.js";

/** The examples, each for its whole duration except the datacenter's hour (too long for a unit test). */
const EXAMPLES: [file: string, minutes: number | null][] = [
	["examples/chameleon-gang-deadlock.yaml", null],
	["examples/chameleon-hoarding.yaml", null],
	["examples/chameleon-patterns.yaml", null],
	["examples/chameleon-datacenter.yaml", 5],
];

/** Reasons that keep an offer: a record at the hold, another at the answer. */
const HOLDS = new Set(["HOARDING", "HOLDING_FOR_GANG"]);

function recorded(s: Scenario) {
	const records: DecisionRecord[] = [];
	const run = runSimulation(s, { onBuilt: (sim) => recordDecisions(sim, { write: (r) => records.push(r) }) });
	const reasons = records.filter((r): r is ReasonRecord => r.kind === "reason");
	const answers = records.filter((r): r is AnswerRecord => r.kind === "answer");
	return { ...run, reasons, answers };
}

function of(reasons: readonly ReasonRecord[], framework: string, reason?: string): ReasonRecord[] {
	return reasons.filter((r) => r.framework === framework && (reason === undefined || r.reason === reason));
}

function cluster(frameworks: unknown[], agents = 3, duration = "3m"): Scenario {
	return validateScenario({
		seed: 11,
		duration,
		agents: [
			{
				group: "h",
				count: agents,
				cpus: 8,
				mem: 16_384,
				disk: 100_000,
				hostname: "host-{i}",
				attributes: { rack: "r{i % 2}" },
			},
		],
		frameworks,
	});
}

function service(name: string, group: Record<string, unknown>) {
	return {
		type: "chameleon",
		name,
		groups: [{ name: "app", pattern: "steadyService", resources: { cpus: 1, mem: 256 }, ...group }],
	};
}

describe("chameleon reason records", () => {
	it.each(EXAMPLES)(
		"%s: recording changes neither the report nor the log hash; every answered offer has exactly one final reason",
		(file, minutes) => {
			const loaded = loadScenarioFile(file);
			const s = minutes === null ? loaded : { ...loaded, durationMs: minutes * 60_000 };
			const plain = runSimulation(s).report;
			const { report, reasons, answers } = recorded(s);
			expect(report.eventLogHash).toBe(plain.eventLogHash);
			expect(JSON.stringify({ ...report, wall: null })).toBe(JSON.stringify({ ...plain, wall: null }));

			const chameleons = new Set(s.frameworks.filter((f) => f.type === "chameleon").map((f) => f.name));
			const final = new Map<string, ReasonRecord[]>();
			for (const r of reasons) {
				if (!chameleons.has(r.framework) || HOLDS.has(r.reason)) continue;
				for (const id of r.offer_ids) final.set(id, [...(final.get(id) ?? []), r]);
			}
			let checked = 0;
			for (const a of answers) {
				if (!chameleons.has(a.framework)) continue;
				for (const id of a.offer_ids) {
					const said = final.get(id) ?? [];
					expect(said, `offer ${id} (${a.call} by ${a.framework})`).toHaveLength(1);
					// Launched iff accepted; said no later than the master heard the answer.
					expect(said[0]!.reason === "LAUNCHED", `offer ${id}`).toBe(a.call === "ACCEPT");
					expect(said[0]!.time).toBeLessThanOrEqual(a.time);
					checked++;
				}
			}
			expect(checked).toBeGreaterThan(40);
		},
	);

	it("gang deadlock: each held offer is recorded once for its gang, with how much fits; the release and the retry backoff say so", () => {
		const { reasons } = recorded(loadScenarioFile("examples/chameleon-gang-deadlock.yaml"));
		for (const fw of ["mpi-a", "mpi-b"]) {
			const held = of(reasons, fw, "HOLDING_FOR_GANG");
			expect(held.length).toBeGreaterThan(0);
			const ids = held.flatMap((r) => r.offer_ids);
			expect(new Set(ids).size).toBe(ids.length); // not again at every round
			const first = held.filter((r) => r.time === 0);
			expect(first.length).toBeGreaterThan(0);
			for (const r of first) {
				expect(r.detail).toMatch(
					/^gang rank-0 \(24 × 1 cpus, 1024 MB mem\): 16 of 24 fit in the offers held so far/,
				);
				expect(r.detail).toContain("kept until t=600 s");
			}
			// At the gang timeout the held offers go back, each with its reason.
			const firstIds = first.flatMap((r) => r.offer_ids);
			const released = of(reasons, fw).filter(
				(r) => r.time === 600_000 && firstIds.includes(r.offer_ids[0]!),
			);
			expect(released.flatMap((r) => r.offer_ids).sort()).toEqual([...firstIds].sort());
			for (const r of released) {
				expect(r.reason).toBe("NOTHING_PENDING");
				expect(r.detail).toMatch(/^gang rank-0 \(24 × 1 cpus, 1024 MB mem\) gave up at its gangTimeout; /);
			}
			const backoff = of(reasons, fw, "BACKING_OFF");
			expect(backoff.length).toBeGreaterThan(0);
			expect(backoff[0]!.detail).toMatch(/^rank: 1 restart waits out the backoff \(the last until t=\d/);
		}
	});

	it("hoarding: a held offer says until when, and is declined when that time comes", () => {
		const s = loadScenarioFile("examples/chameleon-hoarding.yaml");
		const { reasons } = recorded(s);
		const hoarded = of(reasons, "aurora", "HOARDING");
		expect(hoarded.length).toBeGreaterThan(10);
		let ended = 0;
		for (const r of hoarded) {
			const m =
				/^kept until t=([\d.]+) s, [\d.]+ s from now \(holdOffersMs 300000 \+ up to 60000 ms\); unused now, NOTHING_PENDING: no task waiting \(service 5 live\)$/.exec(
					r.detail,
				);
			expect(m, r.detail).not.toBeNull();
			const until = Math.round(Number(m![1]) * 1000);
			expect(until - r.time).toBeGreaterThanOrEqual(300_000);
			expect(until - r.time).toBeLessThanOrEqual(360_000);
			if (until >= s.durationMs) continue; // still held when the run ends
			for (const id of r.offer_ids) {
				const end = of(reasons, "aurora").filter((x) => !HOLDS.has(x.reason) && x.offer_ids.includes(id));
				expect(end).toHaveLength(1);
				expect(end[0]!.reason).toBe("NOTHING_PENDING");
				expect(end[0]!.time).toBe(until);
				ended++;
			}
		}
		expect(ended).toBeGreaterThan(10);
		const launched = of(reasons, "web", "LAUNCHED");
		expect(launched.length).toBeGreaterThan(0);
		expect(launched[0]!.detail).toMatch(
			/^\d+ tasks? of group app \(steadyService, 1 cpus, 128 MB mem, 1 ports each: app-0__0/,
		);
	});

	it("constraints: names the constraint and the task or value that rules the agent out", () => {
		const { reasons } = recorded(
			cluster([
				service("uniq", { instances: 4, constraints: [["hostname", "UNIQUE"]] }),
				service("like", { instances: 1, constraints: [["rack", "LIKE", "r1"]] }),
				service("maxper", { instances: 3, constraints: [["rack", "MAX_PER", 1]] }),
			]),
		);
		const uniq = of(reasons, "uniq", "CONSTRAINT_NOT_MET");
		expect(uniq.length).toBeGreaterThan(0);
		for (const r of uniq)
			expect(r.detail).toMatch(/^hostname UNIQUE: a task of app already runs on hostname host-[0-2]$/);
		expect(of(reasons, "uniq", "LAUNCHED").length).toBeGreaterThan(0);

		const like = of(reasons, "like", "CONSTRAINT_NOT_MET");
		expect(like.length).toBeGreaterThan(0);
		expect(like.map((r) => r.detail)).toContain("rack LIKE r1: the agent's rack r0 does not match");

		const maxper = of(reasons, "maxper", "CONSTRAINT_NOT_MET").map((r) => r.detail);
		expect(maxper.length).toBeGreaterThan(0);
		for (const d of maxper)
			expect(d).toMatch(/^rack MAX_PER 1: 1 tasks of app already run on rack r[01] \(at most 1\)$/);
	});

	it("does not fit: the need against what the offer has; nothing pending: what runs", () => {
		const { reasons } = recorded(
			cluster([
				service("huge", { instances: 1, resources: { cpus: 16, mem: 256 } }),
				service("small", { instances: 1 }),
			]),
		);
		const huge = of(reasons, "huge");
		expect(huge.length).toBeGreaterThan(0);
		expect(new Set(huge.map((r) => r.reason))).toEqual(new Set(["DOES_NOT_FIT"]));
		expect(huge[0]!.detail).toBe(
			"a task needs 16 cpus, 256 MB mem; the offer has 8 cpus, 16384 MB mem, 100000 MB disk, 1001 ports",
		);

		const small = of(reasons, "small");
		expect(small[0]!.reason).toBe("LAUNCHED");
		expect(small[0]!.detail).toBe("1 task of group app (steadyService, 1 cpus, 256 MB mem each: app-0__0)");
		const idle = of(reasons, "small", "NOTHING_PENDING");
		expect(idle.length).toBeGreaterThan(0);
		expect(idle[0]!.detail).toBe("no task waiting (app 1 live)");
	});
});

// Written from the mutation run's survivors (docs/testing.md).
describe("reasons a group gives that the examples never show", () => {
	it("a group bound to one of its framework's roles: offers for the other role do not fit, and say why", () => {
		const { reasons } = recorded(
			cluster([
				{
					type: "chameleon",
					name: "multi",
					roles: ["web", "ml"],
					groups: [
						{
							name: "train",
							pattern: "steadyService",
							role: "ml",
							instances: 1,
							resources: { cpus: 16, mem: 256 },
						},
					],
				},
			]),
		);
		const web = of(reasons, "multi").filter((r) => r.detail.startsWith("runs in role"));
		expect(web.length).toBeGreaterThan(0);
		for (const r of web) {
			expect(r.reason).toBe("DOES_NOT_FIT");
			expect(r.detail).toBe("runs in role ml; the offer is for role web");
		}
		// Offers for its own role are judged by size.
		const ml = of(reasons, "multi", "DOES_NOT_FIT").filter((r) => !r.detail.startsWith("runs in role"));
		expect(ml.length).toBeGreaterThan(0);
		expect(ml[0]!.detail).toMatch(/^a task needs 16 cpus, 256 MB mem; the offer has 8 cpus/);
	});

	it("a crash loop's backoff: each BACKING_OFF names one restart, due within the backoff after the record", () => {
		const { reasons } = recorded(
			cluster(
				[
					{
						type: "chameleon",
						name: "loop",
						groups: [
							{
								name: "app",
								pattern: "crashLoop",
								lifecycle: {
									failAfter: { kind: "const", value: "10s" },
									restart: { backoffMs: 60_000, factor: 1, capMs: 60_000 },
								},
							},
						],
					},
				],
				3,
				"5m",
			),
		);
		const backoff = of(reasons, "loop", "BACKING_OFF");
		expect(backoff.length).toBeGreaterThan(3);
		const dueTimes = new Set<number>();
		for (const r of backoff) {
			const m =
				/^app: 1 restart waits out the backoff \(the last until t=([\d.]+) s, ([\d.]+) s from now\)$/.exec(
					r.detail,
				);
			expect(m, r.detail).not.toBeNull();
			const due = Number(m![1]) * 1000;
			expect(due).toBeGreaterThan(r.time);
			expect(due - r.time).toBeLessThanOrEqual(60_000);
			expect(Number(m![2]) * 1000).toBeCloseTo(due - r.time, 0);
			dueTimes.add(due);
		}
		// A restart every 70 s (10 s running, 60 s backoff): several distinct due times.
		expect(dueTimes.size).toBeGreaterThanOrEqual(3);
	});

	it("a queue first fit stopped scanning: the offer had room, and the record says the scan stopped", () => {
		const big = Array.from({ length: 16 }, () => [0, 600, 100, 128]);
		const { reasons } = recorded(
			cluster(
				[
					{
						type: "chameleon",
						name: "t",
						groups: [{ name: "q", pattern: "traceReplay", trace: [...big, [0, 600, 1, 128]] }],
					},
				],
				2,
				"1m",
			),
		);
		const stopped = of(reasons, "t", "DOES_NOT_FIT");
		expect(stopped.length).toBeGreaterThan(0);
		for (const r of stopped)
			expect(r.detail).toBe(
				"17 tasks wait; some would fit but first fit stopped scanning after 16 misses in a row",
			);
	});

	it("several tasks too big: how many wait and what they need; behind a constraint, how many more are too big", () => {
		const { reasons } = recorded(
			cluster([
				service("huge", { instances: 3, resources: { cpus: 16, mem: 256 } }),
				{
					type: "chameleon",
					name: "mixed",
					groups: [
						{
							name: "q",
							pattern: "traceReplay",
							constraints: [["hostname", "UNIQUE"]],
							trace: [
								[0, 600, 1, 128],
								[0, 600, 1, 128],
								[0, 600, 1, 128],
								[0, 600, 1, 128],
								[0, 600, 100, 128],
							],
						},
					],
				},
			]),
		);
		const huge = of(reasons, "huge", "DOES_NOT_FIT");
		expect(huge.length).toBeGreaterThan(0);
		for (const r of huge)
			expect(r.detail).toMatch(/^3 tasks wait, needing 16 cpus, 256 MB mem; the offer has /);
		const mixed = of(reasons, "mixed", "CONSTRAINT_NOT_MET").map((r) => r.detail);
		expect(mixed.length).toBeGreaterThan(0);
		for (const d of mixed)
			expect(d).toMatch(
				/^hostname UNIQUE: a task of q already runs on hostname host-[0-2]; 1 more too big for the offer$/,
			);
	});
});
