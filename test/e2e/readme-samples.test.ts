/**
 * The README's sample outputs are what the commands print today: the
 * quick-start run (byte for byte but the wall-time line, which varies) and
 * the shape of the allocator benchmark's output (its numbers are this
 * machine's). Regenerate them with the commands the README shows.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { ROUND_LINE } from "../../sim/bench/report.js";
import { main } from "../../sim/cli/main.js";
import { captureCliIo } from "../helpers/cli-io.js";

const README = readFileSync("README.md", "utf8");

/** The fenced block whose first line starts with `first`. */
function block(first: string): string {
	const blocks = [...README.matchAll(/```[a-z]*\n([\s\S]*?)```/g)].map((m) => m[1]!);
	const found = blocks.find((b) => b.startsWith(first));
	if (found === undefined) throw new Error(`README.md has no sample starting with ${JSON.stringify(first)}`);
	return found;
}

describe("README samples", () => {
	it("the quick-start sample is what `mesosim run examples/quickstart.yaml` prints (but the wall time)", async () => {
		const { out, io } = captureCliIo();
		expect(await main(["node", "mesosim", "run", "examples/quickstart.yaml"], { ...io, columns: 80 })).toBe(
			0,
		);
		const printed = out.stdout
			.split("\n")
			.filter((l) => !l.startsWith("wall time"))
			.join("\n");
		expect(block("Scenario quickstart")).toBe(printed);
	}, 120_000);

	it("the allocator benchmark sample has today's shape: machine, round lines, the cell line, the summary table", () => {
		const lines = block("machine:").trimEnd().split("\n");
		expect(lines[0]).toMatch(/^machine: .+, \d+ cores, [\d.]+ GB, Node v\d+/);
		const rounds = lines.filter((l) => l.startsWith("round "));
		expect(rounds).toHaveLength(5);
		for (const l of rounds) expect(l).toMatch(ROUND_LINE);
		expect(lines).toContainEqual(
			expect.stringMatching(
				/^DeclineOffers: 10000 agents, 1000 frameworks: added in [\d.]+ ms; median round [\d.]+ ms \(allocate\(\) [\d.]+ ms\); floor [\d.]+ ms; ratio [\d.]+$/,
			),
		);
		expect(lines.some((l) => l.includes("median round ms") && l.includes("of which allocate() ms"))).toBe(
			true,
		);
	});
});
