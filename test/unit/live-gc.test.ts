/**
 * sim/runner/gc.ts. IdleScavenger: one scavenge per quiet spell after calls,
 * only with enough in the young generation, and its default really runs a V8
 * scavenge. applyLiveV8Flags() turns allocation-site pretenuring off at run
 * time, and startLive applies it. Checked on V8 itself: a child
 * process that keeps most of what it allocates alive across scavenges (the
 * pattern that makes V8 pretenure a site) runs with
 * --trace-pretenuring-statistics, which prints a line per site V8 weighs. The
 * same program without the call is the control: there V8 does weigh sites.
 * Only lines after the set-up count.
 */
import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { IdleScavenger } from "../../sim/runner/gc.js";

const ROOT = join(import.meta.dirname, "../..");

function pretenuringLines(apply: "none" | "flags" | "startLive"): number {
	const setup = {
		none: "",
		flags: `const { applyLiveV8Flags } = await import("./sim/runner/gc.ts"); applyLiveV8Flags();`,
		startLive: `const { startLive } = await import("./sim/runner/live.ts");
			const { agentsScenario } = await import("./sim/cli/commands/serve.ts");
			const s = await startLive({ scenario: agentsScenario(2, 1), host: "127.0.0.1", port: 0, speed: 1 });
			await s.close();`,
	}[apply];
	const program = `${setup}
		console.log("MARK");
		const keep = [];
		for (let r = 0; r < 100; r++) {
			for (let i = 0; i < 20000; i++) keep.push({ a: i, b: [i, i + 1] });
			if (keep.length > 300000) keep.splice(0, 100000);
		}
		console.log("ok", keep.length);`;
	const r = spawnSync(
		process.execPath,
		["--import", "tsx", "--trace-pretenuring-statistics", "--input-type=module", "-e", program],
		{ cwd: ROOT, encoding: "utf8", timeout: 60_000 },
	);
	expect(r.status, r.stderr).toBe(0);
	expect(r.stdout).toContain("ok 300000");
	// Only what V8 weighed after the set-up (module loading has its own scavenges).
	const after = r.stdout.slice(r.stdout.indexOf("MARK\n"));
	return after.split("\n").filter((l) => l.includes("pretenuring:")).length;
}

describe("live V8 flags", () => {
	it("without them V8 weighs allocation sites for pretenuring (the control)", () => {
		expect(pretenuringLines("none")).toBeGreaterThan(0);
	});

	it("applyLiveV8Flags turns pretenuring off at run time", () => {
		expect(pretenuringLines("flags")).toBe(0);
	});

	it("startLive applies them", () => {
		expect(pretenuringLines("startLive")).toBe(0);
	});
});

describe("IdleScavenger", () => {
	function make(young = 4 * 1024 * 1024) {
		let now = 1000;
		let runs = 0;
		const s = new IdleScavenger({
			wallNow: () => now,
			scavenge: () => runs++,
			youngBytes: () => young,
		});
		return { s, runs: () => runs, at: (t: number) => (now = t) };
	}

	it("scavenges once calls have been quiet for 20 ms, once per quiet spell", () => {
		const { s, runs, at } = make();
		expect(s.poll()).toBe(false); // no call yet: nothing to clean up after
		s.noteCall();
		at(1010);
		expect(s.poll()).toBe(false); // still in the burst
		s.noteCall(); // another call at 1010
		at(1029);
		expect(s.poll()).toBe(false);
		at(1030);
		expect(s.poll()).toBe(true);
		at(1100);
		expect(s.poll()).toBe(false); // already done for this spell
		expect(runs()).toBe(1);
		s.noteCall();
		at(1125);
		expect(s.poll()).toBe(true);
		expect(runs()).toBe(2);
		expect(s.count).toBe(2);
	});

	it("skips a spell whose young generation holds under 2 MiB", () => {
		const { s, runs, at } = make(1024 * 1024);
		s.noteCall();
		at(1050);
		expect(s.poll()).toBe(false);
		expect(runs()).toBe(0);
	});

	it("by default runs a real V8 scavenge", () => {
		const program = `
			const { IdleScavenger } = await import("./sim/runner/gc.ts");
			let now = 0;
			const s = new IdleScavenger({ wallNow: () => now, minYoungBytes: 0 });
			let keep = [];
			for (let i = 0; i < 40000; i++) keep.push({ i, s: "x" + i });
			keep = null;
			s.noteCall();
			now = 50;
			console.log("MARK");
			console.log("ran", s.poll());`;
		const r = spawnSync(
			process.execPath,
			["--import", "tsx", "--trace-gc", "--input-type=module", "-e", program],
			{
				cwd: ROOT,
				encoding: "utf8",
				timeout: 60_000,
			},
		);
		expect(r.status, r.stderr).toBe(0);
		const after = r.stdout.slice(r.stdout.indexOf("MARK\n"));
		expect(after).toMatch(/Scavenge[^\n]*testing/);
		expect(after).toContain("ran true");
	});
});
