/**
 * InProcessTransport — a framework and the master in one process, with an
 * optional simulated one-way latency.
 *
 * Every call from the framework reaches the master through an engine event at
 * now + latencyMs, and every event (and call refusal, and stream close) from
 * the master reaches the framework through an engine event at now + latencyMs.
 * Latency 0 still goes through the engine queue: nothing is synchronous, so
 * neither side is ever re-entered from inside its own call.
 *
 * Layout: two FIFO queues (framework → master, master → framework). Each push
 * schedules exactly one engine event of that direction's kind, and latency is
 * constant, so engine order (time, seq) equals queue order: the handler just
 * takes the head. No closure per message.
 *
 * Each subscription is a Stream (the EventSink the master writes to). A stream
 * the client closed delivers nothing more; events the master writes to a
 * stream it closed are dropped; a stale stream can never disturb a newer one.
 */

import type { Engine, EventHandler } from "../../engine/index.js";
import type { Call, Event, EventSink, MasterSchedulerApi } from "../../master/protocol/index.js";
import type { CallErrorHandler, CallFailure, Transport } from "./transport.js";

const TO_MASTER = 0;
const TO_FRAMEWORK = 1;

const Up = { SUBSCRIBE: 0, CALL: 1, DISCONNECT: 2 } as const;
type Up = (typeof Up)[keyof typeof Up];
const Down = { EVENT: 0, CLOSE: 1, CALL_ERROR: 2 } as const;
type Down = (typeof Down)[keyof typeof Down];

const NOT_SUBSCRIBED: CallFailure = { ok: false, status: 403, message: "Framework is not subscribed" };

type Deliver = (
	stream: Stream | null,
	kind: Down,
	event: Event | null,
	call: Call | null,
	result: CallFailure | null,
) => void;

/** One subscription; the master's EventSink for it. */
class Stream implements EventSink {
	streamId: string | null = null;
	/** The master accepted SUBSCRIBE and has not closed the stream. */
	open = false;
	/** The master closed the stream or refused SUBSCRIBE. */
	masterClosed = false;
	/** The framework side hung up. */
	clientClosed = false;
	readonly onEvent: (event: Event) => void;
	readonly onClose: () => void;
	readonly #deliver: Deliver;

	constructor(deliver: Deliver, onEvent: (event: Event) => void, onClose: () => void) {
		this.#deliver = deliver;
		this.onEvent = onEvent;
		this.onClose = onClose;
	}

	send(event: Event): void {
		if (this.masterClosed || this.clientClosed) return;
		this.#deliver(this, Down.EVENT, event, null, null);
	}

	close(): void {
		if (this.masterClosed) return;
		this.masterClosed = true;
		this.open = false;
		if (!this.clientClosed) this.#deliver(this, Down.CLOSE, null, null, null);
	}
}

/** A minimal FIFO on an array with a moving head. */
class Fifo<T> {
	#items: (T | undefined)[] = [];
	#head = 0;

	push(x: T): void {
		this.#items.push(x);
	}

	shift(): T {
		const x = this.#items[this.#head] as T;
		this.#items[this.#head++] = undefined;
		if (this.#head > 1024 && this.#head * 2 > this.#items.length) {
			this.#items = this.#items.slice(this.#head);
			this.#head = 0;
		}
		return x;
	}
}

interface UpMsg {
	kind: Up;
	stream: Stream | null;
	call: Call | null;
}

interface DownMsg {
	kind: Down;
	stream: Stream | null;
	event: Event | null;
	call: Call | null;
	result: CallFailure | null;
}

export interface InProcessTransportOptions {
	engine: Engine;
	master: MasterSchedulerApi;
	/** One-way latency in simulated ms (default 0), rounded to whole ms. */
	latencyMs?: number;
}

export class InProcessTransport implements Transport {
	onCallError: CallErrorHandler | null = null;
	readonly latencyMs: number;
	readonly #engine: Engine;
	readonly #master: MasterSchedulerApi;
	readonly #up = new Fifo<UpMsg>();
	readonly #down = new Fifo<DownMsg>();
	#stream: Stream | null = null;
	readonly #handler: EventHandler;
	readonly #deliverFn: Deliver = (stream, kind, event, call, result) => {
		this.#down.push({ kind, stream, event, call, result });
		this.#engine.after(this.latencyMs, this.#handler, TO_FRAMEWORK);
	};

	constructor(opts: InProcessTransportOptions) {
		this.#engine = opts.engine;
		this.#master = opts.master;
		const l = opts.latencyMs ?? 0;
		this.latencyMs = Number.isFinite(l) && l > 0 ? Math.round(l) : 0;
		this.#handler = {
			onEvent: (kind) => {
				if (kind === TO_MASTER) this.#runUp(this.#up.shift());
				else this.#runDown(this.#down.shift());
			},
		};
	}

	get connected(): boolean {
		return this.#stream?.open === true;
	}

	subscribe(call: Call, onEvent: (event: Event) => void, onClose: () => void): void {
		this.close();
		const stream = new Stream(this.#deliverFn, onEvent, onClose);
		this.#stream = stream;
		this.#toMaster(Up.SUBSCRIBE, stream, call);
	}

	send(call: Call): void {
		const stream = this.#stream;
		if (stream === null || stream.clientClosed || (stream.masterClosed && stream.streamId === null)) {
			this.#deliverFn(null, Down.CALL_ERROR, null, call, NOT_SUBSCRIBED);
			return;
		}
		this.#toMaster(Up.CALL, stream, call);
	}

	close(): void {
		const stream = this.#stream;
		if (stream === null) return;
		this.#stream = null;
		if (stream.clientClosed) return;
		stream.clientClosed = true;
		stream.open = false;
		this.#toMaster(Up.DISCONNECT, stream, null);
	}

	#toMaster(kind: Up, stream: Stream, call: Call | null): void {
		this.#up.push({ kind, stream, call });
		this.#engine.after(this.latencyMs, this.#handler, TO_MASTER);
	}

	#runUp(m: UpMsg): void {
		const stream = m.stream!;
		switch (m.kind) {
			case Up.SUBSCRIBE: {
				// The client hung up before SUBSCRIBE arrived: it never reaches the master.
				if (stream.clientClosed) return;
				const r = this.#master.subscribe(m.call!, stream);
				if (r.ok) {
					stream.streamId = r.streamId;
					if (!stream.masterClosed) stream.open = true;
				} else {
					this.#deliverFn(null, Down.CALL_ERROR, null, m.call, r);
					stream.close();
				}
				return;
			}
			case Up.CALL: {
				if (stream.streamId === null) {
					this.#deliverFn(null, Down.CALL_ERROR, null, m.call, NOT_SUBSCRIBED);
					return;
				}
				const r = this.#master.call(m.call!, stream.streamId);
				if (!r.ok) this.#deliverFn(null, Down.CALL_ERROR, null, m.call, r);
				return;
			}
			case Up.DISCONNECT:
				if (stream.streamId !== null && !stream.masterClosed) this.#master.disconnect(stream.streamId);
				return;
		}
	}

	#runDown(m: DownMsg): void {
		switch (m.kind) {
			case Down.EVENT:
				if (!m.stream!.clientClosed) m.stream!.onEvent(m.event!);
				return;
			case Down.CLOSE:
				if (!m.stream!.clientClosed) m.stream!.onClose();
				return;
			case Down.CALL_ERROR:
				this.onCallError?.(m.call!, m.result!);
				return;
		}
	}
}
