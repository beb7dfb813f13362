import { describe, expect, it } from "vitest";
import { type CommandPlan, parseCommand, planCommand } from "../../agents/index.js";

function plan(text: string): CommandPlan {
	const p = parseCommand(text);
	if ("error" in p) throw new Error(`unexpected parse error for ${text}: ${p.error}`);
	return planCommand(p);
}

describe("parseCommand / planCommand", () => {
	it("runs single commands", () => {
		expect(plan("sleep 5")).toEqual({ runMs: 5000, exitCode: 0 });
		expect(plan("  sleep 0.25  ")).toEqual({ runMs: 250, exitCode: 0 });
		expect(plan("sleep .5")).toEqual({ runMs: 500, exitCode: 0 });
		expect(plan("sleep 2m")).toEqual({ runMs: 120_000, exitCode: 0 });
		expect(plan("exit 3")).toEqual({ runMs: 0, exitCode: 3 });
		expect(plan("exit 256")).toEqual({ runMs: 0, exitCode: 0 });
		expect(plan("true")).toEqual({ runMs: 0, exitCode: 0 });
		expect(plan("false")).toEqual({ runMs: 0, exitCode: 1 });
	});

	it("treats sleep infinity as forever", () => {
		expect(plan("sleep infinity")).toEqual({ runMs: Number.POSITIVE_INFINITY, exitCode: 0 });
		expect(plan("sleep 3 && sleep infinity; exit 1").runMs).toBe(Number.POSITIVE_INFINITY);
	});

	it("follows ; and && semantics from the brief", () => {
		expect(plan("sleep 5 && exit 1")).toEqual({ runMs: 5000, exitCode: 1 });
		expect(plan("exit 1 && sleep 5")).toEqual({ runMs: 0, exitCode: 1 });
		expect(plan("exit 2; sleep 3")).toEqual({ runMs: 0, exitCode: 2 });
		expect(plan("sleep 1; exit 4; sleep 3")).toEqual({ runMs: 1000, exitCode: 4 });
		expect(plan("sleep 1; sleep 2;")).toEqual({ runMs: 3000, exitCode: 0 });
		expect(plan("false && sleep 9 && sleep 9; sleep 1 && exit 4")).toEqual({ runMs: 1000, exitCode: 4 });
	});

	it("supports || with left-associative and-or lists", () => {
		expect(plan("false || sleep 2")).toEqual({ runMs: 2000, exitCode: 0 });
		expect(plan("true || sleep 2")).toEqual({ runMs: 0, exitCode: 0 });
		expect(plan("false && sleep 1 || exit 7")).toEqual({ runMs: 0, exitCode: 7 });
		expect(plan("sleep 1 && false || sleep 2")).toEqual({ runMs: 3000, exitCode: 0 });
	});

	it("accepts newlines as separators and after &&", () => {
		expect(plan("\nsleep 1\n\nsleep 2 &&\n exit 5\n")).toEqual({ runMs: 3000, exitCode: 5 });
	});

	it("rejects everything else", () => {
		for (const bad of [
			"",
			"   ",
			"echo hi",
			"sleep",
			"sleep x",
			"sleep 1 2",
			"sleep -1",
			"exit -1",
			"exit a",
			"true 1",
			"sleep 1 &",
			"sleep 1 | true",
			"; sleep 1",
			"sleep 1 ;; sleep 2",
			"sleep 1 &&",
			"&& sleep 1",
			"sleep 1 && ; true",
			"/bin/sleep 1",
		]) {
			const p = parseCommand(bad);
			expect(p, bad).toHaveProperty("error");
		}
		expect(parseCommand("echo hi")).toEqual({ error: '"echo hi": command not found' });
	});

	// Written from the mutation run's survivors (docs/testing.md).
	it("names what it refuses, in sh's words where sh has them", () => {
		const cases: [string, string][] = [
			["", "empty command"],
			[" \n\n", "empty command"],
			["sleep 1 &", "'&' (background jobs) is not supported"],
			["sleep 1 | true", "'|' (pipes) is not supported"],
			["exit 1 2", "exit: too many arguments"],
			["exit 1a", "exit: illegal number '1a'"],
			["exit -1", "exit: illegal number '-1'"],
			["sleep", "sleep takes exactly one duration"],
			["sleep 1 2", "sleep takes exactly one duration"],
			["sleep 1x", "sleep: invalid time interval '1x'"],
			["sleep x1", "sleep: invalid time interval 'x1'"],
			["sleep 1 &&", "syntax error: '&&' at the end"],
			["true ||", "syntax error: '||' at the end"],
			["; sleep 1", "syntax error near ';'"],
			["&& sleep 1", "syntax error near '&&'"],
			["sleep 1 && || true", "syntax error near '||'"],
			["true 1", '"true 1": command not found'],
		];
		for (const [text, error] of cases) expect(parseCommand(text), JSON.stringify(text)).toEqual({ error });
	});

	it("reads tabs and carriage returns as blanks, and doubled digits as a number", () => {
		expect(plan("sleep\t2\r\n")).toEqual({ runMs: 2000, exitCode: 0 });
		expect(plan("sleep 11")).toEqual({ runMs: 11_000, exitCode: 0 });
		expect(plan("exit 77")).toEqual({ runMs: 0, exitCode: 77 });
		expect(plan("sleep .25s; sleep 1.5m; sleep 1h; sleep 1d")).toEqual({
			runMs: 250 + 90_000 + 3_600_000 + 86_400_000,
			exitCode: 0,
		});
		expect(plan("sleep 10 && sleep 0.55")).toEqual({ runMs: 10_550, exitCode: 0 });
	});

	it("a bare exit returns the last status", () => {
		expect(plan("false; exit")).toEqual({ runMs: 0, exitCode: 1 });
		expect(plan("sleep 1; exit")).toEqual({ runMs: 1000, exitCode: 0 });
	});

	it("never gets past a sleep that does not end", () => {
		expect(plan("sleep inf; exit 3")).toEqual({ runMs: Number.POSITIVE_INFINITY, exitCode: 0 });
		expect(plan("sleep 3 && sleep infinity; exit 1")).toEqual({
			runMs: Number.POSITIVE_INFINITY,
			exitCode: 0,
		});
	});
});
