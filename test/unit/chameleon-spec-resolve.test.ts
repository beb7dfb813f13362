/**
 * The chameleon spec's resolution, in-process: spec files read through
 * `readText` and merged under the entry's fields, problems retitled with the
 * source's name, the schema's fallback messages, and every refusal of
 * spec/resolve.ts with its exact words and JSON pointer (users see them).
 * Written from the mutation run's survivors (docs/testing.md).
 */
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SimError } from "../../common/errors.js";
import {
	type ChameleonConfig,
	expandSpec,
	parseChameleonSpec,
	resolveChameleonSpec,
} from "../../frameworks/chameleon/index.js";
import { deepMerge, type ResolveOptions } from "../../frameworks/chameleon/spec/index.js";
import { thrown } from "../helpers/thrown.js";

interface Issue {
	pointer: string;
	message: string;
	line?: number;
	code: string;
}

const issuesOf = (err: SimError): Issue[] => (err.details?.issues ?? []) as Issue[];

/** The problems of a spec, as "pointer: message" lines in the order reported. */
function problems(raw: Record<string, unknown>, options: ResolveOptions = {}): string[] {
	const err = thrown(() => resolveChameleonSpec(raw, "fw", options));
	expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
	return issuesOf(err).map((i) => `${i.pointer}: ${i.message}`);
}

const resolve = (raw: Record<string, unknown>, options: ResolveOptions = {}): ChameleonConfig =>
	resolveChameleonSpec(raw, "fw", options);

const one = (group: Record<string, unknown>, options: ResolveOptions = {}) =>
	resolve({ groups: [{ name: "g", ...group }] }, options).groups[0]!;

const dir = mkdtempSync(join(tmpdir(), "mesosim-spec-resolve-"));
const write = (name: string, text: string): string => {
	const file = join(dir, name);
	writeFileSync(file, text);
	return file;
};
const readText = (path: string): string => readFileSync(path, "utf8");

describe("a spec `file` read in-process", () => {
	const spec = write(
		"nightly.yaml",
		[
			"name: nightly",
			"description: from the file",
			"offerPolicy: { declineRefuseSeconds: 30, suppressWhenIdle: true }",
			"groups:",
			"  - { name: job, pattern: poissonBatch, arrivals: { kind: poisson, ratePerMin: 10 } }",
			"",
		].join("\n"),
	);

	it("merges the entry's own fields over the file's (objects merge); the name is the caller's", () => {
		const c = resolve({ file: spec, offerPolicy: { declineRefuseSeconds: 60 }, user: "etl" }, { readText });
		expect(c.name).toBe("fw");
		expect(c.description).toBe("from the file");
		expect(c.user).toBe("etl");
		expect(c.offerPolicy.declineRefuseSeconds).toBe(60);
		expect(c.offerPolicy.suppressWhenIdle).toBe(true);
		expect(c.groups.map((g) => [g.name, g.arrivals])).toEqual([["job", { kind: "poisson", ratePerMin: 10 }]]);
	});

	it("without a reader, a file is refused at its pointer", () => {
		expect(problems({ file: spec }, { path: ["frameworks", 2] })).toEqual([
			"/frameworks/2/file: spec files cannot be read here; write the spec inline",
		]);
	});

	it("a file that cannot be read names the file and the reader's reason", () => {
		const reason = () => {
			throw new Error("no such file");
		};
		const err = thrown(() =>
			resolve({ file: "specs/gone.yaml" }, { path: ["frameworks", 0], readText: reason }),
		);
		expect(err.message).toBe('/frameworks/0/file: cannot read "specs/gone.yaml": no such file');
		expect(issuesOf(err).map((i) => i.pointer)).toEqual(["/frameworks/0/file"]);
	});

	it("a file must hold one object", () => {
		const list = write("list.yaml", "- a\n- b\n");
		expect(problems({ file: list }, { readText })).toEqual([
			`/file: ${list} must hold a chameleon spec (an object with groups or a package)`,
		]);
		const scalar = write("scalar.yaml", "42\n");
		expect(problems({ file: scalar }, { readText })).toEqual([
			`/file: ${scalar} must hold a chameleon spec (an object with groups or a package)`,
		]);
	});

	it("an empty file is refused too (it holds no object)", () => {
		const empty = write("empty.yaml", "");
		expect(problems({ file: empty }, { readText })).toEqual([
			`/file: ${empty} must hold a chameleon spec (an object with groups or a package)`,
		]);
	});

	it("a problem of the file's spec is named by its pointer in the entry", () => {
		const bad = write("bad.yaml", "groups: [{ name: a, pattern: steadyService, instancs: 2 }]\n");
		expect(problems({ file: bad }, { path: ["frameworks", 1], readText })).toEqual([
			'/frameworks/1/groups/0/instancs: unknown field "instancs" (did you mean "instances"?)',
		]);
	});
});

describe("problems of the expansion carry the source's name", () => {
	it("a problem found while expanding (file, package) is listed like every other, with the source", () => {
		const err = thrown(() =>
			resolve({ package: "kubernets" }, { path: ["frameworks", 2], sourceName: "scn.yaml" }),
		);
		expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(err.message).toBe(
			'scn.yaml /frameworks/2/package: unknown package "kubernets"; close matches: kubernetes (see `mesosim package list`)',
		);
		expect(err.details?.source).toBe("scn.yaml");
		expect(issuesOf(err).map((i) => i.pointer)).toEqual(["/frameworks/2/package"]);
		const file = thrown(() => resolve({ file: "x.yaml" }, { sourceName: "scn.yaml" }));
		expect(file.message).toBe("scn.yaml /file: spec files cannot be read here; write the spec inline");
	});

	it("without a source name the expansion's problem is thrown as it is", () => {
		const err = thrown(() => resolve({ package: "kubernets" }));
		expect(err.message).toBe(
			'/package: unknown package "kubernets"; close matches: kubernetes (see `mesosim package list`)',
		);
		expect(err.details?.source).toBeNull();
	});

	it("a spec file that does not parse: its own error, prefixed with the source's name", () => {
		const broken = write("broken.yaml", "groups: [\n");
		const err = thrown(() => resolve({ file: broken }, { sourceName: "scn.yaml", readText }));
		expect(err.code).toBe("SIM_ERR_SCENARIO_PARSE");
		expect(err.message.startsWith(`scn.yaml: ${broken}:`)).toBe(true);
		expect(err.message).toContain(": invalid YAML: ");
		expect(err.details).toEqual(thrown(() => resolve({ file: broken }, { readText })).details);
		expect(thrown(() => resolve({ file: broken }, { readText })).message.startsWith(`${broken}:`)).toBe(true);
	});

	it("an error that is not a SimError passes through untouched", () => {
		// A reader's own failure becomes a problem; a reader that returns something
		// that is not text is a programming error, thrown as it is.
		expect(() =>
			resolve({ file: "x.yaml" }, { sourceName: "scn.yaml", readText: () => ({}) as unknown as string }),
		).toThrow(TypeError);
	});

	it("in a standalone file, a package problem names the file and the line (docs/chameleon.md)", () => {
		const err = thrown(() => parseChameleonSpec("name: k\npackage: kubernets\n", "specs/k8s.yaml"));
		expect(err.message).toBe(
			'specs/k8s.yaml:2 /package: unknown package "kubernets"; close matches: kubernetes (see `mesosim package list`)',
		);
		expect(err.details?.source).toBe("specs/k8s.yaml");
		const groups = thrown(() =>
			parseChameleonSpec(
				"package: hdfs\ngroups:\n  data: { instances: 5 }\n  dta:\n    instances: 1\n",
				"h.yaml",
			),
		);
		expect(groups.message).toBe(
			'h.yaml:4 /groups/dta: package "hdfs" has no group "dta" (did you mean "data"?) (its groups: journal, name, zkfc, data)',
		);
		const file = thrown(() => parseChameleonSpec("name: f\n\nfile: other.yaml\n", "f.yaml"));
		expect(file.message).toBe("f.yaml:3 /file: spec files cannot be read here; write the spec inline");
	});

	it("a spec with neither groups nor package names the source and the line", () => {
		expect(thrown(() => parseChameleonSpec("name: a\n", "dir/k.yaml")).message).toBe(
			'dir/k.yaml:1: a chameleon needs "groups" or a "package" (see `mesosim package list`)',
		);
		const err = thrown(() => resolve({ name: "a" }, { path: ["frameworks", 3], sourceName: "scn.yaml" }));
		expect(err.message).toBe(
			'scn.yaml /frameworks/3: a chameleon needs "groups" or a "package" (see `mesosim package list`)',
		);
		expect(err.details?.source).toBe("scn.yaml");
	});

	it("schema and meaning problems carry the source name (and the line in a standalone file)", () => {
		expect(
			thrown(() =>
				parseChameleonSpec("groups:\n  - name: a\n    pattern: steadyService\n    count: -1\n", "svc.yaml"),
			).message,
		).toBe("svc.yaml:4 /groups/0/count: must be an integer >= 0 (got -1)");
		expect(
			thrown(() =>
				parseChameleonSpec(
					"groups:\n  - name: a\n    pattern: steadyService\n  - name: a\n    pattern: steadyService\n",
					"svc.yaml",
				),
			).message,
		).toBe('svc.yaml:4 /groups/1/name: duplicate group name "a"');
		const err = thrown(() =>
			resolve(
				{ groups: [{ name: "a", pattern: "steadyService", after: "zzzz" }] },
				{ sourceName: "scn.yaml" },
			),
		);
		expect(err.message).toBe('scn.yaml /groups/0/after: unknown group "zzzz"');
		expect(err.details?.source).toBe("scn.yaml");
	});
});

describe("schema problems the explainer cannot word", () => {
	// A trace row of 5 numbers breaks only maxItems, which the explainer does
	// not read: the compiled validator's own errors are listed, at most five.
	const row5 = (name: string) => ({ name, pattern: "traceReplay", trace: [[0, 5, 1, 128, 9]] });

	it("are the validator's errors, at their pointers", () => {
		expect(problems({ groups: [row5("t")] }, { path: ["frameworks", 0] })).toEqual([
			"/frameworks/0/groups/0/trace: must be string",
			"/frameworks/0/groups/0/trace/0: must not have more than 4 items",
			"/frameworks/0/groups/0/trace: must match a schema in anyOf",
		]);
	});

	it("at most five of them", () => {
		const got = problems({ groups: [row5("a"), row5("b"), row5("c")] });
		expect(got).toEqual([
			"/groups/0/trace: must be string",
			"/groups/0/trace/0: must not have more than 4 items",
			"/groups/0/trace: must match a schema in anyOf",
			"/groups/1/trace: must be string",
			"/groups/1/trace/0: must not have more than 4 items",
		]);
	});

	it("a worded problem is not repeated by the validator's", () => {
		expect(problems({ groups: [{ name: "a", pattern: "steadyService", count: -1 }] })).toEqual([
			"/groups/0/count: must be an integer >= 0 (got -1)",
		]);
	});
});

describe("roles", () => {
	it("role and roles together, each bad role name at its own pointer", () => {
		expect(problems({ role: "a", roles: ["b"], groups: [{ name: "g", pattern: "steadyService" }] })).toEqual([
			"/roles: give either role or roles, not both",
		]);
		expect(
			problems(
				{ roles: ["a", "b//c"], groups: [{ name: "g", pattern: "steadyService" }] },
				{ path: ["f", 1] },
			),
		).toEqual(['/f/1/roles/1: invalid role "b//c": a role name must not contain "//"']);
		expect(problems({ role: "x//y", groups: [{ name: "g", pattern: "steadyService" }] })).toEqual([
			'/role: invalid role "x//y": a role name must not contain "//"',
		]);
	});

	it("offer filters, suppressed roles and a group's role must be the framework's", () => {
		expect(
			problems({
				roles: ["a", "b"],
				offerFilters: { z: [{ cpus: 1 }] },
				suppressedRoles: ["a", "q"],
				groups: [{ name: "g", pattern: "steadyService", role: "c" }],
			}),
		).toEqual([
			`/offerFilters/z: role "z" is not one of the framework's roles (a, b)`,
			`/suppressedRoles/1: role "q" is not one of the framework's roles (a, b)`,
			`/groups/0/role: role "c" is not one of the framework's roles (a, b)`,
		]);
	});

	it("default role is *; role or roles as given; filters and suppressed roles are copied", () => {
		expect(one({ pattern: "steadyService" }).role).toBeNull();
		expect(resolve({ groups: [{ name: "g", pattern: "steadyService" }] }).roles).toEqual(["*"]);
		expect(resolve({ role: "web", groups: [{ name: "g", pattern: "steadyService" }] }).roles).toEqual([
			"web",
		]);
		const filters = { a: [{ cpus: 2, mem: 64 }] };
		const suppressed = ["b"];
		const c = resolve({
			roles: ["a", "b"],
			offerFilters: filters,
			suppressedRoles: suppressed,
			groups: [{ name: "g", pattern: "steadyService", role: "b" }],
		});
		expect(c.roles).toEqual(["a", "b"]);
		expect(c.groups[0]!.role).toBe("b");
		expect(c.offerFilters).toEqual({ a: [{ cpus: 2, mem: 64 }] });
		expect(c.suppressedRoles).toEqual(["b"]);
		expect(c.offerFilters.a).not.toBe(filters.a);
		expect(c.suppressedRoles).not.toBe(suppressed);
	});
});

describe("groups and their cross-references", () => {
	const g = (name: string, after?: string) => ({
		name,
		pattern: "steadyService",
		...(after === undefined ? {} : { after }),
	});

	it("duplicate names, an unknown `after` with a close match", () => {
		expect(problems({ groups: [g("web"), g("web"), g("api", "wbe")] })).toEqual([
			'/groups/1/name: duplicate group name "web"',
			'/groups/2/after: unknown group "wbe" (did you mean "web"?)',
		]);
		expect(problems({ groups: [g("web"), g("api", "zzzzzz")] })).toEqual([
			'/groups/1/after: unknown group "zzzzzz"',
		]);
	});

	it("a group waiting for itself is one problem, not also a cycle", () => {
		expect(problems({ groups: [g("a"), g("b", "b")] })).toEqual([
			"/groups/1/after: a group cannot wait for itself",
		]);
	});

	it("each group on an `after` cycle is named once, with the group it waits through", () => {
		expect(problems({ groups: [g("a", "c"), g("b", "a"), g("c", "b")] })).toEqual([
			'/groups/0/after: "after" makes a cycle through "b"',
			'/groups/1/after: "after" makes a cycle through "c"',
			'/groups/2/after: "after" makes a cycle through "a"',
		]);
		// A group that leads into a cycle is not on it: only the cycle is named.
		expect(problems({ groups: [g("x", "a"), g("a", "b"), g("b", "a")] })).toEqual([
			'/groups/1/after: "after" makes a cycle through "b"',
			'/groups/2/after: "after" makes a cycle through "a"',
		]);
	});

	it("a chain without a cycle is fine, and `after` is kept", () => {
		const c = resolve({ groups: [g("a"), g("b", "a"), g("c", "b"), g("d", "b")] });
		expect(c.groups.map((x) => x.after)).toEqual([null, "a", "b", "b"]);
	});
});

describe("a group's fields", () => {
	it("a field of another pattern names the pattern's own fields", () => {
		expect(
			problems({
				groups: [
					{ name: "a", pattern: "crashLoop", scale: "cpus" },
					{ name: "b", pattern: "steadyService", arrivals: { kind: "poisson", ratePerMin: 1 } },
				],
			}),
		).toEqual([
			'/groups/0/scale: "scale" does not apply to pattern crashLoop (it takes "instances", "count")',
			'/groups/1/arrivals: "arrivals" does not apply to pattern steadyService (it takes "instances", "count")',
		]);
	});

	it("in a standalone file, a field that does not apply is located at its key", () => {
		expect(
			thrown(() =>
				parseChameleonSpec(
					"groups:\n  - name: a\n    pattern: steadyService\n    gangSize:\n      3\n",
					"svc.yaml",
				),
			).message,
		).toBe(
			'svc.yaml:4 /groups/0/gangSize: "gangSize" does not apply to pattern steadyService (it takes "instances", "count")',
		);
	});

	it("instances and count: either (equal both is fine); else the pattern's default", () => {
		expect(problems({ groups: [{ name: "a", pattern: "steadyService", instances: 2, count: 3 }] })).toEqual([
			"/groups/0/count: give either instances or count (they mean the same)",
		]);
		expect(one({ pattern: "steadyService", instances: 4, count: 4 }).instances).toBe(4);
		expect(one({ pattern: "steadyService", count: 5 }).instances).toBe(5);
		expect(one({ pattern: "steadyService", instances: 6 }).instances).toBe(6);
		expect(one({ pattern: "steadyService", instances: 0 }).instances).toBe(0);
		expect(one({ pattern: "stateful" }).instances).toBe(3);
		expect(one({ pattern: "greedyGrabber" }).instances).toBe(Number.POSITIVE_INFINITY);
	});

	it("a task needs cpus or mem above 0 (constants); a distribution is not checked here", () => {
		const msg = "/groups/0/resources: a task needs some resources: give cpus or mem greater than 0";
		expect(
			problems({ groups: [{ name: "a", pattern: "steadyService", resources: { cpus: 0, mem: 0 } }] }),
		).toEqual([msg]);
		expect(one({ pattern: "steadyService", resources: { cpus: 0, mem: 1 } }).resources.mem).toEqual({
			kind: "const",
			value: 1,
		});
		expect(one({ pattern: "steadyService", resources: { cpus: 0.1, mem: 0 } }).resources.cpus).toEqual({
			kind: "const",
			value: 0.1,
		});
		const drawn = one({
			pattern: "steadyService",
			resources: { cpus: { kind: "uniform", min: 0, max: 1 }, mem: 0 },
		});
		expect(drawn.resources.cpus).toEqual({ kind: "uniform", min: 0, max: 1 });
		const memDrawn = one({
			pattern: "steadyService",
			resources: { cpus: 0, mem: { kind: "uniform", min: 0, max: 64 } },
		});
		expect(memDrawn.resources.mem).toEqual({ kind: "uniform", min: 0, max: 64 });
	});

	it("resources: every kind resolved, missing ones 0", () => {
		const r = one({
			pattern: "steadyService",
			resources: { cpus: 2, mem: 256, disk: 1000, gpus: 1, ports: 3 },
		}).resources;
		expect(r).toEqual({
			cpus: { kind: "const", value: 2 },
			mem: { kind: "const", value: 256 },
			disk: { kind: "const", value: 1000 },
			gpus: { kind: "const", value: 1 },
			ports: 3,
		});
		expect(one({ pattern: "steadyService" }).resources).toMatchObject({
			disk: { kind: "const", value: 0 },
			gpus: { kind: "const", value: 0 },
			ports: 0,
		});
	});

	it("distribution problems name the sub-field under each resource and duration", () => {
		expect(
			problems({
				groups: [
					{
						name: "a",
						pattern: "poissonBatch",
						resources: {
							cpus: { kind: "uniform", min: 2, max: 1 },
							mem: 64,
							disk: { kind: "pareto", alpha: 1, xmin: 0 },
							gpus: { kind: "lognormal", median: 0, sigma: 1 },
						},
						tasksPerJob: { kind: "choice", values: [1, 2], weights: [1] },
						lifecycle: {
							runFor: { kind: "uniform", min: "5m", max: "1m" },
							startupDelay: { kind: "uniform", min: "2s", max: "1s" },
							failAfter: { kind: "uniform", min: "bad", max: "1s" },
						},
					},
					{
						name: "b",
						pattern: "poissonBatch",
						resources: { cpus: 1, mem: { kind: "uniform", min: 9, max: 8 } },
					},
				],
			}),
		).toEqual([
			"/groups/0/resources/cpus/max: must be >= min (2)",
			"/groups/0/resources/disk/xmin: must be greater than 0",
			"/groups/0/resources/gpus/median: must be greater than 0",
			"/groups/0/lifecycle/runFor/max: must be >= min (5m)",
			"/groups/0/lifecycle/startupDelay/max: must be >= min (2s)",
			'/groups/0/lifecycle/failAfter/min: invalid duration "bad": expected a number and a unit at "bad"',
			"/groups/0/tasksPerJob/weights: must have one weight per value (2, got 1)",
			"/groups/1/resources/mem/max: must be >= min (9)",
		]);
	});

	it("a bad duration is reported with its own code", () => {
		const err = thrown(() =>
			resolve({ groups: [{ name: "a", pattern: "steadyService", lifecycle: { startupDelay: "soon" } }] }),
		);
		expect(issuesOf(err)).toEqual([
			{
				pointer: "/groups/0/lifecycle/startupDelay",
				path: ["groups", 0, "lifecycle", "startupDelay"],
				message: 'invalid duration "soon": expected a number and a unit at "soon"',
				code: "SIM_ERR_BAD_DURATION",
			},
		]);
	});

	it("constraints: each bad one at its entry and position; good ones kept in order", () => {
		expect(
			problems({
				groups: [
					{
						name: "a",
						pattern: "steadyService",
						constraints: [
							["hostname", "UNIQUE"],
							["rack", "MAX_PER", 0],
							["", "UNIQUE"],
						],
					},
				],
			}),
		).toEqual([
			"/groups/0/constraints/1/2: MAX_PER needs a number >= 1 (got 0)",
			"/groups/0/constraints/2/0: the field must be a non-empty string",
		]);
		expect(
			one({
				pattern: "steadyService",
				constraints: [
					["rack", "MAX_PER", 2],
					["hostname", "UNIQUE"],
				],
			}).constraints,
		).toEqual([
			{ field: "rack", op: "MAX_PER", max: 2 },
			{ field: "hostname", op: "UNIQUE" },
		]);
	});

	it("elastic: max below min is refused; the shape defaults to step", () => {
		expect(
			problems({
				groups: [{ name: "a", pattern: "elasticScale", elastic: { min: 3, max: 1, periodMs: 5 } }],
			}),
		).toEqual(["/groups/0/elastic/max: must be >= min (3)"]);
		expect(one({ pattern: "elasticScale", elastic: { min: 2, max: 2, periodMs: 10 } }).elastic).toEqual({
			min: 2,
			max: 2,
			periodMs: 10,
			shape: "step",
		});
		expect(
			one({ pattern: "elasticScale", elastic: { min: 0, max: 4, periodMs: 10, shape: "ramp" } }).elastic,
		).toEqual({ min: 0, max: 4, periodMs: 10, shape: "ramp" });
		expect(one({ pattern: "steadyService" }).elastic).toBeNull();
	});

	it("a required field the defaults do not give is named with the pattern's hint", () => {
		expect(problems({ groups: [{ name: "t", pattern: "traceReplay" }] })).toEqual([
			'/groups/0/trace: traceReplay needs "trace" (a CSV path or rows)',
		]);
	});

	it("a pattern's own check is reported under the group (cronBurst's arrivals)", () => {
		expect(
			problems({
				groups: [{ name: "c", pattern: "cronBurst", arrivals: { kind: "poisson", ratePerMin: 1 } }],
			}),
		).toEqual(['/groups/0/arrivals/kind: cronBurst arrivals must be of kind "cron" (got "poisson")']);
	});

	it("every other field: its value, or its documented default", () => {
		const d = one({ pattern: "steadyService" });
		expect(d).toMatchObject({
			name: "g",
			pattern: "steadyService",
			after: null,
			arrivals: null,
			jitterMs: 0,
			maxJobs: Number.POSITIVE_INFINITY,
			tasksPerJob: { kind: "const", value: 1 },
			jobsPerTick: 1,
			concurrencyPolicy: "ALLOW",
			startingDeadlineMs: null,
			gangSize: 1,
			gangTimeoutMs: null,
			scale: "slots",
			maxSlotsPerTask: Number.POSITIVE_INFINITY,
			cpusMax: Number.POSITIVE_INFINITY,
			idleTimeoutMs: 180_000,
			maxAgents: Number.POSITIVE_INFINITY,
			stickyTimeoutMs: 300_000,
			trace: [],
			timeScale: 1,
		});
		expect(
			one({
				pattern: "cronBurst",
				arrivals: { kind: "cron", every: "10m", at: "1m", jitterMs: 500 },
				maxJobs: 7,
				tasksPerJob: 3,
				jobsPerTick: 2,
				concurrencyPolicy: "FORBID",
				startingDeadline: "30s",
			}),
		).toMatchObject({
			arrivals: { kind: "cron", everyMs: 600_000, atMs: 60_000, jitterMs: 500 },
			jitterMs: 500,
			maxJobs: 7,
			tasksPerJob: { kind: "const", value: 3 },
			jobsPerTick: 2,
			concurrencyPolicy: "FORBID",
			startingDeadlineMs: 30_000,
		});
		expect(one({ pattern: "gang", gangSize: 3, gangTimeout: "2m" })).toMatchObject({
			gangSize: 3,
			gangTimeoutMs: 120_000,
		});
		expect(one({ pattern: "greedyGrabber", scale: "cpus", maxSlotsPerTask: 2, cpusMax: 8 })).toMatchObject({
			scale: "cpus",
			maxSlotsPerTask: 2,
			cpusMax: 8,
		});
		expect(
			one({
				pattern: "burstyQueue",
				idleTimeout: "1m",
				maxAgents: 4,
				arrivals: { kind: "poisson", ratePerMin: 2 },
			}),
		).toMatchObject({ idleTimeoutMs: 60_000, maxAgents: 4, jitterMs: 0 });
		expect(one({ pattern: "stateful", stickyTimeout: "90s" }).stickyTimeoutMs).toBe(90_000);
		expect(one({ pattern: "traceReplay", trace: [[0, 1, 1, 1]], timeScale: 2 }).timeScale).toBe(2);
	});

	it("bad durations in group fields name their field", () => {
		expect(
			problems({
				groups: [
					{ name: "c", pattern: "cronBurst", startingDeadline: "x" },
					{ name: "g", pattern: "gang", gangTimeout: "y" },
					{ name: "b", pattern: "burstyQueue", idleTimeout: "z" },
					{ name: "s", pattern: "stateful", stickyTimeout: "w" },
				],
			}),
		).toEqual([
			'/groups/0/startingDeadline: invalid duration "x": expected a number and a unit at "x"',
			'/groups/1/gangTimeout: invalid duration "y": expected a number and a unit at "y"',
			'/groups/2/idleTimeout: invalid duration "z": expected a number and a unit at "z"',
			'/groups/3/stickyTimeout: invalid duration "w": expected a number and a unit at "w"',
		]);
	});
});

describe("lifecycle", () => {
	it("defaults: starts at once, runs a minute, never fails, exit 1, no retries, Marathon's backoff", () => {
		// bigNodeTasks' defaults give only runFor ("infinite"); the rest is the resolver's.
		const l = one({ pattern: "bigNodeTasks", lifecycle: {} }).lifecycle;
		expect(l.startupDelay).toEqual({ kind: "const", value: 0 });
		expect(l.failureProbability).toBe(0);
		expect(l.failAfter).toBeNull();
		expect(l.exitCode).toBe(1);
		expect(l.retries).toBe(0);
		expect(l.restart).toEqual({ backoffMs: 1000, factor: 1.15, capMs: 300_000 });
		const plain = one({ pattern: "traceReplay", trace: [[0, 1, 1, 1]] }).lifecycle;
		expect(plain.runFor).toEqual({ kind: "const", value: 60_000 });
	});

	it("every field as given, durations in ms", () => {
		const l = one({
			pattern: "steadyService",
			lifecycle: {
				startupDelay: "3s",
				runFor: "2m",
				failureProbability: 0.25,
				failAfter: 10,
				exitCode: 7,
				retries: 2,
				restart: { backoffMs: 50, factor: 2, capMs: 400 },
			},
		}).lifecycle;
		expect(l).toEqual({
			startupDelay: { kind: "const", value: 3000 },
			runFor: { kind: "const", value: 120_000 },
			failureProbability: 0.25,
			failAfter: { kind: "const", value: 10_000 },
			exitCode: 7,
			retries: 2,
			restart: { backoffMs: 50, factor: 2, capMs: 400 },
		});
		expect(
			one({ pattern: "steadyService", lifecycle: { restart: { factor: 3 } } }).lifecycle.restart,
		).toEqual({
			backoffMs: 1000,
			factor: 3,
			capMs: 300_000,
		});
		expect(one({ pattern: "steadyService", lifecycle: { runFor: "infinite" } }).lifecycle.runFor).toBeNull();
	});
});

describe("arrivals", () => {
	it("each kind resolved to what the arrival process reads", () => {
		expect(one({ pattern: "poissonBatch", arrivals: { kind: "poisson", ratePerMin: 3 } }).arrivals).toEqual({
			kind: "poisson",
			ratePerMin: 3,
		});
		expect(
			one({
				pattern: "poissonBatch",
				arrivals: { kind: "diurnal", ratePerMin: 2, amplitude: 0.5, peakHour: 14 },
			}).arrivals,
		).toEqual({ kind: "diurnal", ratePerMin: 2, amplitude: 0.5, peakHour: 14 });
		expect(
			one({ pattern: "poissonBatch", arrivals: { kind: "mmpp", rates: [1, 9], meanSojournMs: 5000 } })
				.arrivals,
		).toEqual({ kind: "mmpp", rates: [1, 9], meanSojournMs: [5000] });
		expect(
			one({ pattern: "poissonBatch", arrivals: { kind: "mmpp", rates: [1, 9], meanSojournMs: [10, 20] } })
				.arrivals,
		).toEqual({ kind: "mmpp", rates: [1, 9], meanSojournMs: [10, 20] });
		expect(one({ pattern: "cronBurst", arrivals: { kind: "cron", every: 90 } }).arrivals).toEqual({
			kind: "cron",
			everyMs: 90_000,
			atMs: 0,
			jitterMs: 0,
		});
	});

	it("mmpp: one sojourn or one per rate, all above 0", () => {
		const batch = (arrivals: unknown) => ({ name: "b", pattern: "poissonBatch", arrivals });
		expect(problems({ groups: [batch({ kind: "mmpp", rates: [1, 2, 3], meanSojournMs: [1, 2] })] })).toEqual([
			"/groups/0/arrivals/meanSojournMs: give one sojourn, or one per rate (3)",
		]);
		expect(problems({ groups: [batch({ kind: "mmpp", rates: [1, 2], meanSojournMs: 0 })] })).toEqual([
			"/groups/0/arrivals/meanSojournMs: sojourns must be greater than 0",
		]);
		expect(problems({ groups: [batch({ kind: "mmpp", rates: [1, 2], meanSojournMs: [5, 0] })] })).toEqual([
			"/groups/0/arrivals/meanSojournMs: sojourns must be greater than 0",
		]);
		// A single rate with a single sojourn in a list is fine.
		expect(one(batch({ kind: "mmpp", rates: [4], meanSojournMs: [7] })).arrivals).toEqual({
			kind: "mmpp",
			rates: [4],
			meanSojournMs: [7],
		});
	});

	it("cron: every must be longer than 0; bad durations at every and at", () => {
		expect(
			problems({
				groups: [{ name: "c", pattern: "cronBurst", arrivals: { kind: "cron", every: "0s", at: "bad" } }],
			}),
		).toEqual([
			"/groups/0/arrivals/every: must be longer than 0",
			'/groups/0/arrivals/at: invalid duration "bad": expected a number and a unit at "bad"',
		]);
		expect(
			problems({ groups: [{ name: "c", pattern: "cronBurst", arrivals: { kind: "cron", every: "often" } }] }),
		).toEqual([
			'/groups/0/arrivals/every: invalid duration "often": expected a number and a unit at "often"',
			"/groups/0/arrivals/every: must be longer than 0",
		]);
		expect(one({ pattern: "cronBurst", arrivals: { kind: "cron", every: "1ms" } }).arrivals).toMatchObject({
			everyMs: 1,
		});
	});
});

describe("traces", () => {
	it("inline rows: seconds to ms, sorted by arrival; an empty row names its index", () => {
		expect(
			one({
				pattern: "traceReplay",
				trace: [
					[30, 600, 1, 1024],
					[0, 120, 2, 4096],
				],
			}).trace,
		).toEqual([
			{ arrivalMs: 0, durationMs: 120_000, cpus: 2, mem: 4096 },
			{ arrivalMs: 30_000, durationMs: 600_000, cpus: 1, mem: 1024 },
		]);
		expect(
			problems({
				groups: [
					{
						name: "t",
						pattern: "traceReplay",
						trace: [
							[0, 1, 1, 0],
							[1, 1, 0, 0],
						],
					},
				],
			}),
		).toEqual(["/groups/0/trace/1: a trace row needs cpus or mem > 0"]);
		expect(one({ pattern: "traceReplay", trace: [[0, 1, 0, 1]] }).trace).toHaveLength(1);
	});

	it("a trace file is read through the reader, parsed and sorted", () => {
		const csv = write("t.csv", "arrival_s,duration_s,cpus,mem\n20,5,1,128\n10,6,2,256\n");
		expect(one({ pattern: "traceReplay", trace: csv }, { readText }).trace).toEqual([
			{ arrivalMs: 10_000, durationMs: 6000, cpus: 2, mem: 256 },
			{ arrivalMs: 20_000, durationMs: 5000, cpus: 1, mem: 128 },
		]);
	});

	it("trace files: no reader, unreadable, unparsable, an empty row (named by the file's pointer)", () => {
		const t = (trace: string) => ({ name: "t", pattern: "traceReplay", trace });
		expect(problems({ groups: [t("t.csv")] }, { path: ["frameworks", 4] })).toEqual([
			"/frameworks/4/groups/0/trace: trace files cannot be read here; give the rows inline",
		]);
		const gone = () => {
			throw new Error("ENOENT: no such file");
		};
		expect(problems({ groups: [t("gone.csv")] }, { readText: gone })).toEqual([
			'/groups/0/trace: cannot read trace file "gone.csv": ENOENT: no such file',
		]);
		const bad = write("bad.csv", "0,5,1,128\n1,x,1,128\n");
		expect(problems({ groups: [t(bad)] }, { readText })).toEqual([
			`/groups/0/trace: ${bad}:2: expected 4 numbers >= 0 (arrival_s,duration_s,cpus,mem), got "1,x,1,128"`,
		]);
		const zero = write("zero.csv", "0,5,1,128\n1,5,0,0\n2,5,0,0\n");
		expect(problems({ groups: [t(zero)] }, { readText })).toEqual([
			"/groups/0/trace: a trace row needs cpus or mem > 0",
			"/groups/0/trace: a trace row needs cpus or mem > 0",
		]);
	});
});

describe("expansion: deep merge, packages, pattern defaults", () => {
	it("deepMerge: objects merge, arrays and scalars replace, a `kind` object replaces whole", () => {
		const base = {
			a: 1,
			o: { x: 1, y: { z: 1 } },
			list: [1, 2, 3],
			d: { kind: "uniform", min: 1, max: 2 },
		};
		const over = { b: 2, o: { y: { w: 2 } }, list: [9], d: { kind: "const", value: 5 } };
		expect(deepMerge(base, over)).toEqual({
			a: 1,
			b: 2,
			o: { x: 1, y: { z: 1, w: 2 } },
			list: [9],
			d: { kind: "const", value: 5 },
		});
		expect(deepMerge(base, undefined)).toEqual(base);
		expect(deepMerge(base, 3)).toBe(3);
		expect(deepMerge([1], { a: 1 })).toEqual({ a: 1 });
		expect(deepMerge({ a: 1 }, [2])).toEqual([2]);
		expect(deepMerge(null, { a: 1 })).toEqual({ a: 1 });
		// A key the override leaves undefined keeps the base's value.
		expect(deepMerge({ a: 1 }, { a: undefined })).toEqual({ a: 1 });
	});

	it("deepMerge copies: the result shares nothing with its inputs, which stay as they were", () => {
		const base = { o: { x: [1, { y: 1 }] }, keep: { k: 1 } };
		const over = { o: { extra: { e: [1] } }, add: { n: [2] } };
		const out = deepMerge(base, over) as Record<string, Record<string, unknown>>;
		(out.o!.x as unknown[]).push(2);
		((out.o!.x as unknown[])[1] as Record<string, number>).y = 9;
		(out.keep as Record<string, number>).k = 9;
		((out.o!.extra as Record<string, number[]>).e as number[]).push(3);
		(out.add!.n as number[]).push(3);
		expect(base).toEqual({ o: { x: [1, { y: 1 }] }, keep: { k: 1 } });
		expect(over).toEqual({ o: { extra: { e: [1] } }, add: { n: [2] } });
		const same = deepMerge(base, undefined) as typeof base;
		same.keep.k = 7;
		expect(base.keep.k).toBe(1);
		const replaced = deepMerge(1, over) as typeof over;
		replaced.add.n.push(4);
		expect(over.add.n).toEqual([2]);
	});

	it("an unknown package is refused at its pointer, with close matches", () => {
		expect(thrown(() => expandSpec({ package: "kafak" }, ["frameworks", 5])).message).toBe(
			'/frameworks/5/package: unknown package "kafak"; close matches: kafka (see `mesosim package list`)',
		);
	});

	it("a spec file that holds no object is refused at the file's root, by its name alone", () => {
		expect(thrown(() => parseChameleonSpec("- a\n- b\n", "dir/x.yaml")).message).toBe(
			"dir/x.yaml: a chameleon spec file holds one object (name, groups or package, …)",
		);
	});

	it("a spec on its own (no path) names the problem at the spec's root", () => {
		expect(thrown(() => expandSpec({ package: "kafak" })).message).toBe(
			'/package: unknown package "kafak"; close matches: kafka (see `mesosim package list`)',
		);
	});

	it("group entries that are not objects pass through the expansion untouched, and resolving names them", () => {
		expect(expandSpec({ groups: [null, 3, { name: "a" }] }).groups).toEqual([null, 3, { name: "a" }]);
		expect(issuesOf(thrown(() => resolveChameleonSpec({ groups: [null] } as never, "fw")))).toMatchObject([
			{ pointer: "/groups/0", message: "must be an object (got null)" },
		]);
	});

	it("a groups map naming groups the package lacks: each named, with the package's groups", () => {
		const err = thrown(() =>
			expandSpec({ package: "hdfs", groups: { dta: { instances: 1 }, data: { instances: 2 }, zzz: {} } }, [
				"f",
				0,
			]),
		);
		expect(issuesOf(err).map((i) => `${i.pointer}: ${i.message}`)).toEqual([
			'/f/0/groups/dta: package "hdfs" has no group "dta" (did you mean "data"?) (its groups: journal, name, zkfc, data)',
			'/f/0/groups/zzz: package "hdfs" has no group "zzz" (its groups: journal, name, zkfc, data)',
		]);
	});

	it("a package's spec under the user's fields; its groups kept, replaced by a list, or changed by name", () => {
		const kept = expandSpec({ package: "hdfs", user: "hdfs" });
		expect(kept.package).toBe("hdfs");
		expect(kept.user).toBe("hdfs");
		expect(kept.failoverTimeout).toBe("7d");
		const groups = kept.groups as Record<string, unknown>[];
		expect(groups.map((g) => g.name)).toEqual(["journal", "name", "zkfc", "data"]);
		// stateful's defaults (disk, runFor) merged under each of the package's groups
		expect(groups[2]).toMatchObject({
			name: "zkfc",
			after: "name",
			instances: 2,
			resources: { cpus: 0.3, mem: 2048, disk: 5000 },
			lifecycle: { runFor: "infinite" },
		});
		const byName = expandSpec({
			package: "hdfs",
			groups: { zkfc: { instances: 5 }, name: { after: "zkfc" }, journal: { instances: 1 } },
		});
		const named = byName.groups as Record<string, unknown>[];
		expect(named.map((g) => [g.name, g.instances, g.after])).toEqual([
			["journal", 1, undefined],
			["name", 2, "zkfc"],
			["zkfc", 5, "name"],
			["data", 3, "zkfc"],
		]);
		const list = expandSpec({ package: "hdfs", groups: [{ name: "only", pattern: "steadyService" }] });
		expect((list.groups as Record<string, unknown>[]).map((g) => g.name)).toEqual(["only"]);
	});

	it("expanding does not change the catalog or the user's spec", () => {
		const user = { package: "hdfs", groups: { data: { instances: 9, resources: { mem: 1 } } } };
		const a = expandSpec(user);
		((a.groups as Record<string, unknown>[])[3]!.resources as Record<string, number>).cpus = 99;
		(a.offerPolicy as Record<string, number>).declineRefuseSeconds = 1;
		expect(user).toEqual({ package: "hdfs", groups: { data: { instances: 9, resources: { mem: 1 } } } });
		const b = expandSpec({ package: "hdfs" });
		expect((b.groups as Record<string, unknown>[])[3]!.resources).toEqual({
			cpus: 0.3,
			mem: 2048,
			disk: 5000,
			ports: 3,
		});
		expect(b.offerPolicy).toMatchObject({ declineRefuseSeconds: 3600 });
		const listed = { groups: [{ name: "a", pattern: "steadyService", resources: { cpus: 2 } }] };
		const c = expandSpec(listed);
		((c.groups as Record<string, unknown>[])[0]!.resources as Record<string, number>).mem = 1;
		expect(listed.groups[0]!.resources).toEqual({ cpus: 2 });
		expect(resolve(listed).groups[0]!.resources.mem).toEqual({ kind: "const", value: 128 });
	});

	it("pattern defaults go under groups of a known pattern only; other entries are left for the schema", () => {
		const out = expandSpec({
			groups: [
				{ name: "a", pattern: "steadyService" },
				{ name: "b", pattern: "noSuchPattern" },
				{ name: "c", pattern: 7 },
				"text",
			],
		});
		expect(out.groups).toEqual([
			{
				name: "a",
				pattern: "steadyService",
				resources: { cpus: 1, mem: 128 },
				lifecycle: { runFor: "infinite" },
			},
			{ name: "b", pattern: "noSuchPattern" },
			{ name: "c", pattern: 7 },
			"text",
		]);
		expect(expandSpec({ groups: "all" }).groups).toBe("all");
		const plain = { name: "x", user: "u" };
		expect(expandSpec(plain)).toBe(plain);
	});
});

describe("framework fields", () => {
	const svc = [{ name: "g", pattern: "steadyService" }];

	it("documented defaults", () => {
		const c = resolve({ groups: svc });
		expect(c).toMatchObject({
			name: "fw",
			package: null,
			description: "",
			roles: ["*"],
			user: "root",
			failoverTimeoutMs: 0,
			partitionAware: false,
			checkpoint: false,
			startAtMs: 0,
			latencyMs: 0,
			thinkTime: { perBatchMs: 0, perTaskMs: 0 },
			offerFilters: {},
			suppressedRoles: [],
		});
		expect(c.offerPolicy).toEqual({
			declineRefuseSeconds: 5,
			unfitRefuseSeconds: 5,
			suppressWhenIdle: false,
			reviveMinIntervalMs: 1000,
			reviveOnDemand: true,
			holdOffersMs: 0,
			holdJitterMs: 0,
			maxTasksPerOffer: 0,
			acceptPartialGang: false,
		});
	});

	it("each field as given; durations in ms, ms fields rounded", () => {
		const c = resolve({
			description: "d",
			user: "svc",
			failoverTimeout: "1h",
			partitionAware: true,
			checkpoint: true,
			startAtMs: 1500.4,
			latencyMs: 2.6,
			thinkTime: { perBatchMs: 7, perTaskMs: 3 },
			groups: svc,
		});
		expect(c).toMatchObject({
			description: "d",
			user: "svc",
			failoverTimeoutMs: 3_600_000,
			partitionAware: true,
			checkpoint: true,
			startAtMs: 1500,
			latencyMs: 3,
			thinkTime: { perBatchMs: 7, perTaskMs: 3 },
		});
		expect(resolve({ thinkTime: { perTaskMs: 4 }, groups: svc }).thinkTime).toEqual({
			perBatchMs: 0,
			perTaskMs: 4,
		});
		expect(resolve({ startAt: "10m", startAtMs: 5, groups: svc }).startAtMs).toBe(600_000);
		expect(resolve({ package: "hdfs" }).package).toBe("hdfs");
	});

	it("bad framework durations name their field", () => {
		expect(problems({ failoverTimeout: "soon", startAt: "later", groups: svc })).toEqual([
			'/startAt: invalid duration "later": expected a number and a unit at "later"',
			'/failoverTimeout: invalid duration "soon": expected a number and a unit at "soon"',
		]);
	});

	it("offer policy: each field given wins; unfit refusals default to min(5, decline)", () => {
		const given = {
			declineRefuseSeconds: 120,
			unfitRefuseSeconds: 30,
			suppressWhenIdle: true,
			reviveMinIntervalMs: 5000,
			reviveOnDemand: false,
			holdOffersMs: 10,
			holdJitterMs: 20,
			maxTasksPerOffer: 5,
			acceptPartialGang: true,
		};
		expect(resolve({ offerPolicy: given, groups: svc }).offerPolicy).toEqual(given);
		expect(
			resolve({ offerPolicy: { declineRefuseSeconds: 2 }, groups: svc }).offerPolicy.unfitRefuseSeconds,
		).toBe(2);
		expect(
			resolve({ offerPolicy: { declineRefuseSeconds: 60 }, groups: svc }).offerPolicy.unfitRefuseSeconds,
		).toBe(5);
	});

	it("a group's pattern implies offer-policy defaults; the user's fields still win", () => {
		const hoard = [...svc, { name: "h", pattern: "offerHoarder" }];
		expect(resolve({ groups: hoard }).offerPolicy).toMatchObject({
			holdOffersMs: 300_000,
			holdJitterMs: 60_000,
		});
		expect(resolve({ offerPolicy: { holdOffersMs: 1 }, groups: hoard }).offerPolicy).toMatchObject({
			holdOffersMs: 1,
			holdJitterMs: 60_000,
		});
	});

	it("a package that is not a name is a schema problem, not a missing one", () => {
		expect(problems({ package: 5 })).toEqual([
			'/groups: required field "groups" is missing (a list)',
			"/package: must be a string (got 5)",
		]);
	});
});
