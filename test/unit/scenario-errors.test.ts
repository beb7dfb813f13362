import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import type { SimError } from "../../common/errors.js";
import {
	loadScenarioFile,
	parseScenario,
	roleNameProblem,
	type ScenarioIssue,
	validateScenario,
} from "../../sim/scenario/index.js";
import { thrown } from "../helpers/thrown.js";

const parseError = (text: string, name = "x.yaml") => thrown(() => parseScenario(text, name));
const issuesOf = (err: SimError) => err.details?.issues as ScenarioIssue[];

const AGENT = "agents:\n  - group: web\n    count: 2\n    cpus: 1\n    mem: 1\n";

describe("syntax errors", () => {
	it("bad YAML: file:line:col, code SIM_ERR_SCENARIO_PARSE, exit 2", () => {
		const err = parseError("agents:\n  - count: 1\n   cpus: 2\n");
		expect(err.code).toBe("SIM_ERR_SCENARIO_PARSE");
		expect(err.exitCode).toBe(2);
		expect(err.message).toMatch(/^x\.yaml:3:\d+: invalid YAML: /);
	});

	it("unclosed flow sequence", () => {
		expect(parseError("agents: [1, 2\nseed: 3\n").message).toMatch(/^x\.yaml:\d+:\d+: invalid YAML: .*\]/);
	});

	it("duplicate YAML keys", () => {
		expect(parseError(`${AGENT}seed: 1\nseed: 2\n`).message).toMatch(
			/^x\.yaml:7:1: invalid YAML: Map keys must be unique/,
		);
	});

	it("bad JSON: file:line:col", () => {
		const err = parseError('{\n  "agents": [\n    {"count": 1,}\n  ]\n}\n', "x.json");
		expect(err.code).toBe("SIM_ERR_SCENARIO_PARSE");
		expect(err.message).toMatch(/^x\.json:3:\d+: invalid JSON: /);
	});

	it("duplicate JSON keys are not silently dropped", () => {
		const err = parseError('{\n  "agents": [],\n  "agents": []\n}', "x.json");
		expect(err.message).toMatch(/^x\.json:3:\d+: invalid JSON: Map keys must be unique/);
	});

	it("an empty file", () => {
		const err = parseError("");
		expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(err.message).toBe("x.yaml: the scenario is empty; it needs at least an `agents` list");
	});
});

describe("shape errors name the field by pointer and line", () => {
	it("wrong type", () => {
		const err = parseError("seed: 3\nagents:\n  - group: web\n    count: ten\n    cpus: 1\n    mem: 1\n");
		expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(err.exitCode).toBe(2);
		expect(err.message).toBe('x.yaml:4 /agents/0/count: must be an integer >= 0 (got "ten")');
		expect(issuesOf(err)[0]).toMatchObject({ pointer: "/agents/0/count", line: 4 });
	});

	it("out of range, and in JSON files too", () => {
		const err = parseError('{\n  "agents": [\n    {"count": 1, "cpus": -2, "mem": 1}\n  ]\n}', "c.json");
		expect(err.message).toBe("c.json:3 /agents/0/cpus: must be a number >= 0 (got -2)");
	});

	it("unknown field with a did-you-mean suggestion, at the key's line", () => {
		const err = parseError(`${AGENT}    cpu: 4\n`);
		expect(err.message).toBe('x.yaml:6 /agents/0/cpu: unknown field "cpu" (did you mean "cpus"?)');
		expect(parseError(`duraton: 1h\n${AGENT}`).message).toBe(
			'x.yaml:1 /duraton: unknown field "duraton" (did you mean "duration"?)',
		);
		expect(parseError(`durationMs: 5\n${AGENT}`).message).toContain('(did you mean "duration"?)');
	});

	it("unknown field without a close match lists the allowed ones", () => {
		expect(parseError(`${AGENT}roles:\n  - name: a\n    zzzzzz: 1\n`).message).toBe(
			'x.yaml:8 /roles/0/zzzzzz: unknown field "zzzzzz" (allowed: name, weight, quota)',
		);
	});

	it("missing required field", () => {
		const err = parseError("agents:\n  - count: 1\n    mem: 1\n");
		expect(err.message).toBe('x.yaml:2 /agents/0/cpus: required field "cpus" is missing (a number >= 0)');
	});

	it("no agents at all", () => {
		expect(parseError("seed: 1\nagents: []\n").message).toBe(
			"x.yaml:2 /agents: must have at least 1 item (got 0)",
		);
		expect(parseError("seed: 1\n").message).toContain('/agents: required field "agents" is missing');
	});

	it("bad framework type, with suggestion", () => {
		const err = parseError(`${AGENT}frameworks:\n  - type: simpel\n    name: x\n`);
		expect(err.message).toBe(
			'x.yaml:7 /frameworks/0/type: must be one of "simple", "chameleon" (got "simpel") (did you mean "simple"?)',
		);
	});

	it("inside a simple framework's tasks", () => {
		const err = parseError(
			`${AGENT}frameworks:\n  - type: simple\n    name: x\n    tasks: {count: 1, cpus: 1, mem: 1, relaunch: yes}\n`,
		);
		expect(err.message).toBe('x.yaml:9 /frameworks/0/tasks/relaunch: must be true or false (got "yes")');
	});

	it("a port range item", () => {
		const err = parseError(`${AGENT}    ports: [{begin: 1, end: x}]\n`);
		expect(err.message).toBe('x.yaml:6 /agents/0/ports/0/end: must be an integer from 0 to 65535 (got "x")');
	});

	it("a duration of the wrong type", () => {
		expect(parseError(`duration: true\n${AGENT}`).message).toBe(
			'x.yaml:1 /duration: must be a duration such as "90s", "15m" or "1h30m", or a number of seconds (got true)',
		);
	});

	it("without a source: pointer only", () => {
		const err = thrown(() => validateScenario({ agents: [{ count: "ten", cpus: 1, mem: 1 }] }));
		expect(err.message).toBe('/agents/0/count: must be an integer >= 0 (got "ten")');
	});

	it("lists several problems, sorted by line", () => {
		const err = parseError("agents:\n  - count: x\n    cpus: y\n    mem: 1\n    foo: 1\nseed: -1\n");
		expect(err.message.split("\n")).toEqual([
			"x.yaml: 4 problems:",
			'  x.yaml:2 /agents/0/count: must be an integer >= 0 (got "x")',
			'  x.yaml:3 /agents/0/cpus: must be a number >= 0 (got "y")',
			'  x.yaml:5 /agents/0/foo: unknown field "foo" (allowed: group, count, cpus, mem, disk, gpus, ports, hostname, attributes)',
			"  x.yaml:6 /seed: must be an integer >= 0 (got -1)",
		]);
		expect(issuesOf(err)).toHaveLength(4);
	});
});

describe("meaning errors", () => {
	it("bad duration", () => {
		const err = parseError(`duration: 5x\n${AGENT}`);
		expect(err.message).toBe(
			'x.yaml:1 /duration: invalid duration "5x": unknown unit "x" (use ms, s, m, h, d or w)',
		);
		expect(issuesOf(err)[0]!.code).toBe("SIM_ERR_BAD_DURATION");
		expect(parseError(`duration: 0s\n${AGENT}`).message).toBe(
			'x.yaml:1 /duration: must be longer than 0 (got "0s")',
		);
		expect(parseError(`master:\n  allocationInterval: 1m1h\n${AGENT}`).message).toMatch(
			/^x\.yaml:2 \/master\/allocationInterval: invalid duration "1m1h": unit "h" out of order/,
		);
	});

	it("duplicate names", () => {
		expect(parseError(`${AGENT}  - group: web\n    count: 1\n    cpus: 1\n    mem: 1\n`).message).toBe(
			'x.yaml:6 /agents/1/group: duplicate group name "web" (also at /agents/0/group)',
		);
		expect(
			parseError("agents:\n  - {count: 1, cpus: 1, mem: 1}\n  - {count: 1, cpus: 1, mem: 1}\n").message,
		).toContain(
			'duplicate group name "agents" (also at /agents/0/group) (the default group name is "agents"',
		);
		const fw = "  - {type: simple, name: a, tasks: {count: 1, cpus: 1, mem: 1}}\n";
		expect(parseError(`${AGENT}frameworks:\n${fw}${fw}`).message).toBe(
			'x.yaml:8 /frameworks/1/name: duplicate framework name "a" (also at /frameworks/0/name)',
		);
		expect(parseError(`${AGENT}roles:\n  - name: a\n  - name: a\n`).message).toBe(
			'x.yaml:8 /roles/1/name: duplicate role name "a" (also at /roles/0/name)',
		);
	});

	it("bad template", () => {
		const err = parseError(`${AGENT}    hostname: "node{i"\n`);
		expect(err.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(err.message).toMatch(/^x\.yaml:6 \/agents\/0\/hostname: bad template "node\{i": .*never closed/);
		expect(issuesOf(err)[0]!.code).toBe("SIM_ERR_TEMPLATE");
		expect(parseError(`${AGENT}    attributes: { rack: "r{j}" }\n`).message).toMatch(
			/^x\.yaml:6 \/agents\/0\/attributes\/rack: bad template "r\{j\}": unknown name 'j'/,
		);
		expect(parseError(`${AGENT}    attributes: { rack: "r{i / (i - 1)}" }\n`).message).toMatch(
			/division by zero/,
		);
	});

	it("hostnames must be distinct", () => {
		expect(parseError(`${AGENT}    hostname: node\n`).message).toBe(
			'x.yaml:6 /agents/0/hostname: hostname "node" of agent 1 of group "web" is also the hostname of agent 0 of group "web"; include {i} in the template',
		);
	});

	it("bad role name", () => {
		expect(parseError(`${AGENT}roles:\n  - name: eng/../web\n`).message).toBe(
			'x.yaml:7 /roles/0/name: invalid role "eng/../web": role segment ".." is not allowed',
		);
		expect(
			parseError(
				`${AGENT}frameworks:\n  - {type: simple, name: a, role: "-x", tasks: {count: 1, cpus: 1, mem: 1}}\n`,
			).message,
		).toBe('x.yaml:7 /frameworks/0/role: invalid role "-x": role segment "-x" must not start with "-"');
		expect(parseError(`${AGENT}roles:\n  - name: eng/web\n    quota: {cpus: 1}\n`).message).toContain(
			'/roles/0/quota: quota on nested role "eng/web" is not supported (as in Mesos); set master.hierarchicalQuota: true to allow it',
		);
	});

	it("role name rules", () => {
		for (const ok of ["*", "a", "eng/web", "a.b_c-d/x", "web1"])
			expect([ok, roleNameProblem(ok)]).toEqual([ok, null]);
		for (const bad of ["", ".", "..", "a/./b", "/a", "a/", "a//b", "-a", "a/-b", "a b", "a*", "a\\b"])
			expect([bad, roleNameProblem(bad)]).not.toEqual([bad, null]);
	});

	it("unknown group or framework in the timeline, with suggestion", () => {
		expect(
			parseError(`${AGENT}timeline:\n  - {at: 1m, action: crashAgents, agents: {group: wbe}}\n`).message,
		).toBe('x.yaml:7 /timeline/0/agents/group: unknown agent group "wbe" (did you mean "web"?)');
		expect(
			parseError(`${AGENT}timeline:\n  - {at: 1m, action: addAgents, group: nope, count: 1}\n`).message,
		).toBe('x.yaml:7 /timeline/0/group: unknown agent group "nope"');
		expect(
			parseError(
				`${AGENT}frameworks:\n  - {type: simple, name: batch, tasks: {count: 1, cpus: 1, mem: 1}}\ntimeline:\n  - {at: 1m, action: teardownFramework, framework: btach}\n`,
			).message,
		).toBe('x.yaml:9 /timeline/0/framework: unknown framework "btach" (did you mean "batch"?)');
	});

	it("timeline fields must fit the action", () => {
		const tl = (e: string) => parseError(`${AGENT}timeline:\n  - ${e}\n`).message;
		expect(tl("{at: 1m, action: crashAgents}")).toContain('/timeline/0/agents: crashAgents needs "agents"');
		expect(tl("{at: 1m, action: crashAgents, agents: {}, framework: x}")).toBe(
			'x.yaml:7 /timeline/0/framework: "framework" does not apply to crashAgents (it takes "agents", "for")',
		);
		expect(tl("{at: 1m, action: flapAgents, agents: {}}")).toContain(
			'/timeline/0/for: flapAgents needs "for"',
		);
		expect(tl("{at: 1m, action: crashAgents, agents: {count: 1, fraction: 0.5}}")).toContain(
			"give at most one of count, fraction, indices",
		);
		expect(tl("{at: 1m, action: crashAgents, agents: {fraction: 1.5}}")).toContain(
			"/timeline/0/agents/fraction: must be a number > 0 and <= 1 (got 1.5)",
		);
		expect(tl("{at: 1m, action: crash}")).toContain('/timeline/0/action: must be one of "crashAgents"');
	});

	it("selectors must fit the group's size at that time", () => {
		const tl =
			(...e: string[]) =>
			() =>
				parseScenario(`${AGENT}timeline:\n${e.map((x) => `  - ${x}\n`).join("")}`, "x.yaml");
		expect(thrown(tl("{at: 1m, action: crashAgents, agents: {group: web, count: 3}}")).message).toBe(
			'x.yaml:7 /timeline/0/agents/count: 3 agents asked for, but group "web" has 2 agents by then',
		);
		expect(thrown(tl("{at: 1m, action: crashAgents, agents: {indices: [0, 2]}}")).message).toBe(
			"x.yaml:7 /timeline/0/agents/indices/1: index 2 is out of range: the cluster has 2 agents by then (indices are 0-based)",
		);
		// Agents added earlier count; the file order does not matter.
		expect(() =>
			tl(
				"{at: 2m, action: crashAgents, agents: {group: web, indices: [4]}}",
				"{at: 1m, action: addAgents, group: web, count: 3}",
			)(),
		).not.toThrow();
	});

	it("task commands must be in the agents' shell subset", () => {
		const err = parseError(
			`${AGENT}frameworks:\n  - {type: simple, name: a, tasks: {count: 1, cpus: 1, mem: 1, command: "rm -rf /"}}\n`,
		);
		expect(err.message).toMatch(/^x\.yaml:7 \/frameworks\/0\/tasks\/command: .*command not found/);
	});

	it("tasks need some resources", () => {
		expect(
			parseError(`${AGENT}frameworks:\n  - {type: simple, name: a, tasks: {count: 1, cpus: 0, mem: 0}}\n`)
				.message,
		).toContain("/frameworks/0/tasks: a task needs some resources");
	});

	it("bad port ranges and minAllocatable", () => {
		expect(parseError(`${AGENT}    ports: "[5-3]"\n`).message).toBe(
			'x.yaml:6 /agents/0/ports: invalid port range "5-3": begin is greater than end',
		);
		expect(parseError(`master: {minAllocatable: "cpu:1"}\n${AGENT}`).message).toContain(
			'/master/minAllocatable: cannot read "cpu:1"',
		);
		expect(parseError(`master: {fairSharingExcludedResourceNames: [gpu]}\n${AGENT}`).message).toContain(
			'unknown resource "gpu" (did you mean "gpus"?)',
		);
	});
});

describe("files", () => {
	const dir = mkdtempSync(join(tmpdir(), "mesosim-scenario-"));

	it("missing file: SIM_ERR_SCENARIO_NOT_FOUND", () => {
		const path = join(dir, "nope.yaml");
		const err = thrown(() => loadScenarioFile(path));
		expect(err.code).toBe("SIM_ERR_SCENARIO_NOT_FOUND");
		expect(err.exitCode).toBe(2);
		expect(err.message).toBe(`scenario file not found: ${path}`);
	});

	it("a directory: SIM_ERR_SCENARIO_READ", () => {
		const err = thrown(() => loadScenarioFile(dir));
		expect(err.code).toBe("SIM_ERR_SCENARIO_READ");
		expect(err.message).toBe(`cannot read scenario file ${dir}: it is a directory`);
	});

	it("messages use the path as given", () => {
		const path = join(dir, "bad.yml");
		writeFileSync(path, `${AGENT}    cpu: 4\n`);
		expect(thrown(() => loadScenarioFile(path)).message).toBe(
			`${path}:6 /agents/0/cpu: unknown field "cpu" (did you mean "cpus"?)`,
		);
	});

	it("binary files", () => {
		const path = join(dir, "bin.yaml");
		writeFileSync(path, Buffer.from([0xff, 0xfe, 0x00, 0x80]));
		expect(thrown(() => loadScenarioFile(path)).message).toBe(
			`cannot read scenario file ${path}: not UTF-8 text`,
		);
	});
});
