import { fc, test as ptest } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { SimError } from "../../common/errors.js";
import { formatDuration, parseDuration } from "../../common/schema/duration.js";

describe("parseDuration", () => {
	it.each([
		["500ms", 500],
		["90s", 90_000],
		["15m", 900_000],
		["1h", 3_600_000],
		["2d", 172_800_000],
		["1w", 604_800_000],
		["1h30m", 5_400_000],
		["1d2h3m4s5ms", 93_784_005],
		["1.5h", 5_400_000],
		["0.25s", 250],
		[".5s", 500],
		["1h 30m", 5_400_000],
		[" 10s ", 10_000],
		["10secs", 10_000],
		["10mins", 600_000],
		["2 hours", 7_200_000],
		["0s", 0],
		["90", 90_000],
		["1.5", 1500],
		["1.0005s", 1001],
	] as const)("%s -> %d ms", (text, ms) => {
		expect(parseDuration(text)).toBe(ms);
	});

	it("takes a number as seconds", () => {
		expect(parseDuration(90)).toBe(90_000);
		expect(parseDuration(0.5)).toBe(500);
		expect(parseDuration(0)).toBe(0);
	});

	it.each([
		["", /empty/],
		["5x", /unknown unit "x"/],
		["1m1h", /unit "h" out of order/],
		["1s1s", /unit "s" out of order/],
		["1h30", /number 30 has no unit/],
		["-5s", /must not be negative/],
		["abc", /expected a number and a unit/],
		["1.5.5s", /expected a number and a unit/],
	])("rejects %j", (text, reason) => {
		let err: unknown;
		try {
			parseDuration(text);
		} catch (e) {
			err = e;
		}
		expect(err).toBeInstanceOf(SimError);
		expect((err as SimError).code).toBe("SIM_ERR_BAD_DURATION");
		expect((err as SimError).message).toMatch(reason);
		expect((err as SimError).message.startsWith(`invalid duration ${JSON.stringify(text)}: `)).toBe(true);
	});

	it("rejects negative and non-finite numbers", () => {
		expect(() => parseDuration(-1)).toThrow(/>= 0/);
		expect(() => parseDuration(Number.NaN)).toThrow(SimError);
		expect(() => parseDuration(Number.POSITIVE_INFINITY)).toThrow(SimError);
	});
});

describe("formatDuration", () => {
	it.each([
		[0, "0s"],
		[500, "500ms"],
		[1000, "1s"],
		[90_000, "1m30s"],
		[5_400_000, "1h30m"],
		[3_600_000, "1h"],
		[86_400_000, "1d"],
		[93_784_005, "1d2h3m4s5ms"],
		[-1500, "-1s500ms"],
	])("%d ms -> %s", (ms, text) => {
		expect(formatDuration(ms)).toBe(text);
	});

	ptest.prop([fc.integer({ min: 0, max: 10 ** 13 })], { numRuns: 500 })(
		"parseDuration(formatDuration(ms)) === ms",
		(ms) => {
			expect(parseDuration(formatDuration(ms))).toBe(ms);
		},
	);

	ptest.prop(
		[
			fc.record({
				d: fc.nat(30),
				h: fc.nat(23),
				m: fc.nat(59),
				s: fc.nat(59),
				ms: fc.nat(999),
			}),
		],
		{ numRuns: 300 },
	)("any written d/h/m/s/ms combination parses to its sum and formats back canonically", (p) => {
		const text = `${p.d}d${p.h}h${p.m}m${p.s}s${p.ms}ms`;
		const total = (((p.d * 24 + p.h) * 60 + p.m) * 60 + p.s) * 1000 + p.ms;
		expect(parseDuration(text)).toBe(total);
		expect(parseDuration(formatDuration(total))).toBe(total);
	});
});
