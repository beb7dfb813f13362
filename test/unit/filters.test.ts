import { fc, test } from "@fast-check/vitest";
import { describe, expect, it } from "vitest";
import { FrameworkFilters, type OfferFilter, refuseMs } from "../../master/filters.js";
import type { Range } from "../../master/protocol/messages.js";

const DAY_MS = 24 * 3600 * 1000;

function filter(
	expiresAt: number,
	cpus = 4,
	mem = 4096,
	disk = 0,
	gpus = 0,
	ports: Range[] = [],
): OfferFilter {
	return { expiresAt, cpus, mem, disk, gpus, ports };
}

describe("refuseMs (Mesos refuse_seconds rules)", () => {
	it("unset, negative or NaN means the default 5 s", () => {
		expect(refuseMs(undefined)).toBe(5000);
		expect(refuseMs(-1)).toBe(5000);
		expect(refuseMs(-0.001)).toBe(5000);
		expect(refuseMs(Number.NEGATIVE_INFINITY)).toBe(5000);
		expect(refuseMs(Number.NaN)).toBe(5000);
		expect(refuseMs("10" as unknown as number)).toBe(5000);
	});

	it("0 means no filter", () => {
		expect(refuseMs(0)).toBe(0);
	});

	it("is capped at 365 days", () => {
		expect(refuseMs(365 * 24 * 3600)).toBe(365 * DAY_MS);
		expect(refuseMs(365 * 24 * 3600 + 1)).toBe(365 * DAY_MS);
		expect(refuseMs(1e12)).toBe(365 * DAY_MS);
		expect(refuseMs(Number.POSITIVE_INFINITY)).toBe(365 * DAY_MS);
	});

	it("converts seconds to whole milliseconds", () => {
		expect(refuseMs(1)).toBe(1000);
		expect(refuseMs(2.5)).toBe(2500);
		expect(refuseMs(0.0004)).toBe(0);
		expect(refuseMs(0.0016)).toBe(2);
	});

	test.prop([fc.double({ noNaN: true })])("is always an integer in [0, 365 days]", (s) => {
		const ms = refuseMs(s);
		expect(Number.isInteger(ms)).toBe(true);
		expect(ms).toBeGreaterThanOrEqual(0);
		expect(ms).toBeLessThanOrEqual(365 * DAY_MS);
	});
});

describe("FrameworkFilters.blocks", () => {
	it("blocks only while the refused resources contain everything offerable", () => {
		const f = new FrameworkFilters();
		f.set(3, 1, filter(1000, 4, 4096, 100, 1));
		// Less or equal in every scalar: blocked.
		expect(f.blocks(3, 1, 0, 4, 4096, 100, 1, [])).toBe(true);
		expect(f.blocks(3, 1, 0, 1, 10, 0, 0, [])).toBe(true);
		expect(f.blocks(3, 1, 0, 4 + 1e-12, 4096, 100, 1, [])).toBe(true);
		// More of any one scalar: offered again.
		expect(f.blocks(3, 1, 0, 4.5, 4096, 100, 1, [])).toBe(false);
		expect(f.blocks(3, 1, 0, 4, 4097, 100, 1, [])).toBe(false);
		expect(f.blocks(3, 1, 0, 4, 4096, 101, 1, [])).toBe(false);
		expect(f.blocks(3, 1, 0, 4, 4096, 100, 2, [])).toBe(false);
		expect(f.size).toBe(1);
	});

	it("compares ports as ranges: blocked only if every offerable port was refused", () => {
		const f = new FrameworkFilters();
		f.set(
			0,
			0,
			filter(1000, 4, 4096, 0, 0, [
				{ begin: 31000, end: 31010 },
				{ begin: 32000, end: 32000 },
			]),
		);
		expect(f.blocks(0, 0, 0, 1, 1, 0, 0, [])).toBe(true);
		expect(f.blocks(0, 0, 0, 1, 1, 0, 0, [{ begin: 31000, end: 31010 }])).toBe(true);
		expect(
			f.blocks(0, 0, 0, 1, 1, 0, 0, [
				{ begin: 31002, end: 31003 },
				{ begin: 32000, end: 32000 },
			]),
		).toBe(true);
		expect(f.blocks(0, 0, 0, 1, 1, 0, 0, [{ begin: 31000, end: 31011 }])).toBe(false);
		expect(f.blocks(0, 0, 0, 1, 1, 0, 0, [{ begin: 32001, end: 32001 }])).toBe(false);
		expect(
			f.blocks(0, 0, 0, 1, 1, 0, 0, [
				{ begin: 31005, end: 31005 },
				{ begin: 31500, end: 31500 },
			]),
		).toBe(false);
		// A filter without ports does not cover an offer with ports.
		f.set(1, 0, filter(1000));
		expect(f.blocks(1, 0, 0, 1, 1, 0, 0, [{ begin: 31000, end: 31000 }])).toBe(false);
		expect(f.blocks(1, 0, 0, 1, 1, 0, 0, [])).toBe(true);
	});

	it("is keyed by (agent, role): other agents and roles are not filtered", () => {
		const f = new FrameworkFilters();
		f.set(5, 2, filter(1000));
		expect(f.blocks(5, 2, 0, 1, 1, 0, 0, [])).toBe(true);
		expect(f.blocks(5, 3, 0, 1, 1, 0, 0, [])).toBe(false);
		expect(f.blocks(6, 2, 0, 1, 1, 0, 0, [])).toBe(false);
		// A second filter on the same (agent, role) replaces the first.
		f.set(5, 2, filter(1000, 1, 1));
		expect(f.size).toBe(1);
		expect(f.blocks(5, 2, 0, 2, 1, 0, 0, [])).toBe(false);
	});

	it("expires at expiresAt and is dropped when looked up", () => {
		const f = new FrameworkFilters();
		f.set(1, 0, filter(5000));
		f.set(2, 0, filter(9000));
		expect(f.blocks(1, 0, 4999, 1, 1, 0, 0, [])).toBe(true);
		expect(f.size).toBe(2);
		expect(f.blocks(1, 0, 5000, 1, 1, 0, 0, [])).toBe(false);
		expect(f.size).toBe(1);
		// Not resurrected by looking again at an earlier time.
		expect(f.blocks(1, 0, 0, 1, 1, 0, 0, [])).toBe(false);
		// Expiry costs nothing until looked at: the other filter is still stored.
		expect(f.blocks(2, 0, 8999, 1, 1, 0, 0, [])).toBe(true);
	});

	it("activeForRole counts live filters of a role and drops expired ones", () => {
		const f = new FrameworkFilters();
		f.set(0, 1, filter(100));
		f.set(1, 1, filter(300));
		f.set(2, 2, filter(300));
		expect(f.activeForRole(1, 0)).toBe(2);
		expect(f.activeForRole(2, 0)).toBe(1);
		expect(f.activeForRole(1, 100)).toBe(1);
		expect(f.size).toBe(2);
		expect(f.activeForRole(3, 300)).toBe(0);
		expect(f.size).toBe(0);
	});
});

describe("FrameworkFilters clearing", () => {
	function filled(): FrameworkFilters {
		const f = new FrameworkFilters();
		for (const agent of [0, 1, 2, 70_000]) for (const role of [0, 1, 7]) f.set(agent, role, filter(1000));
		return f;
	}

	it("clearRole removes that role's filters on every agent and nothing else", () => {
		const f = filled();
		f.clearRole(1);
		expect(f.size).toBe(8);
		for (const agent of [0, 1, 2, 70_000]) {
			expect(f.blocks(agent, 1, 0, 1, 1, 0, 0, [])).toBe(false);
			expect(f.blocks(agent, 0, 0, 1, 1, 0, 0, [])).toBe(true);
			expect(f.blocks(agent, 7, 0, 1, 1, 0, 0, [])).toBe(true);
		}
	});

	it("clearAgent removes that agent's filters for every role and nothing else", () => {
		const f = filled();
		f.clearAgent(1);
		expect(f.size).toBe(9);
		for (const role of [0, 1, 7]) {
			expect(f.blocks(1, role, 0, 1, 1, 0, 0, [])).toBe(false);
			expect(f.blocks(0, role, 0, 1, 1, 0, 0, [])).toBe(true);
			expect(f.blocks(70_000, role, 0, 1, 1, 0, 0, [])).toBe(true);
		}
		f.clearAgent(70_000);
		expect(f.size).toBe(6);
		f.clear();
		expect(f.size).toBe(0);
	});
});
