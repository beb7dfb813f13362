/**
 * One open RecordIO response (a scheduler SUBSCRIBE or an operator SUBSCRIBE):
 * events become frames written to the HTTP response, which Node sends as a
 * chunked body.
 *
 * Layout: frames go straight to the response while its socket takes them
 * (`write()` returns true: less than Node's 16 KiB high-water mark is
 * waiting); after that they wait in this stream's own queue and go out on
 * 'drain'. Frames written before start() (the SUBSCRIBED event, written while
 * the master accepts the subscription and before the 200 head may go out)
 * wait apart and go to the socket first, whatever their size: they are the
 * answer the client asked for, as a GET_STATE's body is.
 *
 * Invariants: the socket holds at most the high-water mark plus one frame;
 * everything else a slow reader costs is in the queue, charged at what it
 * really holds in memory (`frameCost`: bytes plus the per-frame objects), to
 * the stream's own limit and to the app's shared `BufferBudget`.
 *
 * Guarded by: test/api/abuse-socket.test.ts (stalled readers on both APIs:
 * heap stays under a stated bound, streams are closed and freed).
 *
 * The master writes events synchronously from inside the engine and cannot
 * wait for a slow client. A reader that falls behind by more than
 * `maxBufferedBytes`, or the one furthest behind when all streams together
 * pass the budget, is closed: its queue is dropped and its socket destroyed,
 * so the memory comes back at once (as the Kubernetes API server closes a
 * watcher whose buffer is full). `onOverflow` then runs; for a scheduler it
 * means master.disconnect: the failover timeout starts, as for a dropped
 * connection, and the framework resubscribes and reconciles.
 */
import type { ServerResponse } from "node:http";
import type { Event } from "../protocol/messages.js";
import { eventFrame } from "./event-frame.js";

/**
 * What a queued frame holds beyond its bytes: the array slot, the Buffer
 * object and its backing-store bookkeeping (a string frame: the string
 * header). Node's own buffering costs more (four write requests per chunked
 * write), which is why frames never wait in the socket.
 */
export const FRAME_OVERHEAD_BYTES = 128;

/**
 * Bytes a frame costs while it waits, the overhead included. A string frame
 * is counted one byte a character: JSON of ASCII text is a one-byte string in
 * V8 (other text costs at most twice that).
 */
export function frameCost(frame: string | Buffer): number {
	return frame.length + FRAME_OVERHEAD_BYTES;
}

/**
 * Bytes all streams of one app may queue together. When a write takes the
 * total past the limit, the stream furthest behind is closed.
 */
export class BufferBudget {
	readonly maxBytes: number;
	#total = 0;
	readonly #members = new Set<RecordIoStream>();

	constructor(maxBytes: number) {
		this.maxBytes = maxBytes;
	}

	/** Bytes queued by every stream now. */
	get totalBytes(): number {
		return this.#total;
	}

	join(s: RecordIoStream): void {
		this.#members.add(s);
	}

	leave(s: RecordIoStream): void {
		this.#members.delete(s);
	}

	/** Adds `bytes`; past the limit closes the streams furthest behind until it fits. */
	charge(bytes: number): void {
		this.#total += bytes;
		while (this.#total > this.maxBytes) {
			let worst: RecordIoStream | null = null;
			for (const m of this.#members) if (worst === null || m.queuedBytes > worst.queuedBytes) worst = m;
			if (worst === null || worst.queuedBytes === 0) return;
			worst.overflow();
		}
	}

	release(bytes: number): void {
		this.#total -= bytes;
	}
}

export interface RecordIoStreamOptions {
	/** Bytes one stream may queue for its reader before it is closed. */
	maxBufferedBytes: number;
	/** Shared by every stream of the app (none: no shared limit). */
	budget?: BufferBudget;
	/** Runs once when the stream is closed for falling behind (after it ended). */
	onOverflow?: () => void;
}

export class RecordIoStream {
	#raw: ServerResponse | null = null;
	/** Frames written before start(). */
	#early: (string | Buffer)[] = [];
	/** Frames waiting for the socket. */
	#queue: (string | Buffer)[] = [];
	#queuedBytes = 0;
	#ended = false;
	#overflowed = false;
	#wrote = false;
	readonly #opts: RecordIoStreamOptions;
	/** null once ended: what is still queued then is no longer charged. */
	#budget: BufferBudget | null;
	/** Runs once when the stream ends for any reason. */
	onEnd: (() => void) | null = null;

	constructor(opts: RecordIoStreamOptions) {
		this.#opts = opts;
		this.#budget = opts.budget ?? null;
		this.#budget?.join(this);
	}

	get ended(): boolean {
		return this.#ended;
	}

	/** Bytes waiting in this stream's queue, as charged (frameCost). */
	get queuedBytes(): number {
		return this.#queuedBytes;
	}

	/**
	 * Sends the 200 head with `headers` on the raw response (which the caller
	 * takes over from fastify), then the frames written so far; later frames go
	 * out as they are written.
	 */
	start(raw: ServerResponse, headers: Readonly<Record<string, string>>): void {
		// A destroyed response must not turn into an unhandled 'error'.
		raw.on("error", () => this.end());
		raw.on("drain", () => this.#flush());
		raw.writeHead(200, headers);
		this.#raw = raw;
		for (const f of this.#early) raw.write(f);
		this.#early = [];
		if (this.#overflowed) raw.destroy();
		else if (this.#ended) this.#closeRaw();
		else this.#flush();
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
		if (raw === null) {
			this.#early.push(frame);
			return;
		}
		if (this.#queue.length === 0 && !raw.writableNeedDrain) {
			raw.write(frame);
			return;
		}
		const cost = frameCost(frame);
		this.#queue.push(frame);
		this.#queuedBytes += cost;
		this.#budget?.charge(cost);
		if (this.#queuedBytes > this.#opts.maxBufferedBytes) this.overflow();
	}

	/** Moves queued frames to the socket until it pushes back. */
	#flush(): void {
		const raw = this.#raw;
		if (raw === null) return;
		const q = this.#queue;
		let i = 0;
		let freed = 0;
		while (i < q.length) {
			const f = q[i++] as string | Buffer;
			freed += frameCost(f);
			if (!raw.write(f)) break;
		}
		this.#queue = i === q.length ? [] : q.slice(i);
		this.#queuedBytes -= freed;
		this.#budget?.release(freed);
	}

	/** Whether anything was written since the last call (keep-alive heartbeats). */
	takeWrote(): boolean {
		const w = this.#wrote;
		this.#wrote = false;
		return w;
	}

	/**
	 * Closes a reader that fell behind: drops its queue and destroys the
	 * socket (ending it would keep every byte it holds until the peer read
	 * them, which a stalled peer never does), then runs onOverflow.
	 */
	overflow(): void {
		if (this.#ended) return;
		this.#overflowed = true;
		this.#drop();
		this.#raw?.destroy();
		this.end();
		this.#opts.onOverflow?.();
	}

	/**
	 * Ends the stream: the frames still queued go out first (a stream ended
	 * before start() sends them when it starts, e.g. an ERROR event).
	 */
	end(): void {
		if (this.#ended) return;
		this.#ended = true;
		this.#budget?.leave(this);
		this.#budget?.release(this.#queuedBytes);
		this.#budget = null;
		if (this.#raw !== null) this.#closeRaw();
		const f = this.onEnd;
		this.onEnd = null;
		f?.();
	}

	#closeRaw(): void {
		const raw = this.#raw!;
		if (raw.destroyed || raw.writableEnded) {
			this.#drop();
			return;
		}
		for (const f of this.#queue) raw.write(f);
		this.#drop();
		raw.end();
	}

	/** Forgets the queue and gives its bytes back to the budget. */
	#drop(): void {
		this.#budget?.release(this.#queuedBytes);
		this.#queue = [];
		this.#queuedBytes = 0;
	}
}
