/**
 * The offer book: outstanding offers — made by the allocator, sent as one
 * OFFERS event per framework at the end of a cycle, ended by ACCEPT, DECLINE,
 * rescind or timeout.
 *
 * Layout: offers by number (an id "<masterId>-O<n>" is found by its n, no
 * string map); per agent its one outstanding offer, or a Set once it has had
 * two at a time (insertion order kept); per framework the offers of this
 * cycle not yet sent.
 * Invariants: an offer's resources are in `cluster.offered` of its agent and
 * in the allocator's accounting from make to end; it ends exactly once (a
 * second end is recorded as a violation, not applied).
 * Complexity: make, end and lookup O(1); flush O(offers made this cycle).
 * Guarded by: `mesosim bench allocator` (make + flush on every cycle).
 */
import type { TimerHandle } from "../../engine/index.js";
import type { Cluster } from "../cluster.js";
import type { MasterFlags } from "../flags.js";
import type { Event, Offer, Range } from "../protocol/messages.js";
import { rangesAdd, SCALAR_COUNT } from "../protocol/resources.js";
import { SCALAR_EPSILON } from "../quantity.js";
import type { FrameworkRecord, MasterObserver, OfferEnd, OfferRecord } from "../records.js";
import { isMultiRole, type OfferMessages } from "./message.js";

/** The allocator's side of an offer (the Allocator is passed as it is). */
export interface OfferAccounting {
	track(fw: FrameworkRecord, role: number, q: Float64Array, sign: 1 | -1): void;
	markCandidate(agent: number): void;
	filterCreated(agent: number, expiresAt: number): void;
}

export interface OfferMetrics {
	offersSent: number;
	offersAccepted: number;
	offersDeclined: number;
	offersRescinded: number;
}

/** What the book needs from the master. */
export interface OfferBookHost {
	readonly masterId: string;
	readonly cluster: Cluster;
	readonly accounting: OfferAccounting;
	readonly messages: OfferMessages;
	readonly flags: Readonly<Pick<MasterFlags, "offerTimeoutMs" | "allocationIntervalMs">>;
	readonly metrics: OfferMetrics;
	/** Invariant violations found while running. */
	readonly violations: string[];
	/** Read on every use: the runner may replace it. */
	readonly observer: MasterObserver;
	now(): number;
	/** Arms the --offer_timeout of offer `num`; when it fires the master calls timedOut(num). */
	armTimeout(num: number): TimerHandle;
	cancelTimer(timer: TimerHandle): void;
	/** `records`: an OFFERS event's offers, in its order (the event log hashes them without the id strings). */
	send(fw: FrameworkRecord, event: Event, records?: readonly OfferRecord[]): void;
}

/** Shared empty port list (port lists are replaced, never mutated). */
const NO_PORTS: Range[] = [];
const NO_OFFERS: ReadonlySet<OfferRecord> = new Set();

export class OfferBook {
	readonly #host: OfferBookHost;
	readonly #cluster: Cluster;
	readonly #accounting: OfferAccounting;
	readonly #messages: OfferMessages;
	readonly #metrics: OfferMetrics;
	readonly #idPrefix: string;
	readonly #byNum = new Map<number, OfferRecord>();
	readonly #byAgent: (OfferRecord | Set<OfferRecord> | undefined)[] = [];
	/** Offers made in this cycle, per framework, sent by flush(). */
	readonly #unsent = new Map<FrameworkRecord, OfferRecord[]>();
	#nextNum = 0;

	constructor(host: OfferBookHost) {
		this.#host = host;
		this.#cluster = host.cluster;
		this.#accounting = host.accounting;
		this.#messages = host.messages;
		this.#metrics = host.metrics;
		this.#idPrefix = `${host.masterId}-O`;
	}

	/** Keeps the per-agent array dense (see OfferMessages.addAgent). */
	addAgent(a: number): void {
		while (this.#byAgent.length <= a) this.#byAgent.push(undefined);
		this.#messages.addAgent(a);
	}

	get size(): number {
		return this.#byNum.size;
	}

	/** The allocator decided: `fw` gets `q` and `ports` of `agent` for `role`. */
	make(fw: FrameworkRecord, role: number, agent: number, q: Float64Array, ports: Range[]): string {
		const host = this.#host;
		this.#cluster.addOffered(agent, q);
		this.#cluster.freePorts[agent] = NO_PORTS;
		const num = this.#nextNum++;
		const o: OfferRecord = {
			id: `${this.#idPrefix}${num}`,
			num,
			fw,
			role,
			agent,
			q,
			ports,
			timer: -1,
			createdAt: host.now(),
		};
		this.#accounting.track(fw, role, q, 1);
		this.#byNum.set(num, o);
		fw.offers.add(o);
		const held = this.#byAgent[agent];
		if (held === undefined) this.#byAgent[agent] = o;
		else if (held instanceof Set) held.add(o);
		else this.#byAgent[agent] = new Set([held, o]);
		if (host.flags.offerTimeoutMs !== null) o.timer = host.armTimeout(num);
		let list = this.#unsent.get(fw);
		if (list === undefined) {
			list = [];
			this.#unsent.set(fw, list);
		}
		list.push(o);
		host.observer.offerMade?.(o);
		return o.id;
	}

	/** End of a cycle: one OFFERS event per framework with the offers still outstanding. */
	flush(): void {
		this.#host.observer.cycleDecided?.();
		if (this.#unsent.size === 0) return;
		for (const [fw, list] of this.#unsent) {
			const offers: Offer[] = [];
			const multi = isMultiRole(fw);
			let live = 0;
			for (const o of list) {
				if (!this.#byNum.has(o.num)) continue;
				offers.push(this.#messages.build(o, multi));
				list[live++] = o;
			}
			if (offers.length === 0) continue;
			list.length = live;
			fw.counters.offersSent += offers.length;
			this.#metrics.offersSent += offers.length;
			this.#host.send(fw, { type: "OFFERS", offers: { offers } }, list);
		}
		this.#unsent.clear();
	}

	/**
	 * Removes an offer and gives back `q` and `ports` (by default all it held;
	 * after a launch, what the launch left), with a filter of `refuse` ms on them
	 * when that is positive.
	 */
	end(
		o: OfferRecord,
		how: OfferEnd,
		refuse: number | null,
		q: Float64Array = o.q,
		ports: Range[] = o.ports,
	): void {
		const host = this.#host;
		if (!this.#byNum.delete(o.num)) {
			host.violations.push(`offer ${o.id} ended twice (${how})`);
			return;
		}
		host.cancelTimer(o.timer);
		o.fw.offers.delete(o);
		const a = o.agent;
		const held = this.#byAgent[a];
		if (held === o) this.#byAgent[a] = undefined;
		else if (held instanceof Set) held.delete(o);
		const cl = this.#cluster;
		cl.releaseOffered(a, o.q);
		// The launched part moved to `allocated` already; give back what is left.
		this.#accounting.track(o.fw, o.role, o.q, -1);
		if (!isEmpty(q, ports)) {
			// The offer's own list is normalized already (it was the agent's free list):
			// with nothing else free it comes back as it is, the same array.
			const free = cl.freePorts[a]!;
			cl.freePorts[a] = free.length === 0 && ports === o.ports ? ports : rangesAdd(free, ports);
			this.#accounting.markCandidate(a);
			if (refuse !== null && refuse > 0) {
				const until = host.now() + Math.max(host.flags.allocationIntervalMs, refuse);
				o.fw.filters.set(a, o.role, {
					expiresAt: until,
					cpus: q[0]!,
					mem: q[1]!,
					disk: q[2]!,
					gpus: q[3]!,
					ports, // kept as is by the pool: port lists are replaced, never mutated
				});
				this.#accounting.filterCreated(a, until);
			}
		}
		const counters = o.fw.counters;
		if (how === "accepted") {
			counters.offersAccepted++;
			this.#metrics.offersAccepted++;
		} else if (how === "declined") {
			counters.offersDeclined++;
			this.#metrics.offersDeclined++;
		} else {
			counters.offersRescinded++;
			this.#metrics.offersRescinded++;
		}
		host.observer.offerEnded?.(o, how);
	}

	/** Takes an offer back (`notify`: tell its framework with a RESCIND event). */
	rescind(o: OfferRecord, notify: boolean): void {
		this.end(o, "rescinded", null);
		if (notify) this.#host.send(o.fw, { type: "RESCIND", rescind: { offer_id: { value: o.id } } });
	}

	rescindAllOf(fw: FrameworkRecord, notify: boolean): void {
		for (const o of [...fw.offers]) this.rescind(o, notify);
	}

	/** Rescinds every offer of an agent, telling the frameworks. */
	rescindOnAgent(a: number): void {
		for (const o of this.#copyOnAgent(a)) this.rescind(o, true);
	}

	/** The offer's --offer_timeout fired. */
	timedOut(num: number): void {
		const o = this.#byNum.get(num);
		if (o !== undefined) this.rescind(o, true);
	}

	/** The outstanding offer with exactly this id (what a Map from ids would answer). */
	byId(id: unknown): OfferRecord | undefined {
		const prefix = this.#idPrefix;
		if (typeof id !== "string" || !id.startsWith(prefix)) return undefined;
		const o = this.#byNum.get(Number(id.slice(prefix.length)));
		return o !== undefined && o.id === id ? o : undefined;
	}

	/** The agent's outstanding offers, in the order they were made (a view: do not keep it across changes). */
	onAgent(a: number): ReadonlySet<OfferRecord> {
		const held = this.#byAgent[a];
		if (held === undefined) return NO_OFFERS;
		return held instanceof Set ? held : new Set([held]);
	}

	#copyOnAgent(a: number): OfferRecord[] {
		const held = this.#byAgent[a];
		if (held === undefined) return [];
		return held instanceof Set ? [...held] : [held];
	}
}

function isEmpty(q: Float64Array, ports: readonly Range[]): boolean {
	if (ports.length > 0) return false;
	for (let k = 0; k < SCALAR_COUNT; k++) if (q[k]! > SCALAR_EPSILON) return false;
	return true;
}
