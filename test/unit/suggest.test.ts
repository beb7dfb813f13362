import { describe, expect, it } from "vitest";
import {
	closeMatches,
	closeMatchesOrAll,
	didYouMean,
	editDistance,
	suggestion,
} from "../../common/suggest.js";

describe("editDistance", () => {
	it("counts inserts, deletes, substitutions and adjacent swaps as 1", () => {
		expect(editDistance("gang", "gang")).toBe(0);
		expect(editDistance("", "abc")).toBe(3);
		expect(editDistance("cpu", "cpus")).toBe(1);
		expect(editDistance("kafak", "kafka")).toBe(1);
		expect(editDistance("mem", "men")).toBe(1);
		expect(editDistance("kitten", "sitting")).toBe(3);
	});
});

describe("closeMatches: one rule for every 'did you mean'", () => {
	it("accepts a distance up to max(1, longer length / 3), case-insensitively", () => {
		expect(closeMatches("duraton", ["duration", "seed"])).toEqual(["duration"]);
		expect(closeMatches("CPUS", ["cpus"])).toEqual(["cpus"]);
		// "abcdef" vs "abcxyz": 3 edits, limit floor(6/3) = 2.
		expect(closeMatches("abcdef", ["abcxyz"])).toEqual([]);
		expect(closeMatches("abcdef", ["abcdxy"])).toEqual(["abcdxy"]);
		// short words: at most one edit
		expect(closeMatches("ab", ["cd", "ax"])).toEqual(["ax"]);
	});

	it("treats a prefix of 3 or more characters as one edit away", () => {
		expect(closeMatches("kube", ["kubernetes", "kubernetes-legacy", "kafka"])).toEqual([
			"kubernetes",
			"kubernetes-legacy",
		]);
		expect(closeMatches("durationMs", ["duration"])).toEqual(["duration"]);
		expect(closeMatches("ku", ["kubernetes"])).toEqual([]);
	});

	it("ranks by score, then distance, then the candidates' order; at most `max`", () => {
		expect(closeMatches("kubernete", ["kubernetes-legacy", "kubernetes"])).toEqual([
			"kubernetes",
			"kubernetes-legacy",
		]);
		expect(closeMatches("bat", ["bats", "bath", "bait", "bet"], 2)).toEqual(["bats", "bath"]);
		expect(closeMatches("zzz", ["a", "b"])).toEqual([]);
	});

	it("didYouMean and suggestion give the best match, or nothing", () => {
		expect(didYouMean("wbe", ["web", "batch"])).toBe("web");
		expect(didYouMean("zzz", ["web"])).toBeUndefined();
		expect(suggestion("gpu", ["cpus", "mem", "disk", "gpus"])).toBe(' (did you mean "gpus"?)');
		expect(suggestion("zzz", ["cpus"])).toBe("");
	});

	it("closeMatchesOrAll lists the close ones, or every name when none is close", () => {
		expect(closeMatchesOrAll("gangg", ["gang", "stateful"])).toBe("; close matches: gang");
		expect(closeMatchesOrAll("zzz", ["gang", "stateful"])).toBe("; available: gang, stateful");
	});
});
