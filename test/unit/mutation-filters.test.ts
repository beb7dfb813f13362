/**
 * Offer filters' hash table under load (survivors of a mutation run of
 * master/filters.ts, docs/testing.md): many filters on one framework, each
 * replaced in place, the table grown past its first size many times.
 */
import { describe, expect, it } from "vitest";
import { FrameworkFilters, type OfferFilter, RefusedPool } from "../../master/filters.js";
import type { Range } from "../../master/protocol/messages.js";

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

/** The refused sets behind the filters: shared, counted, freed and reused (the memory rule in master/filters.ts). */
describe("RefusedPool", () => {
	const refused = (cpus: number, ports: Range[] = [], mem = 4096, disk = 10, gpus = 0): OfferFilter => ({
		expiresAt: 0,
		cpus,
		mem,
		disk,
		gpus,
		ports,
	});

	it("a refusal equal to the agent's last one shares its record, ports compared by value", () => {
		const pool = new RefusedPool();
		const a = pool.intern(3, refused(4, [{ begin: 31000, end: 31010 }]));
		expect(pool.intern(3, refused(4, [{ begin: 31000, end: 31010 }]))).toBe(a);
		expect(pool.records).toBe(1);
		// The same set on another agent is that agent's own record.
		expect(pool.intern(4, refused(4, [{ begin: 31000, end: 31010 }]))).not.toBe(a);
		expect(pool.records).toBe(2);
	});

	it("any difference makes a new record: each scalar, the port count, a range's begin or end", () => {
		const P = [{ begin: 1, end: 2 }];
		const variants = [
			refused(5, P),
			refused(4, P, 2048),
			refused(4, P, 4096, 11),
			refused(4, P, 4096, 10, 1),
			refused(4, []),
			refused(4, [{ begin: 1, end: 3 }]),
			refused(4, [{ begin: 0, end: 2 }]),
			refused(4, [...P, { begin: 5, end: 6 }]),
		];

		const pool = new RefusedPool();
		for (const [i, v] of variants.entries()) {
			// The agent's last record is the base set; the variant differs from it in one thing.
			const base = pool.intern(0, refused(4, P));
			const id = pool.intern(0, v);
			expect(id, `variant ${i}`).not.toBe(base);
			expect(pool.read(id, 7)).toEqual({ ...v, expiresAt: 7 });
		}
		expect(pool.records).toBe(2 * variants.length);
	});

	it("a record lives while a filter refers to it; a freed record is reused, not shared", () => {
		const pool = new RefusedPool();
		const id = pool.intern(1, refused(2));
		pool.intern(1, refused(2));
		pool.release(id);
		expect(pool.records).toBe(1);
		expect(pool.read(id, 0).cpus).toBe(2);
		pool.release(id);
		expect(pool.records).toBe(0);
		// Its agent's last record is free now: an equal refusal takes a fresh record (the freed slot).
		const again = pool.intern(1, refused(2));
		expect(again).toBe(id);
		expect(pool.records).toBe(1);
		const other = pool.intern(2, refused(9));
		expect(other).not.toBe(id);
		expect(pool.records).toBe(2);
	});

	it("grows past its first 256 records and 1,024 agents, every record intact", () => {
		const pool = new RefusedPool();
		const ids: number[] = [];
		for (let agent = 0; agent < 3000; agent++)
			ids.push(
				pool.intern(
					agent,
					refused(agent, [{ begin: agent, end: agent + 1 }], agent * 2, agent * 3, agent % 5),
				),
			);
		expect(new Set(ids).size).toBe(3000);
		expect(pool.records).toBe(3000);
		for (let agent = 0; agent < 3000; agent++) {
			expect(pool.read(ids[agent]!, 0)).toEqual(
				refused(agent, [{ begin: agent, end: agent + 1 }], agent * 2, agent * 3, agent % 5),
			);
			// Agents past the first 1,024 share with their own last record too.
			expect(
				pool.intern(
					agent,
					refused(agent, [{ begin: agent, end: agent + 1 }], agent * 2, agent * 3, agent % 5),
				),
			).toBe(ids[agent]);
		}
		expect(pool.records).toBe(3000);
	});

	it("covers: each scalar up to the refused amount (within 1e-9), ports by identity or containment", () => {
		const pool = new RefusedPool();
		const ports = [{ begin: 100, end: 200 }];
		const id = pool.intern(0, refused(4, ports, 4096, 10, 1));
		expect(pool.covers(id, 4, 4096, 10, 1, ports)).toBe(true);
		expect(pool.covers(id, 4 + 1e-10, 4096, 10, 1, [])).toBe(true);
		expect(pool.covers(id, 4.001, 4096, 10, 1, [])).toBe(false);
		expect(pool.covers(id, 4, 4097, 10, 1, [])).toBe(false);
		expect(pool.covers(id, 4, 4096, 11, 1, [])).toBe(false);
		expect(pool.covers(id, 4, 4096, 10, 2, [])).toBe(false);
		expect(pool.covers(id, 4, 4096, 10, 1, [{ begin: 150, end: 160 }])).toBe(true);
		expect(pool.covers(id, 4, 4096, 10, 1, [{ begin: 150, end: 201 }])).toBe(false);
	});
});

describe("FrameworkFilters read-only lookups and clearing a full table", () => {
	it("filterOn and expiryOf see a filter until its expiry, exclusive, and drop nothing", () => {
		const filters = new FrameworkFilters();
		expect(filters.expiryOf(1, 0, 0)).toBe(-1);
		filters.set(1, 0, f(100));
		filters.set(2, 0, f(50));
		for (const now of [0, 99]) {
			expect(filters.expiryOf(1, 0, now)).toBe(100);
			expect(filters.filterOn(1, 0, now)?.expiresAt).toBe(100);
		}
		expect(filters.expiryOf(1, 0, 100)).toBe(-1);
		expect(filters.filterOn(1, 0, 100)).toBeNull();
		// Another key, and a role with no filter on the same agent.
		expect(filters.expiryOf(3, 0, 0)).toBe(-1);
		expect(filters.expiryOf(1, 1, 0)).toBe(-1);
		expect(filters.filterOn(1, 1, 0)).toBeNull();
		// Read-only: the expired filters are still counted until blocks() or a sweep drops them.
		expect(filters.size).toBe(2);
	});

	it("every slot counts: lookups and clearing over tables of every fill from 1 to 300 filters", () => {
		// Which slot a key lands in is the hash's business: over this many fills
		// of agents spread wide, the first and last slots hold a filter many times.
		for (let n = 1; n <= 300; n++) {
			const agents = Array.from({ length: n }, (_, k) => k * 131 + n);
			const filters = new FrameworkFilters();
			for (const agent of agents) filters.set(agent, 7, f(1000 + agent));
			filters.set(0, 8, f(1000));
			for (const agent of agents) expect(filters.expiryOf(agent, 7, 0)).toBe(1000 + agent);
			if (n % 3 === 0) {
				filters.clearRole(7);
				expect(filters.size, `${n} filters, clearRole`).toBe(1);
				expect(filters.expiryOf(0, 8, 0)).toBe(1000);
			} else if (n % 3 === 1) {
				for (const agent of agents) filters.clearAgent(agent);
				expect(filters.size, `${n} filters, clearAgent`).toBe(1);
			} else {
				filters.clear();
				expect(filters.size, `${n} filters, clear`).toBe(0);
			}
			for (const agent of agents) expect(filters.filterOn(agent, 7, 0)).toBeNull();
		}
	});
});
