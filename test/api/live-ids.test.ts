/**
 * Ids across restarts of the live master. A Mesos master draws a UUID per
 * start and prefixes framework ids with it, so a framework id kept from an
 * earlier master never names a framework of the new one; a SUBSCRIBE with an
 * id the master does not know registers that framework under its own id
 * (Master::subscribe → recoverFramework, src/master/master.cpp). Headless runs
 * draw their ids from the scenario seed.
 */
import { afterEach, describe, expect, it } from "vitest";
import { agentsScenario } from "../../sim/cli/commands/serve.js";
import { type LiveServer, startLive } from "../../sim/runner/live.js";
import { cluster, type Subscription, subscribe } from "./helpers.js";

const servers: LiveServer[] = [];
afterEach(async () => {
	for (const s of servers.splice(0)) await s.close();
});

/** A live master of the same scenario and seed every time. */
async function live(): Promise<LiveServer> {
	const s = await startLive({ scenario: agentsScenario(2), host: "127.0.0.1", port: 0, speed: 1 });
	servers.push(s);
	return s;
}

async function stop(s: LiveServer): Promise<void> {
	servers.splice(servers.indexOf(s), 1);
	await s.close();
}

const INFO = { user: "u", name: "kept", failover_timeout: 3600 };

describe("live master ids", () => {
	it("two starts of the same scenario and seed have different master, framework and stream ids", async () => {
		const seen: { master: string; sub: Subscription }[] = [];
		for (let i = 0; i < 2; i++) {
			const s = await live();
			seen.push({ master: s.sim.master.id, sub: await subscribe(s.app, INFO) });
			await stop(s);
		}
		const [a, b] = seen as [(typeof seen)[0], (typeof seen)[0]];
		expect(a.master).not.toBe(b.master);
		// Mesos's "<master id>-<4-digit counter>".
		expect(a.sub.frameworkId).toBe(`${a.master}-0000`);
		expect(b.sub.frameworkId).toBe(`${b.master}-0000`);
		expect(a.sub.streamId).not.toBe(b.sub.streamId);
	});

	it("an id fixed by the caller gives the same ids again (tests may pin them)", async () => {
		const ids = [];
		for (let i = 0; i < 2; i++) {
			const s = await startLive({
				scenario: agentsScenario(1),
				host: "127.0.0.1",
				port: 0,
				speed: 1,
				idSeed: "pinned",
			});
			servers.push(s);
			ids.push(s.sim.master.id);
			await stop(s);
		}
		expect(ids[0]).toBe(ids[1]);
	});

	it("a framework id from before a restart does not fail over a new framework: it is registered again under its own id", async () => {
		const first = await live();
		const old = await subscribe(first.app, INFO);
		await stop(first);

		const second = await live();
		const fresh = await subscribe(second.app, { ...INFO, name: "new" });
		expect(fresh.frameworkId).not.toBe(old.frameworkId);
		const back = await subscribe(second.app, { ...INFO, id: { value: old.frameworkId } });
		expect(back.frameworkId).toBe(old.frameworkId);

		const master = second.sim.master;
		const byId = new Map(master.frameworks.map((f) => [f.id, f]));
		expect([...byId.keys()].sort()).toEqual([fresh.frameworkId, old.frameworkId].sort());
		expect(byId.get(fresh.frameworkId)?.info.name).toBe("new");
		expect(byId.get(fresh.frameworkId)?.connected).toBe(true);
		// The new framework's stream carries no "Framework failed over" ERROR and stays open.
		const events = await fresh.reader.drain();
		expect(events.filter((e) => e.type === "ERROR")).toEqual([]);
		expect(fresh.reader.ended).toBe(false);
	});
});

describe("framework ids claimed by a client", () => {
	it("a new framework never gets an id a client subscribed with first", async () => {
		const c = await cluster();
		try {
			const masterId = c.sim.master.id;
			const first = await subscribe(c.app, INFO);
			expect(first.frameworkId).toBe(`${masterId}-0000`);
			// A client claims an id the counter has not reached yet.
			const claimed = await subscribe(c.app, { ...INFO, id: { value: `${masterId}-0002` } });
			expect(claimed.frameworkId).toBe(`${masterId}-0002`);
			const next = await subscribe(c.app, { ...INFO, name: "next" });
			const after = await subscribe(c.app, { ...INFO, name: "after" });
			expect([next.frameworkId, after.frameworkId]).toEqual([`${masterId}-0001`, `${masterId}-0003`]);
			expect(c.sim.master.frameworks.map((f) => f.info.name)).toEqual(["kept", "kept", "next", "after"]);
			expect(claimed.reader.ended).toBe(false);
		} finally {
			await c.close();
		}
	});

	it("headless, the master id comes from the scenario seed", async () => {
		const ids = [];
		for (let i = 0; i < 2; i++) {
			const c = await cluster({ seed: 7 });
			ids.push(c.sim.master.id);
			await c.close();
		}
		expect(ids[0]).toBe(ids[1]);
	});
});
