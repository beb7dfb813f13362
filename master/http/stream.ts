/**
 * One open RecordIO response (a scheduler SUBSCRIBE or an operator SUBSCRIBE):
 * events become frames written to a PassThrough that fastify streams out as a
 * chunked body.
 *
 * The master writes events synchronously from inside the engine and cannot
 * wait for a slow client, so a stream buffers; past `maxBufferedBytes` the
 * client counts as gone (the stream ends and `onOverflow` runs, which for a
 * scheduler means master.disconnect: the failover timeout starts, as for a
 * dropped connection).
 */
import { PassThrough } from "node:stream";
import { recordIoFrame } from "./media.js";

export interface RecordIoStreamOptions {
	maxBufferedBytes: number;
	onOverflow: () => void;
}

export class RecordIoStream {
	readonly body = new PassThrough();
	#ended = false;
	#wrote = false;
	readonly #opts: RecordIoStreamOptions;
	/** Runs once when the stream ends for any reason. */
	onEnd: (() => void) | null = null;

	constructor(opts: RecordIoStreamOptions) {
		this.#opts = opts;
		// A destroyed response must not turn into an unhandled 'error'.
		this.body.on("error", () => this.end());
	}

	get ended(): boolean {
		return this.#ended;
	}

	/** Writes one event (serialized here) as a RecordIO frame. */
	write(event: unknown): void {
		if (this.#ended) return;
		this.writeFrame(recordIoFrame(JSON.stringify(event)));
	}

	/** Writes a frame built once for many streams. */
	writeFrame(frame: Buffer): void {
		if (this.#ended) return;
		this.body.write(frame);
		this.#wrote = true;
		if (this.body.writableLength + this.body.readableLength > this.#opts.maxBufferedBytes) {
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
		this.body.end();
		const f = this.onEnd;
		this.onEnd = null;
		f?.();
	}
}
