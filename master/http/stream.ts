/**
 * One open RecordIO response (a scheduler SUBSCRIBE or an operator SUBSCRIBE):
 * events become frames written straight to the HTTP response, which Node sends
 * as a chunked body (one write per event, no intermediate stream: under load
 * the master writes hundreds of events a second).
 *
 * Frames written before start() (the SUBSCRIBED event, written while the
 * master accepts the subscription and before the 200 head may go out) wait
 * in memory and go out first.
 *
 * The master writes events synchronously from inside the engine and cannot
 * wait for a slow client, so a stream buffers; past `maxBufferedBytes` the
 * client counts as gone (the stream ends and `onOverflow` runs, which for a
 * scheduler means master.disconnect: the failover timeout starts, as for a
 * dropped connection).
 */
import type { ServerResponse } from "node:http";
import type { Event } from "../protocol/messages.js";
import { eventFrame } from "./event-frame.js";

export interface RecordIoStreamOptions {
	maxBufferedBytes: number;
	onOverflow: () => void;
}

export class RecordIoStream {
	#raw: ServerResponse | null = null;
	/** Frames written before start(). */
	#early: (string | Buffer)[] = [];
	#earlyBytes = 0;
	#ended = false;
	#wrote = false;
	readonly #opts: RecordIoStreamOptions;
	/** Runs once when the stream ends for any reason. */
	onEnd: (() => void) | null = null;

	constructor(opts: RecordIoStreamOptions) {
		this.#opts = opts;
	}

	get ended(): boolean {
		return this.#ended;
	}

	/**
	 * Sends the 200 head with `headers` on the raw response (which the caller
	 * takes over from fastify), then the frames written so far; later frames go
	 * out as they are written.
	 */
	start(raw: ServerResponse, headers: Readonly<Record<string, string>>): void {
		// A destroyed response must not turn into an unhandled 'error'.
		raw.on("error", () => this.end());
		raw.writeHead(200, headers);
		for (const f of this.#early) raw.write(f);
		this.#early = [];
		this.#earlyBytes = 0;
		this.#raw = raw;
		if (this.#ended) raw.end();
	}

	/** Writes one event (serialized here) as a RecordIO frame. */
	write(event: unknown): void {
		if (this.#ended) return;
		this.#emit(eventFrame(event as Event));
	}

	/** Writes a frame built once for many streams. */
	writeFrame(frame: Buffer): void {
		if (this.#ended) return;
		this.#emit(frame);
	}

	#emit(frame: string | Buffer): void {
		this.#wrote = true;
		const raw = this.#raw;
		let buffered: number;
		if (raw === null) {
			this.#early.push(frame);
			this.#earlyBytes += frame.length;
			buffered = this.#earlyBytes;
		} else {
			raw.write(frame);
			buffered = raw.writableLength;
		}
		if (buffered > this.#opts.maxBufferedBytes) {
			this.end();
			this.#opts.onOverflow();
		}
	}

	/** Whether anything was written since the last call (keep-alive heartbeats). */
	takeWrote(): boolean {
		const w = this.#wrote;
		this.#wrote = false;
		return w;
	}

	end(): void {
		if (this.#ended) return;
		this.#ended = true;
		const raw = this.#raw;
		if (raw !== null && !raw.writableEnded) raw.end();
		const f = this.onEnd;
		this.onEnd = null;
		f?.();
	}
}
