/** What the route modules share: the master, the open streams and the app's limits. */
import type { Master } from "../master.js";
import type { Authenticator } from "./auth.js";
import type { BufferBudget, RecordIoStream } from "./stream.js";

export interface HttpContext {
	master: Master;
	/** Pending engine events (metrics), when an engine is attached. */
	eventQueue(): number;
	/** Runs before a call reaches the master (the live driver catches its clock up). */
	beforeCall(): void;
	/** Runs fn after delayMs of simulated time; false when no engine is attached. */
	after(delayMs: number, fn: () => void): boolean;
	/** Defers work out of an observer callback (never re-enter the master from inside it). */
	defer(fn: () => void): void;
	/** Every open RecordIO response, ended in preClose. */
	streams: Set<RecordIoStream>;
	/** Stream ids of schedulers subscribed over HTTP (others are in-process). */
	httpStreamIds: Set<string>;
	/** Every stream's options: its own limit and the budget all share. */
	streamLimits: { maxBufferedBytes: number; budget: BufferBudget };
	heartbeatIntervalMs: number;
	/** Agents show the master's hostname in the views (BuildAppOptions.agentsOnMasterHost). */
	agentsOnMasterHost: boolean;
	/** Credentials checked on requests (null: no authentication, as Mesos by default). */
	auth: Authenticator | null;
}
