/**
 * Size limits (common/limits.ts): every entry point refuses what is over a
 * limit with a message naming the limit and the value, instead of saying "ok"
 * and failing later (engine queue, typed arrays, the stack, memory).
 */
import { describe, expect, it } from "vitest";
import { isSimError } from "../../common/errors.js";
import { LIMITS, nestingDepth } from "../../common/limits.js";
import { scenarioFromFlags } from "../../frameworks/chameleon/index.js";
import { validateSchedulerCall } from "../../master/http/schemas.js";
import { createContext } from "../../sim/cli/context.js";
import { parseAgentsFlag } from "../../sim/cli/flags.js";
import { serveUntilStopped } from "../../sim/cli/serving.js";
import { parseScenario, type Scenario, validateAction, validateScenario } from "../../sim/scenario/index.js";
import { thrown } from "../helpers/thrown.js";

const DOC = 'docs/scenario.md "Limits"';

const group = (count: number, extra: Record<string, unknown> = {}) => ({
	group: "a",
	count,
	cpus: 1,
	mem: 1,
	...extra,
});
const simple = (name: string, extra: Record<string, unknown> = {}) => ({
	type: "simple",
	name,
	tasks: { count: 1, cpus: 1, mem: 1 },
	...extra,
});

describe("scenario limits in validateScenario", () => {
	it("10 million agents: refused at /agents with the count and the limit", () => {
		const e = thrown(() => validateScenario({ agents: [group(10_000_000)] }));
		expect(e.code).toBe("SIM_ERR_SCENARIO_INVALID");
		expect(e.message).toContain("/agents: 10,000,000 agents in all");
		expect(e.message).toContain(`the limit is 100,000 (${DOC})`);
	});

	it("10^15 agents, with per-agent templates: refused at once, not rendered", () => {
		const started = performance.now();
		const e = thrown(() =>
			validateScenario({ agents: [group(1e15, { attributes: { rack: "r{i / 20}" } })] }),
		);
		expect(e.message).toContain("1,000,000,000,000,000 agents in all");
		expect(performance.now() - started).toBeLessThan(2_000);
	});

	it("agents added by the timeline count too; the limit itself is accepted", () => {
		expect(validateScenario({ agents: [group(LIMITS.agents)] }).agents[0]!.count).toBe(LIMITS.agents);
		const e = thrown(() =>
			validateScenario({
				agents: [group(LIMITS.agents)],
				timeline: [{ at: "1m", action: "addAgents", group: "a", count: 1 }],
			}),
		);
		expect(e.message).toContain("100,001 agents in all (groups and timeline addAgents)");
	});

	it("frameworks over the limit, counting timeline installPackage", () => {
		const frameworks = Array.from({ length: LIMITS.frameworks }, (_, k) => simple(`f${k}`));
		expect(validateScenario({ agents: [group(1)], frameworks }).frameworks).toHaveLength(LIMITS.frameworks);
		const e = thrown(() =>
			validateScenario({
				agents: [group(1)],
				frameworks,
				timeline: [{ at: 0, action: "installPackage", package: "jenkins" }],
			}),
		);
		expect(e.message).toContain(
			`/frameworks: 1,001 frameworks in all (with timeline installPackage); the limit is 1,000`,
		);
	});

	it("tasks of one framework over the limit", () => {
		const e = thrown(() =>
			validateScenario({
				agents: [group(1)],
				frameworks: [simple("f", { tasks: { count: 1e12, cpus: 1, mem: 1 } })],
			}),
		);
		expect(e.message).toContain("/frameworks/0/tasks/count: 1,000,000,000,000 tasks; the limit is 1,000,000");
	});

	it("timeline entries over the limit", () => {
		const timeline = Array.from({ length: LIMITS.timelineEvents + 1 }, () => ({
			at: "1m",
			action: "healAgents",
			agents: {},
		}));
		const e = thrown(() => validateScenario({ agents: [group(1)], timeline }));
		expect(e.message).toContain("/timeline: 100,001 timeline entries; the limit is 100,000");
	});

	it("a 10 MB name (framework, group, role, scenario) is refused and not echoed whole", () => {
		const huge = "x".repeat(10 * 1024 * 1024);
		const e = thrown(() =>
			validateScenario({
				name: huge,
				agents: [group(1, { group: huge })],
				roles: [{ name: huge }],
				frameworks: [simple(huge, { role: huge })],
			}),
		);
		for (const pointer of [
			"/name",
			"/agents/0/group",
			"/roles/0/name",
			"/frameworks/0/name",
			"/frameworks/0/role",
		])
			expect(e.message).toContain(`${pointer}: `);
		expect(e.message).toContain(`a name of 10,485,760 characters; the limit is 256 (${DOC})`);
		expect(e.message.length).toBeLessThan(5_000);
	});

	it("a rendered hostname over the name limit", () => {
		const e = thrown(() => validateScenario({ agents: [group(2, { hostname: `${"h".repeat(300)}-{i}` })] }));
		expect(e.message).toContain("/agents/0/hostname: hostname of agent 0");
		expect(e.message).toContain("the limit is 256");
	});

	it("a role nested deeper than the role depth limit", () => {
		const role = Array.from({ length: LIMITS.roleDepth + 1 }, () => "r").join("/");
		const e = thrown(() => validateScenario({ agents: [group(1)], roles: [{ name: role }] }));
		expect(e.message).toContain(`a role 17 levels deep; the limit is 16 (${DOC})`);
		const ok = Array.from({ length: LIMITS.roleDepth }, () => "r").join("/");
		expect(validateScenario({ agents: [group(1)], roles: [{ name: ok }] }).roles[0]!.name).toBe(ok);
	});
});

describe("nesting", () => {
	const nested = (n: number) => `${"[".repeat(n)}${"]".repeat(n)}`;

	it("nestingDepth walks 10,000 levels without recursion", () => {
		expect(nestingDepth(JSON.parse(nested(10_000)))).toBe(10_000);
		expect(nestingDepth({ a: [1, { b: 2 }] })).toBe(3);
		expect(nestingDepth(5)).toBe(0);
	});

	it("10,000-level JSON: refused naming the depth and the limit", () => {
		const text = `{"agents":[{"group":"a","count":1,"cpus":1,"mem":1,"attributes":{"x":${nested(10_000)}}}]}`;
		const e = thrown(() => parseScenario(text, "deep.json"));
		expect(e.message).toBe(`deep.json: lists and maps nested 10,004 levels deep; the limit is 64 (${DOC})`);
	});

	it("10,000-level YAML: the parser's stack overflow is reported as the nesting limit", () => {
		const text = `agents:\n  - group: a\n    count: 1\n    cpus: 1\n    mem: 1\n    attributes:\n      x: ${nested(10_000)}\n`;
		const e = thrown(() => parseScenario(text, "deep.yaml"));
		expect(e.code).toBe("SIM_ERR_SCENARIO_PARSE");
		expect(e.message).toContain(`nested deeper than the parser can follow; the limit is 64 (${DOC})`);
		expect(e.message).not.toContain("Maximum call stack");
	});

	it("10-level nesting is within the limit (the schema names the wrong field)", () => {
		const text = `agents:\n  - group: a\n    count: 1\n    cpus: 1\n    mem: 1\n    attributes:\n      x: ${nested(10)}\n`;
		expect(thrown(() => parseScenario(text, "ten.yaml")).message).toContain(
			"/agents/0/attributes/x: must be",
		);
	});

	it("a control action nested too deeply", () => {
		const e = thrown(() =>
			validateAction({ action: "installPackage", spec: JSON.parse(`{"x":${nested(100)}}`) }),
		);
		expect(e.message).toContain("nested 102 levels deep; the limit is 64");
	});
});

describe("limits on the flag paths", () => {
	it("run --agents 10000000", () => {
		const e = thrown(() => parseAgentsFlag("10000000"));
		expect(e.code).toBe("SIM_ERR_BAD_FLAG");
		expect(e.message).toContain("10,000,000 agents; the limit is 100,000");
		expect(parseAgentsFlag(String(LIMITS.agents))).toBe(LIMITS.agents);
	});

	it("scenarioFromFlags: agents and --package counts", () => {
		expect(thrown(() => scenarioFromFlags({ agents: 1e15, packages: [], duration: "1m" })).message).toContain(
			"the limit is 100,000",
		);
		const packages = Array.from({ length: LIMITS.frameworks + 1 }, (_, k) => `jenkins:j${k}`);
		const e = thrown(() => scenarioFromFlags({ agents: 1, packages, duration: "1m" }));
		expect(e.message).toContain("1,001 frameworks from --package/--pattern; the limit is 1,000");
	});
});

describe("SUBSCRIBE over HTTP: names have a (generous) limit", () => {
	const subscribe = (info: Record<string, unknown>) => ({
		type: "SUBSCRIBE",
		subscribe: { framework_info: { user: "u", name: "n", ...info } },
	});

	it.each(["name", "user", "role", "principal", "hostname"])(
		"a 10 MB framework_info.%s is a 400 naming the limit",
		(field) => {
			let message = "";
			try {
				validateSchedulerCall(subscribe({ [field]: "x".repeat(10 * 1024 * 1024) }));
			} catch (err) {
				message = (err as Error).message;
			}
			expect(message).toContain(
				`'subscribe.framework_info.${field}' is 10,485,760 characters long; the limit is 256`,
			);
			expect(() => validateSchedulerCall(subscribe({ [field]: "x".repeat(256) }))).not.toThrow();
		},
	);
});

describe("serve: a failure that is not listening is not reported as one", () => {
	it("an exception while building the cluster is SIM_ERR_INTERNAL, not SIM_ERR_LISTEN", async () => {
		const broken = { ...validateScenario({ agents: [group(1)] }), agents: null } as unknown as Scenario;
		const ctx = createContext({ env: { MESOSIM_LOG_LEVEL: "silent" } });
		const err = await serveUntilStopped(
			ctx,
			{ scenario: broken, host: "127.0.0.1", port: 0, speed: 1 },
			() => {},
		).catch((e: unknown) => e);
		expect(isSimError(err) && err.code).toBe("SIM_ERR_INTERNAL");
		expect((err as Error).message).toMatch(/^internal error: /);
		expect((err as Error).message).not.toContain("cannot listen");
	});
});
