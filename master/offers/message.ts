/**
 * The offer message: the protocol Offer built from an OfferRecord, and the
 * contract that makes its parts shared and frozen.
 *
 * The contract (relied on by master/http/event-frame.ts, which writes an
 * OFFERS frame byte by byte and keeps the JSON bytes of each frozen object it
 * meets, by identity):
 *  - members: exactly OFFER_MESSAGE_KEYS, in that order; `allocation_info`
 *    only for MULTI_ROLE frameworks (then last);
 *  - shared: `framework_id` (FrameworkRecord.idValue), `agent_id` (one per
 *    agent), `attributes` (interned per agent by the Cluster) and `resources`
 *    (one list per agent while its offers hold the same resources) are the
 *    same object in many messages — so no one may mutate an offer message;
 *  - frozen: `framework_id` and `agent_id` always; `resources` once shared,
 *    deeply (the list, every Resource, its scalar, ranges, range items and
 *    allocation_info). Deep freezing is what makes the writer's cached bytes
 *    stay true for the object's lifetime. `attributes` are shared but not
 *    frozen, so the writer stringifies them each time.
 * Why: most of an offer is the same from cycle to cycle (an agent declined,
 * offered again), and serializing the OFFERS burst sits at the start of every
 * cycle. test/unit/offer-message.test.ts checks the contract.
 *
 * Layout: per agent (dense arrays, by agent index) its frozen `{ value: id }`
 * and what its last offer held (ResourceCacheEntry).
 * Complexity: O(resources of the offer); a repeat offer reuses the list.
 * Guarded by: `mesosim bench allocator` (the OFFERS events of every cycle).
 */
import type { Cluster } from "../cluster.js";
import type { Offer, Range, Resource } from "../protocol/messages.js";
import { fixed, SCALAR_COUNT, SCALAR_NAMES } from "../protocol/resources.js";
import type { FrameworkRecord, OfferRecord } from "../records.js";

/** The members of an offer message, in the order they are built. */
export const OFFER_MESSAGE_KEYS = [
	"id",
	"framework_id",
	"agent_id",
	"hostname",
	"resources",
	"attributes",
	"allocation_info",
] as const satisfies readonly (keyof Offer)[];

/** Parts of an offer message that are the same object in many messages (never mutate them). */
export type SharedOfferPart = "framework_id" | "agent_id" | "resources" | "attributes";
/** Shared parts that are deeply frozen: always `framework_id` and `agent_id`, `resources` once shared. */
export type FrozenOfferPart = "framework_id" | "agent_id" | "resources";

/** What an agent's last offer held; `items` is its frozen Resource list once offered twice alike. */
interface ResourceCacheEntry {
	cpus: number;
	mem: number;
	disk: number;
	gpus: number;
	multi: boolean;
	role: string;
	/** The offer's port list (port lists are replaced, never mutated). */
	ports: Range[];
	items: Resource[] | null;
}

export class OfferMessages {
	readonly #cluster: Cluster;
	/** The allocator's roles, by index (only their names are read). */
	readonly #roles: readonly { readonly name: string }[];
	readonly #resourceCache: (ResourceCacheEntry | undefined)[] = [];
	readonly #agentIdValues: (Readonly<{ value: string }> | undefined)[] = [];

	constructor(cluster: Cluster, roles: readonly { readonly name: string }[]) {
		this.#cluster = cluster;
		this.#roles = roles;
	}

	/**
	 * Per-agent arrays stay dense: writing far past their end (agents get
	 * their first offer in shuffled order) would turn them into slow dictionaries.
	 */
	addAgent(a: number): void {
		while (this.#resourceCache.length <= a) this.#resourceCache.push(undefined);
		while (this.#agentIdValues.length <= a) this.#agentIdValues.push(undefined);
	}

	/** The protocol Offer of an outstanding offer (`multi`: its framework is MULTI_ROLE). */
	build(o: OfferRecord, multi: boolean): Offer {
		const role = this.#roles[o.role]!.name;
		const a = o.agent;
		const offer: Offer = {
			id: { value: o.id },
			framework_id: o.fw.idValue,
			agent_id: this.#agentIdValue(a),
			hostname: this.#cluster.hostnames[a]!,
			resources: this.#resources(o, multi, role),
			attributes: this.#cluster.attributes[a]!,
		};
		if (multi) offer.allocation_info = { role };
		return offer;
	}

	/** `{ value: agentId }`, frozen and shared by the agent's offer messages. */
	#agentIdValue(a: number): { value: string } {
		const ids = this.#agentIdValues;
		const id = this.#cluster.ids[a]!;
		let v = ids[a];
		// Checked against the slot's id, so a cached object can never show a stale one.
		if (v === undefined || v.value !== id) {
			v = Object.freeze({ value: id });
			ids[a] = v;
		}
		return v;
	}

	#resources(o: OfferRecord, multi: boolean, role: string): Resource[] {
		const c = this.#resourceCache[o.agent];
		const q = o.q;
		const same =
			c !== undefined &&
			c.cpus === q[0] &&
			c.mem === q[1] &&
			c.disk === q[2] &&
			c.gpus === q[3] &&
			c.multi === multi &&
			c.role === role &&
			sameRanges(c.ports, o.ports);
		if (same && c.items !== null) return c.items;
		const items = buildResources(q, o.ports, multi, role, same);
		if (same) c.items = Object.freeze(items) as Resource[];
		else {
			this.#resourceCache[o.agent] = {
				cpus: q[0]!,
				mem: q[1]!,
				disk: q[2]!,
				gpus: q[3]!,
				multi,
				role,
				ports: o.ports,
				items: null,
			};
		}
		return items;
	}
}

export function isMultiRole(fw: FrameworkRecord): boolean {
	return fw.info.capabilities?.some(isMultiRoleCapability) === true;
}

function isMultiRoleCapability(c: { type: string }): boolean {
	return c.type === "MULTI_ROLE";
}

function sameRanges(a: readonly Range[], b: readonly Range[]): boolean {
	if (a === b) return true;
	if (a.length !== b.length) return false;
	for (let i = 0; i < a.length; i++) if (a[i]!.begin !== b[i]!.begin || a[i]!.end !== b[i]!.end) return false;
	return true;
}

/** An offer's Resource[] (what toResources + role "*" built): scalars (cpus, mem, disk, gpus) then ports; deeply frozen when it is to be shared. */
function buildResources(
	q: Float64Array,
	ports: readonly Range[],
	multi: boolean,
	role: string,
	freeze: boolean,
): Resource[] {
	const out: Resource[] = [];
	for (let k = 0; k < SCALAR_COUNT; k++) {
		const v = q[k]!;
		if (v > 0) {
			const scalar = { value: fixed(v) };
			const r: Resource = multi
				? { name: SCALAR_NAMES[k]!, type: "SCALAR", scalar, allocation_info: { role } }
				: { name: SCALAR_NAMES[k]!, type: "SCALAR", scalar, role: "*" };
			if (freeze) {
				Object.freeze(scalar);
				if (r.allocation_info !== undefined) Object.freeze(r.allocation_info);
				Object.freeze(r);
			}
			out.push(r);
		}
	}
	if (ports.length > 0) {
		const range: Range[] = [];
		for (let i = 0; i < ports.length; i++) {
			const x = { begin: ports[i]!.begin, end: ports[i]!.end };
			range.push(freeze ? Object.freeze(x) : x);
		}
		const ranges = { range };
		const r: Resource = multi
			? { name: "ports", type: "RANGES", ranges, allocation_info: { role } }
			: { name: "ports", type: "RANGES", ranges, role: "*" };
		if (freeze) {
			Object.freeze(range);
			Object.freeze(ranges);
			if (r.allocation_info !== undefined) Object.freeze(r.allocation_info);
			Object.freeze(r);
		}
		out.push(r);
	}
	return out;
}
