/**
 * The offer message contract (master/offers/message.ts) that the byte-level
 * frame writer (master/http/event-frame.ts) relies on: members in
 * OFFER_MESSAGE_KEYS order; framework_id and agent_id frozen and shared; an
 * agent offered the same resources twice gets one deeply frozen resources list,
 * shared by its later offers; anything else is a fresh, unfrozen list.
 */
import { describe, expect, it } from "vitest";
import { Cluster } from "../../master/cluster.js";
import type { AgentEndpoint } from "../../master/index.js";
import { isMultiRole, OFFER_MESSAGE_KEYS, OfferMessages } from "../../master/offers/message.js";
import type { FrameworkRecord, OfferRecord } from "../../master/records.js";
import { messageFramework } from "../helpers/master-probes.js";

const ROLES = [{ name: "*" }, { name: "web" }];

function setup(): { messages: OfferMessages; cluster: Cluster } {
	const cluster = new Cluster();
	for (const hostname of ["h0", "h1"]) {
		const a = cluster.add(
			`S-${hostname}`,
			{
				hostname,
				cpus: 8,
				mem: 4096,
				disk: 0,
				gpus: 0,
				ports: [{ begin: 31000, end: 32000 }],
				attributes: [{ name: "rack", type: "TEXT", text: { value: "r1" } }],
			},
			{} as AgentEndpoint,
			0,
			0,
		);
		expect(a).toBeGreaterThanOrEqual(0);
	}
	const messages = new OfferMessages(cluster, ROLES);
	messages.addAgent(1);
	return { messages, cluster };
}

let nextNum = 0;
function offer(fw: FrameworkRecord, agent: number, cpus: number, role = 0): OfferRecord {
	const num = nextNum++;
	return {
		id: `M-O${num}`,
		num,
		fw,
		role,
		agent,
		q: Float64Array.of(cpus, 1024, 0, 0),
		ports: [{ begin: 31000, end: 31010 }],
		timer: -1,
		createdAt: 0,
	};
}

/** Every object reachable from `v` is frozen. */
function deeplyFrozen(v: unknown): boolean {
	if (typeof v !== "object" || v === null) return true;
	return Object.isFrozen(v) && Object.values(v).every(deeplyFrozen);
}

describe("offer message contract", () => {
	it("has the members in OFFER_MESSAGE_KEYS order, allocation_info only (and last) for MULTI_ROLE", () => {
		const { messages } = setup();
		const plain = messageFramework(false);
		const multi = messageFramework(true);
		expect(isMultiRole(multi)).toBe(true);
		expect(Object.keys(messages.build(offer(plain, 0, 1), false))).toEqual(OFFER_MESSAGE_KEYS.slice(0, 6));
		const m = messages.build(offer(multi, 0, 1, 1), true);
		expect(Object.keys(m)).toEqual([...OFFER_MESSAGE_KEYS]);
		expect(m.allocation_info).toEqual({ role: "web" });
		expect(m.resources.every((r) => r.allocation_info?.role === "web")).toBe(true);
	});

	it("shares frozen framework_id and agent_id, and the agent's interned attributes", () => {
		const { messages, cluster } = setup();
		const fw = messageFramework(false);
		const a = messages.build(offer(fw, 0, 1), false);
		const b = messages.build(offer(fw, 0, 2), false);
		const other = messages.build(offer(fw, 1, 1), false);
		expect(a.framework_id).toBe(fw.idValue);
		expect(Object.isFrozen(a.framework_id)).toBe(true);
		expect(b.agent_id).toBe(a.agent_id);
		expect(Object.isFrozen(a.agent_id)).toBe(true);
		expect(a.agent_id).toEqual({ value: "S-h0" });
		expect(other.agent_id).toEqual({ value: "S-h1" });
		expect(a.attributes).toBe(cluster.attributes[0]);
		expect(b.attributes).toBe(a.attributes);
	});

	it("freezes and shares an agent's resources list once offered twice alike, not before", () => {
		const { messages } = setup();
		const fw = messageFramework(false);
		const first = messages.build(offer(fw, 0, 2), false);
		expect(Object.isFrozen(first.resources)).toBe(false);
		const second = messages.build(offer(fw, 0, 2), false);
		expect(deeplyFrozen(second.resources)).toBe(true);
		expect(second.resources).toEqual(first.resources);
		const third = messages.build(offer(fw, 0, 2), false);
		expect(third.resources).toBe(second.resources);
		// Other resources: a fresh list, not frozen; the same again: shared from then on.
		const changed = messages.build(offer(fw, 0, 3), false);
		expect(changed.resources).not.toBe(second.resources);
		expect(Object.isFrozen(changed.resources)).toBe(false);
		expect(changed.resources[0]).toMatchObject({ name: "cpus", scalar: { value: 3 } });
		const again = messages.build(offer(fw, 0, 3), false);
		expect(deeplyFrozen(again.resources)).toBe(true);
	});

	it("never shares a list across roles or between single- and multi-role frameworks", () => {
		const { messages } = setup();
		const plain = messageFramework(false);
		const multi = messageFramework(true);
		messages.build(offer(plain, 0, 2), false);
		const shared = messages.build(offer(plain, 0, 2), false).resources;
		const m = messages.build(offer(multi, 0, 2, 1), true);
		expect(m.resources).not.toBe(shared);
		expect(m.resources[0]?.allocation_info).toEqual({ role: "web" });
		expect(m.resources[0]?.role).toBeUndefined();
		expect(shared[0]?.role).toBe("*");
	});
});
