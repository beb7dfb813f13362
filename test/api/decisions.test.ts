// biome-ignore-all lint/suspicious/noExplicitAny: the tests read loosely typed JSON answers
/**
 * /sim/v1/decisions on the live master: off by default; switched on by the
 * server option (`serve --decisions N`) or POST; the ring bounded by cycles;
 * a cycle, an offer and a task read back with the framework's answer; 404s
 * that say whether the record is older than the ring or recording is off;
 * 400s naming the field. The DRF-paper scenario (one agent, A and B) is
 * stepped by hand, cycle by cycle, so every run is the same.
 */
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parseServeFlags } from "../../sim/cli/commands/serve.js";
import { type LiveServer, type LiveServerOptions, startLive } from "../../sim/runner/live.js";
import { loadScenarioFile } from "../../sim/scenario/index.js";
import { injectJson } from "./helpers.js";

const DRF_PAPER = join(import.meta.dirname, "../../examples/drf-paper.yaml");

let server: LiveServer;
afterEach(async () => {
	await server?.close();
});

async function start(opts: Partial<LiveServerOptions> = {}): Promise<void> {
	server = await startLive({
		scenario: loadScenarioFile(DRF_PAPER),
		host: "127.0.0.1",
		port: 0,
		speed: 1,
		...opts,
	});
	server.driver.pause();
}

function call(method: "GET" | "POST", url: string, body?: unknown) {
	return injectJson(server.app, method, url, body);
}

/** Runs the next allocation cycle (the dashboard's step). */
const step = () => call("POST", "/sim/v1/clock/cycle");

describe("/sim/v1/decisions", () => {
	it("is off by default: the status says so and a lookup's 404 says recording is off", async () => {
		await start();
		await step();
		const r = await call("GET", "/sim/v1/decisions");
		expect(r.status).toBe(200);
		expect(r.json).toMatchObject({ recording: false, limits: null, held: 0, cycles: [] });
		expect(r.json.originMs).toBe(server.sim.engine.originMs);
		const miss = await call("GET", "/sim/v1/decisions/offers/no-such-offer");
		expect(miss.status).toBe(404);
		expect(miss.text).toMatch(/^offer no-such-offer is not held: recording is off/);
	});

	it("records the DRF order: the role with the lower share is tried first and its framework is offered", async () => {
		await start();
		let r = await call("POST", "/sim/v1/decisions", { record: true, cycles: 20 });
		expect(r.json).toMatchObject({ recording: true, limits: { cycles: 20 }, held: 0 });
		for (let i = 0; i < 6; i++) await step();
		r = await call("GET", "/sim/v1/decisions?last=20");
		expect(r.json.held).toBe(6);
		expect(r.json.cycles.map((c: any) => c.cycle)).toEqual(
			Array.from({ length: 6 }, (_, i) => r.json.oldest + i),
		);
		let offered = 0;
		for (const c of r.json.cycles) {
			for (const v of c.visits) {
				if (v.offers.length === 0) continue;
				offered++;
				const shares = v.roles.map((t: any) => t.share);
				expect(shares).toEqual([...shares].sort((a, b) => a - b));
				const first = v.roles.find((t: any) => t.verdict === "OFFERED");
				expect(first).toBe(v.roles[0]);
				expect(v.offers[0].role).toBe(first.role);
				expect(v.offers[0].framework).toBe(first.role === "a" ? "A" : "B");
			}
		}
		expect(offered).toBeGreaterThan(0);
		// Both users got tasks, one per offer, in DRF order: neither runs far ahead of the other.
		const running = (await call("GET", "/sim/v1/status")).json.frameworks.map((f: any) => f.tasks);
		expect(running.every((n: number) => n >= 1)).toBe(true);
	});

	it("reads one cycle, one offer with the framework's answer and reasons, and one task", async () => {
		await start({ decisions: { maxCycles: 50 } });
		await step();
		const status = (await call("GET", "/sim/v1/decisions?last=1")).json;
		expect(status.recording).toBe(true);
		const cycle = status.cycles[0];
		expect((await call("GET", `/sim/v1/decisions/cycles/${cycle.cycle}`)).json).toEqual(cycle);
		const made = cycle.visits.flatMap((v: any) => v.offers)[0];
		const why = await call("GET", `/sim/v1/decisions/offers/${made.offer_id}`);
		expect(why.status).toBe(200);
		expect(why.json.offer).toEqual(made);
		expect(why.json.cycle).toBe(cycle.cycle);
		expect(why.json.answer).toMatchObject({ call: "ACCEPT", framework: made.framework });
		expect(why.json.reasons.map((x: any) => x.reason)).toContain("LAUNCHED");
		const taskId = why.json.answer.task_ids[0];
		const task = await call("GET", `/sim/v1/decisions/tasks/${encodeURIComponent(taskId)}`);
		expect(task.status).toBe(200);
		expect(task.json.task_id).toBe(taskId);
		expect(task.json.offers.map((o: any) => o.offer.offer_id)).toEqual([made.offer_id]);
	});

	it("keeps only the last N cycles; older ones are 404 naming the oldest held, later ones have not run", async () => {
		await start();
		await call("POST", "/sim/v1/decisions", { record: true, cycles: 2 });
		await step();
		const first = (await call("GET", "/sim/v1/decisions?last=1")).json.cycles[0];
		const firstOffer = first.visits.flatMap((v: any) => v.offers)[0].offer_id;
		for (let i = 0; i < 3; i++) await step();
		const r = (await call("GET", "/sim/v1/decisions?last=10")).json;
		expect(r.held).toBe(2);
		expect(r.cycles).toHaveLength(2);
		const old = await call("GET", `/sim/v1/decisions/cycles/${first.cycle}`);
		expect(old.status).toBe(404);
		expect(old.text).toContain(`its oldest cycle is ${r.oldest}`);
		const gone = await call("GET", `/sim/v1/decisions/offers/${firstOffer}`);
		expect(gone.status).toBe(404);
		expect(gone.text).toContain("older than the ring holds");
		const later = await call("GET", `/sim/v1/decisions/cycles/${r.newest + 1}`);
		expect(later.status).toBe(404);
		expect(later.text).toBe(
			`cycle ${r.newest + 1} has not run yet: the newest cycle recorded is ${r.newest}`,
		);
	});

	it("switched off keeps what it holds readable, records no more, and says recording is off", async () => {
		await start({ decisions: {} });
		await step();
		const before = (await call("GET", "/sim/v1/decisions")).json;
		expect(before.held).toBeGreaterThan(0);
		let r = await call("POST", "/sim/v1/decisions", { record: false });
		expect(r.json).toMatchObject({ recording: false, held: before.held, limits: { cycles: 50 } });
		const held = r.json.newest;
		await step();
		r = await call("GET", "/sim/v1/decisions");
		expect(r.json.newest).toBe(held);
		expect((await call("GET", `/sim/v1/decisions/cycles/${held}`)).status).toBe(200);
		const miss = await call("GET", "/sim/v1/decisions/tasks/nope");
		expect(miss.status).toBe(404);
		expect(miss.text).toMatch(/^task nope is not held: recording is off/);
		// On again: a fresh ring.
		r = await call("POST", "/sim/v1/decisions", { record: true, cycles: 5, visits: 100 });
		expect(r.json).toMatchObject({ recording: true, held: 0, limits: { cycles: 5, visits: 100 } });
	});

	it("answers bad input with 400 naming the field, and changes nothing", async () => {
		await start();
		const bad: [string, string, unknown, RegExp][] = [
			["POST", "/sim/v1/decisions", "{not json", /^the body is not JSON/],
			["POST", "/sim/v1/decisions", {}, /record: .*must be true or false|record/],
			["POST", "/sim/v1/decisions", { record: "yes" }, /^record: must be true or false \(got "yes"\)/],
			[
				"POST",
				"/sim/v1/decisions",
				{ record: true, cycles: 0 },
				/^cycles: must be an integer from 1 to 10000/,
			],
			["POST", "/sim/v1/decisions", { record: true, visits: 1.5 }, /^visits: must be an integer/],
			["POST", "/sim/v1/decisions", { record: true, cycle: 5 }, /unknown field "cycle".*cycles/],
			["POST", "/sim/v1/decisions", { record: false, cycles: 5 }, /^cycles, visits: only with record: true/],
			[
				"GET",
				"/sim/v1/decisions?last=ten",
				undefined,
				/^last: must be an integer from 0 to 10000 \(got "ten"\)/,
			],
			["GET", "/sim/v1/decisions?lats=1", undefined, /unknown field "lats"/],
			["GET", "/sim/v1/decisions/cycles/-1", undefined, /^cycle: must be an integer >= 0 \(got "-1"\)/],
		];
		for (const [method, url, body, message] of bad) {
			const r = await call(method as "GET" | "POST", url, body);
			expect(r.status, `${method} ${url} ${JSON.stringify(body)}`).toBe(400);
			expect(r.text).toMatch(message);
		}
		expect(server.decisions.recording).toBe(false);
		expect(server.sim.decisions).toBeNull();
	});

	it("serves the routes over a real socket", async () => {
		await start({ decisions: { maxCycles: 3 } });
		await step();
		const res = await fetch(`${server.url}/sim/v1/decisions?last=1`);
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/application\/json/);
		const body = (await res.json()) as any;
		expect(body.limits).toEqual({ cycles: 3, visits: 200_000 });
		expect(body.cycles).toHaveLength(1);
		const miss = await fetch(`${server.url}/sim/v1/decisions/cycles/0`);
		expect(miss.status).toBe(404);
		expect(await miss.text()).toMatch(/^cycle 0 is not held: older than the ring holds/);
	});
});

describe("serve --decisions N", () => {
	it("takes a whole number of cycles from 1 to 10000 and refuses anything else naming the flag", () => {
		expect(parseServeFlags({ decisions: "30" }).decisions).toBe(30);
		expect(parseServeFlags({}).decisions).toBeUndefined();
		for (const bad of ["0", "ten", "1.5", "10001"])
			expect(() => parseServeFlags({ decisions: bad })).toThrow(
				/--decisions.*must be an integer from 1 to 10,000/,
			);
	});
});
