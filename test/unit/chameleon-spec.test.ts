/**
 * The chameleon spec: distributions, commands, constraints, traces, packages
 * and their merge, validation messages naming the field, scenarios from flags.
 */

import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseCommand, planCommand } from "../../agents/index.js";
import { isSimError, type SimError } from "../../common/errors.js";
import { Rng } from "../../engine/index.js";
import { type Arrivals, arrivalProcess } from "../../frameworks/chameleon/arrivals.js";
import {
	backoffDelay,
	drawTaskPlan,
	formatSeconds,
	taskCommand,
} from "../../frameworks/chameleon/commands.js";
import { ConstraintTracker, parseConstraint } from "../../frameworks/chameleon/constraints.js";
import { type Dist, resolveDist, sample } from "../../frameworks/chameleon/dist.js";
import {
	type ChameleonFramework,
	describePackage,
	expandSpec,
	frameworkFromFlag,
	listPatterns,
	parseAgentShape,
	parseChameleonSpec,
	parseTrace,
	resolveChameleonSpec,
	scenarioFromFlags,
} from "../../frameworks/chameleon/index.js";
import { generatedBlock, referenceTables } from "../../frameworks/chameleon/reference.js";
import type { Lifecycle } from "../../frameworks/chameleon/spec/index.js";
import type { Offer } from "../../master/protocol/index.js";
import { checkChameleonSpecs, loadChameleonSpec } from "../../sim/chameleon.js";
import { buildSimulation, runSimulation } from "../../sim/runner/index.js";
import { loadScenarioFile, parseDuration, validateScenario } from "../../sim/scenario/index.js";
import { thrown } from "../helpers/thrown.js";

/** The SimError a scenario with this one chameleon entry raises when it is built. */
function buildError(entry: Record<string, unknown>): SimError {
	return thrown(() =>
		runSimulation(
			validateScenario({
				duration: "1s",
				agents: [{ count: 1, cpus: 1, mem: 1024 }],
				frameworks: [
					{ type: "simple", name: "s", tasks: { count: 0, cpus: 1, mem: 1 } },
					{ type: "chameleon", name: "c", ...entry },
				],
			}),
		),
	);
}

const rng = () => new Rng("test");
const dur = (raw: unknown, problems: string[] = []) =>
	resolveDist(
		raw as never,
		(v) => parseDuration(v as string | number),
		(p, m) => problems.push(`${p.join("/")}: ${m}`),
	);

describe("distributions", () => {
	it("a bare value is a constant; durations accept strings and seconds", () => {
		expect(dur("90s")).toEqual({ kind: "const", value: 90_000 });
		expect(dur(1.5)).toEqual({ kind: "const", value: 1500 });
		expect(dur({ kind: "lognormal", median: "1m", sigma: 1.5 })).toEqual({
			kind: "lognormal",
			median: 60_000,
			sigma: 1.5,
		});
	});

	it("samples each kind within its support", () => {
		const r = rng();
		const draws = (d: Dist, n = 2000) => Array.from({ length: n }, () => sample(d, r));
		const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
		expect(draws({ kind: "uniform", min: 2, max: 4 }).every((x) => x >= 2 && x <= 4)).toBe(true);
		expect(mean(draws({ kind: "exp", mean: 10 }, 20_000))).toBeGreaterThan(9.5);
		expect(mean(draws({ kind: "exp", mean: 10 }, 20_000))).toBeLessThan(10.5);
		const ln = draws({ kind: "lognormal", median: 60, sigma: 1 }, 20_001).sort((a, b) => a - b);
		expect(ln[10_000]!).toBeGreaterThan(55);
		expect(ln[10_000]!).toBeLessThan(65);
		expect(draws({ kind: "pareto", alpha: 1.1, xmin: 10 }).every((x) => x >= 10)).toBe(true);
		expect(draws({ kind: "normal", mean: 0, sd: 5 }).every((x) => x >= 0)).toBe(true);
		const ch = draws({ kind: "choice", values: [1, 2], weights: [3, 1] }, 20_000);
		expect(ch.filter((x) => x === 1).length / ch.length).toBeCloseTo(0.75, 1);
		const emp = draws(
			{
				kind: "empirical",
				points: [
					[0, 0],
					[10, 0.5],
					[100, 1],
				],
			},
			20_000,
		);
		expect(emp.filter((x) => x <= 10).length / emp.length).toBeCloseTo(0.5, 1);
		expect(emp.every((x) => x >= 0 && x <= 100)).toBe(true);
		expect(draws({ kind: "lognormal", median: 60, sigma: 3, clampMax: 100 }).every((x) => x <= 100)).toBe(
			true,
		);
		expect(sample({ kind: "const", value: 7 }, r)).toBe(7);
	});

	it("reports semantic problems at the sub-field", () => {
		const p: string[] = [];
		expect(dur({ kind: "uniform", min: 5, max: 1 }, p)).toBeNull();
		expect(dur({ kind: "choice", values: [1, 2], weights: [1] }, p)).toBeNull();
		expect(
			dur(
				{
					kind: "empirical",
					points: [
						[1, 0.5],
						[2, 0.9],
					],
				},
				p,
			),
		).toBeNull();
		expect(p).toEqual([
			"max: must be >= min (5)",
			"weights: must have one weight per value (2, got 1)",
			"points/1/1: the last cumulative probability must be 1",
		]);
	});
});

describe("task commands", () => {
	const lc = (over: Partial<Lifecycle> = {}): Lifecycle => ({
		startupDelay: { kind: "const", value: 0 },
		runFor: { kind: "const", value: 42_500 },
		failureProbability: 0,
		failAfter: null,
		exitCode: 1,
		retries: 0,
		restart: { backoffMs: 1000, factor: 2, capMs: 10_000 },
		...over,
	});

	it("are the agent's shell subset and mean what the lifecycle drew", () => {
		expect(formatSeconds(42_500)).toBe("42.5");
		expect(formatSeconds(1)).toBe("0.001");
		expect(formatSeconds(60_000)).toBe("60");
		expect(taskCommand(null, null)).toBe("sleep infinity");
		expect(taskCommand(12_000, { afterMs: 12_000, code: 1 })).toBe("sleep 12 && exit 1");
		const cases: [Lifecycle, string, number, number][] = [
			[lc(), "sleep 42.5", 42_500, 0],
			[lc({ failureProbability: 1 }), "sleep 42.5 && exit 1", 42_500, 1],
			[
				lc({ failureProbability: 1, failAfter: { kind: "const", value: 3000 }, exitCode: 7 }),
				"sleep 3 && exit 7",
				3000,
				7,
			],
			[lc({ runFor: null }), "sleep infinity", Number.POSITIVE_INFINITY, 0],
		];
		for (const [l, command, runMs, exitCode] of cases) {
			const plan = drawTaskPlan(l, rng());
			expect(plan.command).toBe(command);
			const parsed = parseCommand(plan.command);
			if ("error" in parsed) throw new Error(parsed.error);
			expect(planCommand(parsed)).toEqual({ runMs, exitCode });
		}
		const crash = drawTaskPlan(lc({ runFor: null, failureProbability: 1 }), rng());
		expect(crash.command).toMatch(/^sleep \d+(\.\d+)? && exit 1$/);
		expect(crash.runMs!).toBeGreaterThanOrEqual(1000);
		expect(crash.runMs!).toBeLessThanOrEqual(30_000);
	});

	it("restart backoff grows by the factor up to the cap", () => {
		const r = { backoffMs: 1000, factor: 2, capMs: 10_000 };
		expect([1, 2, 3, 4, 5, 6].map((n) => backoffDelay(r, n))).toEqual([
			1000, 2000, 4000, 8000, 10_000, 10_000,
		]);
	});
});

describe("constraints", () => {
	const offer = (hostname: string, attrs: Record<string, string | number>): Offer => ({
		id: { value: "o" },
		framework_id: { value: "f" },
		agent_id: { value: hostname },
		hostname,
		resources: [],
		attributes: Object.entries(attrs).map(([name, v]) =>
			typeof v === "number"
				? { name, type: "SCALAR" as const, scalar: { value: v } }
				: { name, type: "TEXT" as const, text: { value: v } },
		),
	});

	it("parses Marathon's syntax and explains bad entries", () => {
		expect(parseConstraint(["hostname", "UNIQUE"])).toEqual({ field: "hostname", op: "UNIQUE" });
		expect(parseConstraint(["rack", "max_per", 2])).toEqual({ field: "rack", op: "MAX_PER", max: 2 });
		expect(parseConstraint(["rack", "GROUP_BY"])).toEqual({ field: "rack", op: "GROUP_BY", groups: 0 });
		expect(parseConstraint(["rack", "MAX_PER"])).toMatchObject({ index: 2 });
		expect(parseConstraint(["rack", "NEAR"])).toMatchObject({ index: 1 });
		expect(parseConstraint(["hostname", "LIKE", "("])).toMatchObject({ index: 2 });
	});

	it("checks each operator against the group's live tasks", () => {
		const a = offer("a1", { rack: "r1", zone: "z1", ssd: 1 });
		const b = offer("b2", { rack: "r2", zone: "z1" });
		const parse = (...cs: (string | number)[][]) =>
			new ConstraintTracker(cs.map((c) => parseConstraint(c) as never));
		const place = (t: ConstraintTracker, o: Offer) => {
			const v = t.valuesOf(o);
			t.observe(v);
			const ok = t.allows(v);
			if (ok) t.add(v, 1);
			return ok;
		};
		const uniq = parse(["hostname", "UNIQUE"]);
		expect([place(uniq, a), place(uniq, a), place(uniq, b)]).toEqual([true, false, true]);
		const maxper = parse(["zone", "MAX_PER", 2]);
		expect([place(maxper, a), place(maxper, b), place(maxper, a)]).toEqual([true, true, false]);
		const cluster = parse(["rack", "CLUSTER"]);
		expect([place(cluster, b), place(cluster, a), place(cluster, b)]).toEqual([true, false, true]);
		const like = parse(["hostname", "LIKE", "a[0-9]"], ["ssd", "IS", 1]);
		expect([place(like, a), place(like, b)]).toEqual([true, false]);
		const unlike = parse(["ssd", "UNLIKE", "1"]);
		expect([place(unlike, a), place(unlike, b)]).toEqual([false, true]);
		const spread = parse(["rack", "GROUP_BY", 2]);
		expect([place(spread, a), place(spread, a), place(spread, b), place(spread, a)]).toEqual([
			true,
			false,
			true,
			true,
		]);
	});
});

describe("traces", () => {
	it("parses CSV with or without a header, in any column order", () => {
		expect(parseTrace("0,20,1,512\n10,5.5,0.5,256\n")).toEqual({
			rows: [
				{ arrivalMs: 0, durationMs: 20_000, cpus: 1, mem: 512 },
				{ arrivalMs: 10_000, durationMs: 5500, cpus: 0.5, mem: 256 },
			],
		});
		expect(parseTrace("mem,cpus,duration_s,arrival_s,extra\n64,2,3,4,x\n")).toEqual({
			rows: [{ arrivalMs: 4000, durationMs: 3000, cpus: 2, mem: 64 }],
		});
		expect(parseTrace("arrival_s,cpus\n1,2")).toMatchObject({ line: 1 });
		expect(parseTrace("0,1,1,1\n1,x,1,1")).toMatchObject({ line: 2 });
	});
});

describe("spec", () => {
	it("merges a package under the user's fields (objects merge, arrays replace, groups by name)", () => {
		const merged = expandSpec({
			package: "hdfs",
			offerPolicy: { declineRefuseSeconds: 60 },
			groups: { data: { instances: 5, resources: { mem: 4096 } } },
		});
		const groups = merged.groups as Record<string, unknown>[];
		expect(groups.map((g) => g.name)).toEqual(["journal", "name", "zkfc", "data"]);
		expect(groups[3]).toMatchObject({
			instances: 5,
			resources: { cpus: 0.3, mem: 4096, disk: 5000, ports: 3 },
		});
		expect(merged.offerPolicy).toMatchObject({ declineRefuseSeconds: 60, suppressWhenIdle: true });
		const replaced = expandSpec({ package: "hdfs", groups: [{ name: "only", pattern: "steadyService" }] });
		expect((replaced.groups as unknown[]).length).toBe(1);
		const c = resolveChameleonSpec({ package: "hdfs", groups: { data: { instances: 5 } } }, "my-hdfs");
		expect(c.name).toBe("my-hdfs");
		expect(c.groups.find((g) => g.name === "data")!.instances).toBe(5);
		expect(c.offerPolicy.declineRefuseSeconds).toBe(3600);
	});

	it("applies pattern defaults; a distribution with another kind replaces the default whole", () => {
		const c = resolveChameleonSpec(
			{
				groups: [
					{ name: "b", pattern: "poissonBatch", lifecycle: { runFor: { kind: "uniform", min: 1, max: 2 } } },
					{ name: "h", pattern: "offerHoarder" },
					{ name: "k", pattern: "bigNodeTasks" },
				],
			},
			"x",
		);
		const [b, h, k] = c.groups;
		expect(b!.lifecycle.runFor).toEqual({ kind: "uniform", min: 1000, max: 2000 });
		expect(b!.arrivals).toEqual({ kind: "poisson", ratePerMin: 6 });
		expect(h!.lifecycle.runFor).toBeNull();
		expect(c.offerPolicy.holdOffersMs).toBe(300_000);
		expect(c.offerPolicy.holdJitterMs).toBe(60_000);
		expect(k!.constraints).toEqual([{ field: "hostname", op: "UNIQUE" }]);
		expect(k!.resources.cpus).toEqual({ kind: "const", value: 3 });
	});

	it("every pattern runs from its defaults alone", () => {
		for (const p of listPatterns()) {
			const extra: Record<string, unknown> = p.name === "traceReplay" ? { trace: [[0, 5, 1, 128]] } : {};
			const { sim } = runSimulation(
				validateScenario({
					duration: "3m",
					agents: [{ count: 4, cpus: 8, mem: 16384, disk: 50_000 }],
					frameworks: [
						{ type: "chameleon", name: p.name, groups: [{ name: "g", pattern: p.name, ...extra }] },
					],
				}),
			);
			const s = (sim.frameworks[0]!.scheduler as ChameleonFramework).stats();
			expect(s.groups.g!.launched, p.name).toBeGreaterThan(0);
		}
	});

	it("lists the problems of every chameleon framework of a scenario at once", () => {
		const raw = {
			duration: "1s",
			agents: [{ count: 1, cpus: 1, mem: 1024 }],
			frameworks: [
				{ type: "chameleon", name: "a", groups: [{ name: "w", pattern: "steadyService", gangSize: 3 }] },
				{ type: "chameleon", name: "ok", groups: [{ name: "w", pattern: "steadyService" }] },
				{ type: "chameleon", name: "b", package: "kubernets" },
			],
		};
		const err = thrown(() => checkChameleonSpecs(validateScenario(raw), "scn.yaml"));
		expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(err.message).toBe(
			[
				"scn.yaml: 2 problems:",
				'  scn.yaml /frameworks/0/groups/0/gangSize: "gangSize" does not apply to pattern steadyService (it takes "instances", "count")',
				'  scn.yaml /frameworks/2/package: unknown package "kubernets"; close matches: kubernetes (see `mesosim package list`)',
			].join("\n"),
		);
		// One framework's problems alone come as they were.
		const rest = validateScenario({ ...raw, frameworks: raw.frameworks.slice(1) });
		const one = thrown(() => checkChameleonSpecs(rest, "scn.yaml"));
		expect(one.message).toBe(
			'scn.yaml /frameworks/1/package: unknown package "kubernets"; close matches: kubernetes (see `mesosim package list`)',
		);
	});

	it("names the wrong field as a JSON pointer into the scenario", () => {
		const cases: [Record<string, unknown>, string][] = [
			[
				{ package: "kubernets" },
				'/frameworks/1/package: unknown package "kubernets"; close matches: kubernetes',
			],
			[
				{ package: "hdfs", groups: { dta: {} } },
				'/frameworks/1/groups/dta: package "hdfs" has no group "dta" (did you mean "data"?)',
			],
			[
				{ groups: [{ name: "a", pattern: "poisonBatch" }] },
				'(got "poisonBatch") (did you mean "poissonBatch"?)',
			],
			[
				{
					groups: [
						{ name: "a", pattern: "poissonBatch", lifecycle: { runFor: { kind: "lognormal", median: 60 } } },
					],
				},
				'/frameworks/1/groups/0/lifecycle/runFor/sigma: required field "sigma" is missing',
			],
			[
				{ groups: [{ name: "a", pattern: "steadyService", gangSize: 3 }] },
				'/frameworks/1/groups/0/gangSize: "gangSize" does not apply to pattern steadyService',
			],
			[
				{ groups: [{ name: "a", pattern: "steadyService", constraints: [["rack", "MAX_PR", 2]] }] },
				'/frameworks/1/groups/0/constraints/0/1: unknown operator "MAX_PR"',
			],
			[
				{ groups: [{ name: "a", pattern: "steadyService", lifecycle: { runFor: "5 minutes please" } }] },
				"/frameworks/1/groups/0/lifecycle/runFor: invalid duration",
			],
			[
				{ groups: [{ name: "a", pattern: "constrainedPlacement", constraints: [] }] },
				"/frameworks/1/groups/0/constraints: constrainedPlacement needs at least one constraint",
			],
			[
				{ offerPolicy: { holdOffersMs: -1 }, groups: [{ name: "a", pattern: "steadyService" }] },
				"/frameworks/1/offerPolicy/holdOffersMs: must be a number >= 0 (got -1)",
			],
			[{ grups: [] }, '/frameworks/1: a chameleon needs "groups" or a "package"'],
			[
				{ groups: [{ name: "a", pattern: "poissonBatch", arrivals: { kind: "poison", ratePerMin: 1 } }] },
				'(did you mean "poisson"?)',
			],
			[
				{ groups: [{ name: "a", pattern: "traceReplay", trace: "/nonexistent/trace.csv" }] },
				'/frameworks/1/groups/0/trace: cannot read trace file "/nonexistent/trace.csv"',
			],
			[
				{ role: "a//b", groups: [{ name: "a", pattern: "steadyService" }] },
				"/frameworks/1/role: invalid role",
			],
		];
		for (const [entry, text] of cases) {
			const err = buildError(entry);
			expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
			expect(err.message).toContain(text);
		}
	});

	it("lists every problem of a spec at once", () => {
		const err = buildError({
			groups: [
				{ name: "a", pattern: "steadyService", after: "b" },
				{
					name: "a",
					pattern: "poissonBatch",
					arrivals: { kind: "mmpp", rates: [1, 2], meanSojournMs: [1, 2, 3] },
				},
			],
		});
		const issues = ((err.details?.issues ?? []) as { pointer: string }[]).map((i) => i.pointer).sort();
		expect(issues).toEqual([
			"/frameworks/1/groups/0/after",
			"/frameworks/1/groups/1/arrivals/meanSojournMs",
			"/frameworks/1/groups/1/name",
		]);
	});
});

describe("scenario from flags", () => {
	it("builds a valid scenario: packages, aliases and bare patterns", () => {
		const raw = scenarioFromFlags({
			agents: 30,
			packages: ["kubernetes", "hdfs", "spark:my-spark", "pattern:poissonBatch:etl", "pattern:crashLoop"],
			duration: "5m",
			seed: 3,
		});
		const s = validateScenario(raw);
		expect(s.agents[0]).toMatchObject({ count: 30, cpus: 8, mem: 32768, disk: 204800 });
		expect(s.frameworks.map((f) => f.name)).toEqual(["kubernetes", "hdfs", "my-spark", "etl", "crashLoop"]);
		const { sim, report } = runSimulation(s);
		expect(report.invariants.violations).toBe(0);
		const stats = (n: string) =>
			(sim.frameworks.find((f) => f.name === n)!.scheduler as ChameleonFramework).stats();
		expect(stats("kubernetes").running).toBe(5);
		expect(stats("hdfs").running).toBe(10);
		expect(stats("my-spark").package).toBe("spark");
		expect(stats("etl").groups.etl!.launched).toBeGreaterThan(0);
		expect(stats("crashLoop").groups.crashLoop!.failed).toBeGreaterThan(0);
	});

	it("parses agent shapes and rejects bad flags with close matches", () => {
		expect(parseAgentShape("16/65536/409600/2")).toEqual({ cpus: 16, mem: 65536, disk: 409600, gpus: 2 });
		expect(thrown(() => parseAgentShape("16/lots")).code).toBe("SIM_ERR_BAD_FLAG");
		expect(frameworkFromFlag("spark:etl-spark")).toEqual({
			type: "chameleon",
			name: "etl-spark",
			package: "spark",
		});
		const unknown = thrown(() => frameworkFromFlag("kafak"));
		expect(unknown.code).toBe("SIM_ERR_BAD_FLAG");
		expect(unknown.message).toContain("close matches: kafka");
		expect(thrown(() => frameworkFromFlag("pattern:gangg")).message).toContain("close matches: gang");
		expect(thrown(() => frameworkFromFlag("spark:")).code).toBe("SIM_ERR_BAD_FLAG");
		expect(thrown(() => frameworkFromFlag("pattern:traceReplay")).message).toContain(
			`traceReplay needs "trace" (a CSV path or rows); write it in a scenario`,
		);
		const dup = thrown(() => scenarioFromFlags({ agents: 3, packages: ["spark", "spark"], duration: "1m" }));
		expect(dup.message).toContain("spark:spark-2");
		expect(thrown(() => scenarioFromFlags({ agents: 0, packages: [], duration: "1m" })).code).toBe(
			"SIM_ERR_BAD_FLAG",
		);
	});

	it("describes packages as plain data; an unknown name lists close matches", () => {
		const d = describePackage("kafka");
		expect(d).toMatchObject({
			name: "kafka",
			patterns: ["stateful", "constrainedPlacement"],
			expectedTasks: 3,
		});
		expect(d.groups[0]).toMatchObject({
			name: "broker",
			pattern: "stateful",
			instances: 3,
			cpus: 1,
			mem: 2048,
		});
		expect(d.offerPolicy.declineRefuseSeconds).toBe(3600);
		expect(JSON.parse(JSON.stringify(d))).toEqual(d);
		const err = thrown(() => describePackage("kubernete"));
		expect(err.code).toBe("SIM_ERR_USAGE");
		expect(err.message).toContain("close matches: kubernetes, kubernetes-legacy");
	});
});

describe("docs/chameleon.md", () => {
	it("has the generated reference tables up to date", () => {
		const doc = readFileSync(new URL("../../docs/chameleon.md", import.meta.url), "utf8");
		expect(generatedBlock(doc)).toBe(referenceTables());
	});
});

describe("examples/chameleon-*.yaml", () => {
	it.each(
		readdirSync(new URL("../../examples", import.meta.url)).filter((f) => /^chameleon-.*\.yaml$/.test(f)),
	)("%s loads and builds", (file) => {
		const s = loadScenarioFile(`examples/${file}`);
		const sim = buildSimulation(s);
		expect(sim.frameworks.filter((f) => f.type === "chameleon").length).toBeGreaterThan(0);
	});
});

describe("a spec in its own file", () => {
	const dir = mkdtempSync(join(tmpdir(), "mesosim-spec-"));
	const file = join(dir, "batch.yaml");
	writeFileSync(
		file,
		[
			"name: nightly",
			"offerPolicy: { declineRefuseSeconds: 30 }",
			"groups:",
			"  - name: job",
			"    pattern: poissonBatch",
			"    arrivals: { kind: poisson, ratePerMin: 10 }",
			"",
		].join("\n"),
	);

	it("loads standalone, and from a scenario entry with `file` (entry fields win)", () => {
		const c = loadChameleonSpec(file);
		expect(c.name).toBe("nightly");
		expect(c.offerPolicy.declineRefuseSeconds).toBe(30);
		const { sim } = runSimulation(
			validateScenario({
				duration: "2m",
				agents: [{ count: 2, cpus: 4, mem: 8192 }],
				frameworks: [{ type: "chameleon", name: "etl", file, offerPolicy: { declineRefuseSeconds: 60 } }],
			}),
		);
		const fw = sim.frameworks[0]!.scheduler as ChameleonFramework;
		expect(fw.config.name).toBe("etl");
		expect(fw.config.offerPolicy.declineRefuseSeconds).toBe(60);
		expect(fw.stats().groups.job!.launched).toBeGreaterThan(5);
	});

	it("problems in a spec file name the line", () => {
		const err = thrown(() =>
			parseChameleonSpec("groups:\n  - name: a\n    pattern: steadyService\n    instancs: 3\n", "svc.yaml"),
		);
		expect(err.message).toBe(
			'svc.yaml:4 /groups/0/instancs: unknown field "instancs" (did you mean "instances"?)',
		);
	});
});

describe("arrival processes", () => {
	const times = (a: Arrivals, n: number) => {
		const p = arrivalProcess(a, 0, new Rng("arrivals"));
		return Array.from({ length: n }, () => p.next()!);
	};

	it("poisson: mean gap 60000 / rate", () => {
		const t = times({ kind: "poisson", ratePerMin: 10 }, 5000);
		expect(t[t.length - 1]! / t.length).toBeGreaterThan(5700);
		expect(t[t.length - 1]! / t.length).toBeLessThan(6300);
	});

	it("diurnal: busier at the peak hour than twelve hours later", () => {
		const t = times({ kind: "diurnal", ratePerMin: 10, amplitude: 0.6, peakHour: 2 }, 30_000);
		const hourOf = (x: number) => Math.floor((x % 86_400_000) / 3_600_000);
		const at = (h: number) => t.filter((x) => hourOf(x) === h).length;
		expect(at(2) / at(14)).toBeGreaterThan(2.5);
	});

	it("mmpp: bursts (gaps far more variable than Poisson)", () => {
		const t = times({ kind: "mmpp", rates: [1, 30], meanSojournMs: [600_000, 120_000] }, 5000);
		const gaps = t.slice(1).map((x, k) => x - t[k]!);
		const mean = gaps.reduce((a, b) => a + b, 0) / gaps.length;
		const sd = Math.sqrt(gaps.reduce((a, b) => a + (b - mean) ** 2, 0) / gaps.length);
		expect(sd / mean).toBeGreaterThan(1.5);
	});

	it("cron: ticks at at + k × every", () => {
		expect(times({ kind: "cron", everyMs: 600_000, atMs: 60_000, jitterMs: 0 }, 3)).toEqual([
			60_000, 660_000, 1_260_000,
		]);
	});
});

// Written from the mutation run's survivors (docs/testing.md).
describe("a standalone spec file", () => {
	const problem = (fn: () => unknown): string => {
		try {
			fn();
		} catch (e) {
			expect(isSimError(e)).toBe(true);
			return (e as SimError).message;
		}
		throw new Error("no problem reported");
	};

	it("is named by its name, else by the file name without directory or extension", () => {
		expect(
			parseChameleonSpec("groups: [{ name: a, pattern: steadyService }]", "dir/sub/my.spec.yaml").name,
		).toBe("my.spec");
		expect(
			parseChameleonSpec('{"groups": [{"name": "a", "pattern": "steadyService"}]}', "C:\\specs\\web.json")
				.name,
		).toBe("web");
		expect(
			parseChameleonSpec("name: svc\ngroups: [{ name: a, pattern: steadyService }]", "x/y.yaml").name,
		).toBe("svc");
		expect(parseChameleonSpec("groups: [{ name: a, pattern: steadyService }]", ".yaml").name).toBe(
			"chameleon",
		);
	});

	it("holds one object; its problems name the file", () => {
		expect(problem(() => parseChameleonSpec("- a\n- b\n", "list.yaml"))).toMatch(
			/list\.yaml.*a chameleon spec file holds one object \(name, groups or package, …\)/s,
		);
		expect(
			problem(() =>
				parseChameleonSpec("role: a\nroles: [b]\ngroups: [{ name: a, pattern: steadyService }]", "both.yaml"),
			),
		).toMatch(/both\.yaml.*give either role or roles, not both/s);
	});
});
