/**
 * Offer filters' hash table under load (survivors of a mutation run of
 * master/filters.ts, docs/testing.md): many filters on one framework, each
 * replaced in place, the table grown past its first size many times.
 */
import { describe, expect, it } from "vitest";
import { FrameworkFilters, type OfferFilter } from "../../master/filters.js";

const f = (expiresAt: number, cpus = 4): OfferFilter => ({
	expiresAt,
	cpus,
	mem: 4096,
	disk: 0,
	gpus: 0,
	ports: [],
});

describe("FrameworkFilters as a hash table", () => {
	it("an empty table blocks nothing", () => {
		const filters = new FrameworkFilters();
		expect(filters.blocks(0, 0, 0, 1, 1, 0, 0, [])).toBe(false);
		expect(filters.filterOn(0, 0, 0)).toBeNull();
	});

	it("holds 3,000 filters at once, each found, and a second set replaces the first in place", () => {
		const filters = new FrameworkFilters();
		const keys: [number, number][] = [];
		for (let agent = 0; agent < 1000; agent++) for (let role = 0; role < 3; role++) keys.push([agent, role]);
		for (const [agent, role] of keys) filters.set(agent, role, f(1000 + agent));
		expect(filters.size).toBe(keys.length);
		for (const [agent, role] of keys) {
			expect(filters.blocks(agent, role, 0, 4, 4096, 0, 0, [])).toBe(true);
			expect(filters.filterOn(agent, role, 0)?.expiresAt).toBe(1000 + agent);
		}
		// Replacing every filter (the one in the table's first slot included) keeps one entry per key.
		for (const [agent, role] of keys) filters.set(agent, role, f(5000 + agent, 8));
		expect(filters.size).toBe(keys.length);
		for (const [agent, role] of keys)
			expect(filters.filterOn(agent, role, 0)).toMatchObject({ expiresAt: 5000 + agent, cpus: 8 });
		// An agent's filters cleared: the others are all still there.
		filters.clearAgent(7);
		expect(filters.size).toBe(keys.length - 3);
		for (const [agent, role] of keys) expect(filters.filterOn(agent, role, 0) === null).toBe(agent === 7);
	});

	it("expired filters stop blocking and make room: the table keeps working through many rounds", () => {
		const filters = new FrameworkFilters();
		for (let round = 0; round < 20; round++) {
			const now = round * 10;
			for (let agent = 0; agent < 200; agent++) filters.set(agent, round % 2, f(now + 5));
			for (let agent = 0; agent < 200; agent++) {
				expect(filters.blocks(agent, round % 2, now, 4, 4096, 0, 0, [])).toBe(true);
				expect(filters.blocks(agent, round % 2, now + 5, 4, 4096, 0, 0, [])).toBe(false);
			}
		}
		expect(filters.size).toBeLessThanOrEqual(200);
	});
});
