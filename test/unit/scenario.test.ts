import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { DEFAULT_FLAGS } from "../../master/flags.js";
import { generatedBlock, generateFieldTables, normalizeTables } from "../../sim/scenario/docs.js";
import {
	loadScenarioFile,
	parseScenario,
	type Scenario,
	validateScenario,
} from "../../sim/scenario/index.js";

const minimal = `
agents:
  - count: 3
    cpus: 4
    mem: 8192
frameworks:
  - type: simple
    name: fw
    tasks: { count: 2, cpus: 1, mem: 128 }
`;

describe("loadScenarioFile: examples", () => {
	it("loads quickstart.yaml with its values", () => {
		const s = loadScenarioFile("examples/quickstart.yaml");
		expect(s.name).toBe("quickstart");
		expect(s.seed).toBe(42);
		expect(s.durationMs).toBe(3_600_000);
		expect(s.agents.map((g) => [g.group, g.count, g.cpus, g.mem])).toEqual([
			["general", 800, 8, 32768],
			["large", 200, 16, 65536],
		]);
		expect(s.agents.reduce((n, g) => n + g.count, 0)).toBe(1000);
		expect(s.agents[0]!.attributes).toEqual({ rack: "r{i / 20}", zone: "z{i % 4}" });
		expect(s.roles).toEqual([
			{ name: "eng/web", weight: 2 },
			{ name: "analytics", weight: 1, quota: { cpus: 2000, mem: 8000000 } },
		]);
		expect(s.frameworks.map((f) => f.name)).toEqual(["web", "nightly-batch", "adhoc-queries", "flaky"]);
		const web = s.frameworks[0]!;
		expect(web.type === "simple" && web.tasks).toMatchObject({
			command: "sleep infinity",
			relaunch: true,
			ports: 1,
		});
		expect(s.master.offerTimeoutMs).toBe(300_000);
		expect(s.timeline).toEqual([
			{ atMs: 1_200_000, action: "crashAgents", agents: { count: 10 }, downForMs: 300_000 },
			{
				atMs: 2_400_000,
				action: "partitionAgents",
				agents: { group: "general", count: 5 },
				downForMs: 180_000,
			},
		]);
	});

	it.each(["examples/drf-paper.yaml", "examples/faults.yaml"])("loads %s", (file) => {
		const s = loadScenarioFile(file);
		expect(s.agents.length).toBeGreaterThan(0);
		expect(s.frameworks.length).toBeGreaterThan(0);
	});

	it("drf-paper.yaml is the paper's setup", () => {
		const s = loadScenarioFile("examples/drf-paper.yaml");
		expect(s.agents).toHaveLength(1);
		expect(s.agents[0]).toMatchObject({ count: 1, cpus: 9, mem: 18432 });
		const tasks = s.frameworks.map((f) =>
			f.type === "simple" ? [f.tasks.cpus, f.tasks.mem, f.tasks.maxPerOffer] : [],
		);
		expect(tasks).toEqual([
			[1, 4096, 1],
			[3, 1024, 1],
		]);
	});

	it("faults.yaml uses every timeline action, sorted by time", () => {
		const s = loadScenarioFile("examples/faults.yaml");
		expect(new Set(s.timeline.map((e) => e.action))).toEqual(
			new Set([
				"crashAgents",
				"restartAgents",
				"partitionAgents",
				"flapAgents",
				"addAgents",
				"teardownFramework",
				"reviveFramework",
			]),
		);
		const times = s.timeline.map((e) => e.atMs);
		expect(times).toEqual([...times].sort((a, b) => a - b));
	});
});

describe("defaults", () => {
	const s: Scenario = parseScenario(minimal, "some/dir/tiny.yaml");

	it("names the scenario after the file, else 'scenario'", () => {
		expect(s.name).toBe("tiny");
		expect(validateScenario({ agents: [{ count: 1, cpus: 1, mem: 1 }] }).name).toBe("scenario");
		expect(parseScenario(`name: given\n${minimal}`, "tiny.yaml").name).toBe("given");
	});

	it("fills top-level and master defaults", () => {
		expect(s.seed).toBe(1);
		expect(s.durationMs).toBe(3_600_000);
		expect(s.roles).toEqual([]);
		expect(s.timeline).toEqual([]);
		expect(s.master).toEqual({
			allocationIntervalMs: 1000,
			offerTimeoutMs: null,
			agentPingTimeoutMs: 15000,
			maxAgentPingTimeouts: 5,
			minAllocatable: [{ cpus: 0.01 }, { mem: 32 }],
			maxCompletedFrameworks: 50,
			maxCompletedTasksPerFramework: 1000,
			maxUnreachableTasksPerFramework: 1000,
			roleSorter: "drf",
			frameworkSorter: "drf",
			fairSharingExcludedResourceNames: [],
			heartbeatIntervalMs: 15000,
			hierarchicalQuota: false,
			filterGpuResources: true,
			agentRemovalRateLimit: null,
			agentReregisterTimeoutMs: 600_000,
		});
	});

	it("master defaults match the master's own defaults (master/flags.ts)", () => {
		for (const [key, value] of Object.entries(s.master))
			expect([key, DEFAULT_FLAGS[key as keyof typeof DEFAULT_FLAGS]]).toEqual([key, value]);
	});

	it("fills agent group defaults", () => {
		expect(s.agents).toEqual([
			{
				group: "agents",
				count: 3,
				cpus: 4,
				mem: 8192,
				disk: 0,
				gpus: 0,
				ports: [{ begin: 31000, end: 32000 }],
				hostname: "{group}-{i}",
				attributes: {},
			},
		]);
	});

	it("fills simple framework and task defaults", () => {
		expect(s.frameworks).toEqual([
			{
				type: "simple",
				name: "fw",
				role: "*",
				user: "root",
				startAtMs: 0,
				failoverTimeoutMs: 0,
				partitionAware: false,
				checkpoint: false,
				latencyMs: 0,
				declineRefuseSeconds: 5,
				offerFilters: {},
				suppressedRoles: [],
				tasks: {
					count: 2,
					cpus: 1,
					mem: 128,
					disk: 0,
					gpus: 0,
					ports: 0,
					command: "sleep 60",
					maxPerOffer: 1_000_000,
					relaunch: false,
				},
			},
		]);
	});

	it("does not mutate its input", () => {
		const input = { agents: [{ count: 1, cpus: 1, mem: 1 }] };
		const copy = structuredClone(input);
		validateScenario(input);
		expect(input).toEqual(copy);
	});
});

describe("conversions", () => {
	const agents = (extra: string) => `agents:\n  - count: 2\n    cpus: 1\n    mem: 1\n${extra}`;

	it("reads every form of port ranges", () => {
		const ports = (spec: string) => parseScenario(agents(`    ports: ${spec}\n`), "p.yaml").agents[0]!.ports;
		expect(ports('"[31000-31999, 33000-33005]"')).toEqual([
			{ begin: 31000, end: 31999 },
			{ begin: 33000, end: 33005 },
		]);
		expect(ports("[31000-32000]")).toEqual([{ begin: 31000, end: 32000 }]);
		expect(ports("[8080, 9000-9001, {begin: 9002, end: 9010}]")).toEqual([
			{ begin: 8080, end: 8080 },
			{ begin: 9000, end: 9010 },
		]);
		expect(ports('"[]"')).toEqual([]);
	});

	it("reads durations everywhere, in ms", () => {
		const s = parseScenario(
			`duration: 1h30m
master: { allocationInterval: 500ms, offerTimeout: none, agentPingTimeout: 10, heartbeatInterval: 1m }
${agents("")}
frameworks:
  - { type: simple, name: f, startAt: 2m, failoverTimeout: 1d, latency: 20ms, tasks: { count: 1, cpus: 1, mem: 1 } }
`,
			"d.yaml",
		);
		expect(s.durationMs).toBe(5_400_000);
		expect(s.master).toMatchObject({
			allocationIntervalMs: 500,
			offerTimeoutMs: null,
			agentPingTimeoutMs: 10_000,
			heartbeatIntervalMs: 60_000,
		});
		expect(s.frameworks[0]).toMatchObject({
			startAtMs: 120_000,
			failoverTimeoutMs: 86_400_000,
			latencyMs: 20,
		});
	});

	it("reads minAllocatable in Mesos flag syntax", () => {
		const s = parseScenario(`master: { minAllocatable: "cpus:1;mem:64|disk:10" }\n${agents("")}`, "m.yaml");
		expect(s.master.minAllocatable).toEqual([{ cpus: 1, mem: 64 }, { disk: 10 }]);
	});

	it("keeps a chameleon's other fields in spec", () => {
		const s = parseScenario(
			`${agents("")}frameworks:\n  - { type: chameleon, name: k8s, pattern: service, replicas: 3 }\n`,
			"c.yaml",
		);
		expect(s.frameworks).toEqual([
			{ type: "chameleon", name: "k8s", spec: { pattern: "service", replicas: 3 } },
		]);
	});

	it("sorts the timeline by time, stably, and fills per-action defaults", () => {
		const s = parseScenario(
			`${agents("    group: g\n")}frameworks:
  - { type: simple, name: f, tasks: { count: 1, cpus: 1, mem: 1 } }
timeline:
  - { at: 5m, action: reviveFramework, framework: f }
  - { at: 1m, action: crashAgents, agents: { count: 1 } }
  - { at: 5m, action: teardownFramework, framework: f }
  - { at: 1m, action: flapAgents, agents: { indices: [1] }, for: 10s }
  - { at: 0, action: addAgents, group: g, count: 3 }
  - { at: 2m, action: partitionAgents, agents: { group: g, fraction: 0.5 }, for: never }
  - { at: 3m, action: crashAgents, agents: { group: g, indices: [4] }, for: 1m }
`,
			"t.yaml",
		);
		expect(s.timeline).toEqual([
			{ atMs: 0, action: "addAgents", group: "g", count: 3 },
			{ atMs: 60_000, action: "crashAgents", agents: { count: 1 }, downForMs: null },
			{
				atMs: 60_000,
				action: "flapAgents",
				agents: { indices: [1] },
				downForMs: 10_000,
				times: 3,
				upForMs: 10_000,
			},
			{ atMs: 120_000, action: "partitionAgents", agents: { group: "g", fraction: 0.5 }, downForMs: null },
			{ atMs: 180_000, action: "crashAgents", agents: { group: "g", indices: [4] }, downForMs: 60_000 },
			{ atMs: 300_000, action: "reviveFramework", framework: "f" },
			{ atMs: 300_000, action: "teardownFramework", framework: "f" },
		]);
	});

	it("reads JSON by content, with the same result as YAML", () => {
		const json = JSON.stringify({
			agents: [{ count: 3, cpus: 4, mem: 8192 }],
			frameworks: [{ type: "simple", name: "fw", tasks: { count: 2, cpus: 1, mem: 128 } }],
		});
		expect(parseScenario(json, "tiny.txt")).toEqual(parseScenario(minimal, "tiny.yaml"));
		expect(parseScenario(json, "tiny.json")).toEqual(parseScenario(minimal, "tiny.yaml"));
	});
});

describe("docs/scenario.md", () => {
	it("has the field tables generated from the schema (run: npx tsx sim/scenario/docs.ts --write)", () => {
		const doc = readFileSync("docs/scenario.md", "utf8");
		expect(normalizeTables(generatedBlock(doc) ?? "(markers missing)")).toBe(
			normalizeTables(generateFieldTables()),
		);
	});
});
