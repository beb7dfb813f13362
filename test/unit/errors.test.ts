import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { formatErrorForCli, isSimError, SIM_ERRORS, SimError, simError } from "../../common/errors.js";
import { normalizeTables } from "../../sim/scenario/docs.js";

describe("SimError registry", () => {
	it("simError fills the message template and copies the code's exit code and HTTP status", () => {
		const err = simError("SIM_ERR_SCENARIO_NOT_FOUND", { path: "x.yaml" }, { details: { a: 1 } });
		expect(err).toBeInstanceOf(SimError);
		expect(err).toBeInstanceOf(Error);
		expect(isSimError(err)).toBe(true);
		expect(err.message).toBe("scenario file not found: x.yaml");
		expect(err.code).toBe("SIM_ERR_SCENARIO_NOT_FOUND");
		expect(err.exitCode).toBe(2);
		expect(err.httpStatus).toBe(404);
		expect(err.details).toEqual({ a: 1 });
		expect(err.name).toBe("SimError");
	});

	it("keeps the cause", () => {
		const cause = new Error("EACCES");
		expect(simError("SIM_ERR_OUTPUT", { path: "r.json", reason: "denied" }, { cause }).cause).toBe(cause);
	});

	it("every code is well formed", () => {
		for (const [code, def] of Object.entries(SIM_ERRORS)) {
			expect(code).toMatch(/^SIM_ERR_[A-Z_]+$/);
			expect([code, Number.isInteger(def.exitCode) && def.exitCode > 0]).toEqual([code, true]);
			expect(def.httpStatus).toBeGreaterThanOrEqual(400);
			expect(def.meaning.length).toBeGreaterThan(10);
			expect(def.fix.length).toBeGreaterThan(10);
		}
		expect(SIM_ERRORS.SIM_ERR_SCENARIO_INVALID.exitCode).toBe(2);
		expect(SIM_ERRORS.SIM_ERR_SCENARIO_PARSE.exitCode).toBe(2);
		expect(SIM_ERRORS.SIM_ERR_BAD_FLAG.exitCode).toBe(2);
		expect(SIM_ERRORS.SIM_ERR_TEMPLATE.exitCode).toBe(2);
	});

	it("docs/errors.md has a row for every code with its exit code, HTTP status and meaning", () => {
		const doc = normalizeTables(readFileSync("docs/errors.md", "utf8"));
		for (const [code, def] of Object.entries(SIM_ERRORS)) {
			const row = doc.split("\n").find((l) => l.startsWith(`| \`${code}\` |`));
			expect(row, `docs/errors.md row for ${code}`).toBeDefined();
			const cells = row!.split(" | ");
			expect(cells[1]).toBe(String(def.exitCode));
			expect(cells[2]).toBe(String(def.httpStatus));
			expect(cells[3]).toBe(def.meaning.replaceAll("|", "\\|"));
		}
	});
});

describe("formatErrorForCli", () => {
	it("SimError: 'mesosim: <message>' and its exit code", () => {
		const out = formatErrorForCli(
			simError("SIM_ERR_BAD_FLAG", { flag: "--seed", value: '"abc"', reason: "no" }),
			{},
		);
		expect(out).toEqual({ text: 'mesosim: invalid --seed "abc": no\n', exitCode: 2 });
	});

	it("anything else: internal error, exit 1, no stack", () => {
		const out = formatErrorForCli(new TypeError("x is undefined"), {});
		expect(out).toEqual({ text: "mesosim: internal error: x is undefined\n", exitCode: 1 });
		expect(formatErrorForCli("boom", {})).toEqual({ text: "mesosim: internal error: boom\n", exitCode: 1 });
	});

	it("stack traces only with MESOSIM_DEBUG=1", () => {
		const err = new Error("bug");
		expect(formatErrorForCli(err, {}).text).not.toContain("    at ");
		expect(formatErrorForCli(err, { MESOSIM_DEBUG: "1" }).text).toContain("    at ");
		const sim = simError("SIM_ERR_INTERNAL", { reason: "r" });
		expect(formatErrorForCli(sim, { MESOSIM_DEBUG: "1" }).text).toContain("    at ");
	});

	it("multi-line messages keep their lines", () => {
		const err = new SimError("SIM_ERR_SCENARIO_INVALID", "x.yaml: 2 problems:\n  a\n  b");
		expect(formatErrorForCli(err, {}).text).toBe("mesosim: x.yaml: 2 problems:\n  a\n  b\n");
	});
});
