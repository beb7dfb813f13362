/**
 * The first hour with the CLI (issue "Fidelity and first-hour fixes", items
 * 15 and 18): error messages that echo what was typed and name the right
 * flag and help, defaults that agree, and a run with nothing to schedule.
 */
import { mkdtempSync, writeFileSync } from "node:fs";
import { createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { SIM_ERRORS } from "../../common/errors.js";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { main } from "../../sim/cli/main.js";
import { captureCliIo } from "../helpers/cli-io.js";

async function mesosim(...args: string[]) {
	const { out, io } = captureCliIo();
	const code = await main(["node", "mesosim", ...args], io);
	return { code, ...out };
}

describe("flag errors echo what the user typed and name the flag they typed", () => {
	it("--agents -5 / --agents abc", async () => {
		for (const typed of ["-5", "abc", "0", "2.5"]) {
			const r = await mesosim("run", "--agents", typed, "--package", "hdfs");
			expect(r.code).toBe(2);
			expect(r.stderr).toBe(`mesosim: invalid --agents ${JSON.stringify(typed)}: must be an integer >= 1\n`);
		}
	});

	it("a bad --pattern is reported as --pattern, with the value as typed", async () => {
		const r = await mesosim("run", "--agents", "10", "--pattern", "nosuch");
		expect(r.code).toBe(2);
		expect(r.stderr).toMatch(/^mesosim: invalid --pattern "nosuch": unknown pattern "nosuch"/);
		expect(r.stderr).not.toContain("--package");
		const shape = await mesosim("run", "--agents", "10", "--pattern", "cronBurst:a:b");
		expect(shape.stderr).toMatch(
			/^mesosim: invalid --pattern "cronBurst:a:b": write PATTERN or PATTERN:ALIAS/,
		);
	});

	it("package describe with no name points to package describe's help", async () => {
		const r = await mesosim("package", "describe");
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("(see mesosim package describe --help)");
	});
});

describe("run FILE reports a bad chameleon spec as validate does (file name included)", () => {
	const dir = mkdtempSync(join(tmpdir(), "mesosim-fh-"));
	const file = join(dir, "badspec.yaml");
	writeFileSync(
		file,
		"name: badspec\nduration: 1m\nagents:\n  - { group: a, count: 2, cpus: 4, mem: 4096 }\nframeworks:\n  - type: chameleon\n    name: k\n    package: hdfs\n    groups:\n      nosuch: { instances: 2 }\n",
	);
	it("same message from run and validate", async () => {
		const v = await mesosim("validate", file);
		const r = await mesosim("run", "-q", file);
		expect(v.code).toBe(2);
		expect(v.stderr).toContain(file);
		expect(r.code).toBe(v.code);
		expect(r.stderr).toBe(v.stderr);
	});
});

describe("--plot writes SVG only, and says so", () => {
	it("refuses another extension before the run", async () => {
		const r = await mesosim("run", "--plot", "x.png", "examples/quickstart.yaml");
		expect(r.code).toBe(2);
		expect(r.stderr).toContain('invalid --plot "x.png"');
		expect(r.stderr).toContain(".svg");
		expect(r.stdout).toBe("");
	});
});

describe("serve on a port in use", () => {
	let blocker: Server;
	let port = 0;
	beforeAll(async () => {
		blocker = createServer();
		await new Promise<void>((r) => blocker.listen(0, "127.0.0.1", r));
		port = (blocker.address() as { port: number }).port;
	});
	afterAll(() => new Promise<void>((r) => blocker.close(() => r())));

	it("prints the port, the error code and the fix from docs/errors.md", async () => {
		const r = await mesosim("serve", "--port", String(port), "--agents", "2");
		expect(r.code).toBe(1);
		expect(r.stderr).toContain(`port ${port}`);
		expect(r.stderr).toContain("EADDRINUSE");
		expect(r.stderr).toContain("SIM_ERR_LISTEN");
		expect(r.stderr).toContain(SIM_ERRORS.SIM_ERR_LISTEN.fix);
	});
});

describe("defaults and an empty cluster", () => {
	it("serve --agents and run --agents give agents of the same shape", async () => {
		const { scenarioFromFlags } = await import("../../frameworks/chameleon/index.js");
		const { validateScenario } = await import("../../sim/scenario/index.js");
		const fromRun = validateScenario(scenarioFromFlags({ agents: 3, packages: [], duration: "1m" }), {
			sourceName: "flags",
		}).agents[0]!;
		const fromServe = agentsScenario(3).agents[0]!;
		for (const k of ["cpus", "mem", "disk", "gpus"] as const) expect(fromServe[k], k).toBe(fromRun[k]);
	});

	it("run --agents N with no framework says there is nothing to schedule (exit 2, no hour-long run)", async () => {
		const r = await mesosim("run", "--agents", "5");
		expect(r.code).toBe(2);
		expect(r.stderr).toContain("nothing to schedule");
		expect(r.stderr).toContain("--package");
		expect(r.stdout).toBe("");
	});
});
