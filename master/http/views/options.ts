/**
 * What the HTTP layer knows that the master does not, and hands to the state
 * views: drain progress per agent (DRAIN_AGENT), operator stream subscribers
 * and engine queue length (metrics), and where agents' pages are served.
 */

/** Drain progress the HTTP layer keeps (DRAIN_AGENT); absent for agents never drained. */
export interface DrainInfo {
	state: "DRAINING" | "DRAINED";
	markGone: boolean;
}

export interface StateOptions {
	/** Drain information per agent index (from DRAIN_AGENT). */
	drains?: ReadonlyMap<number, DrainInfo>;
	/** Number of operator event stream subscribers (metrics). */
	operatorSubscribers?: number;
	/** Pending engine events (metrics: event_queue_dispatches). */
	eventQueue?: number;
	/** Agents show the master's hostname (so a browser reaches their pages on the master's port). */
	agentsOnMasterHost?: boolean;
}
