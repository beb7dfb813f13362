/**
 * The master's scheduler-facing surface (Mesos v1 scheduler API semantics,
 * transport-neutral). The in-process transport and the HTTP adapter both sit
 * on exactly this: SUBSCRIBE opens a stream (an EventSink), every other call
 * names that stream and gets the status code the HTTP API would return.
 */
import type { Call, Event } from "./messages.js";

/** Where the master writes a subscribed framework's events. */
export interface EventSink {
	send(event: Event): void;
	/** The master ends the stream (failover by a new subscription, teardown, bad SUBSCRIBE). */
	close(): void;
}

export type CallResult =
	| { ok: true; status: 200 | 202 }
	| { ok: false; status: 400 | 403 | 404 | 409 | 501 | 503; message: string };

export type SubscribeResult =
	| { ok: true; frameworkId: string; streamId: string }
	| { ok: false; status: 400 | 403 | 503; message: string };

export interface MasterSchedulerApi {
	/**
	 * Handles a SUBSCRIBE call. On success the framework's first event,
	 * SUBSCRIBED, and all later events go to `sink`. An invalid FrameworkInfo
	 * gives ok with one ERROR event and a closed sink, as Mesos does.
	 */
	subscribe(call: Call, sink: EventSink): SubscribeResult;
	/** Any other call, on the stream `streamId` returned by subscribe. */
	call(call: Call, streamId: string): CallResult;
	/** The client side of a stream went away (connection closed). */
	disconnect(streamId: string): void;
}
