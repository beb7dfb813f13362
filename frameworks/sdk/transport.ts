/**
 * Transport — how a framework's scheduler reaches a master. Transport-neutral:
 * the in-process transport (inprocess.ts) and, later, the HTTP v1 client both
 * implement it. A transport carries one subscription at a time; `subscribe`
 * again (after a close) opens a fresh one.
 *
 * Contract:
 * - `subscribe(call, onEvent, onClose)` sends SUBSCRIBE; the master's events for
 *   that subscription, starting with SUBSCRIBED, arrive through `onEvent` in the
 *   order the master sent them. When the master ends the stream (or refuses the
 *   SUBSCRIBE) `onClose` runs once. Nothing is ever delivered synchronously.
 * - `send(call)` sends any other call. A call the master refuses (HTTP 4xx/5xx)
 *   is reported through `onCallError`, never thrown; so is a call sent with no
 *   open subscription (403, as the master would answer it).
 * - `close()` is the client hanging up: no further events, and `onClose` does
 *   NOT run (the caller knows it closed).
 */
import type { Call, CallResult, Event, SubscribeResult } from "../../master/protocol/index.js";

/** A refused call: the master's CallResult or SubscribeResult with ok = false. */
export type CallFailure = Extract<CallResult, { ok: false }> | Extract<SubscribeResult, { ok: false }>;

export type CallErrorHandler = (call: Call, result: CallFailure) => void;

export interface Transport {
	/** True while a subscription is open (the master accepted it and nobody closed it). */
	readonly connected: boolean;
	/** Set by the driver; receives refused calls (including a refused SUBSCRIBE). */
	onCallError: CallErrorHandler | null;
	subscribe(call: Call, onEvent: (event: Event) => void, onClose: () => void): void;
	send(call: Call): void;
	close(): void;
}
