/**
 * RecordIO decoding (Mesos docs/recordio.md): each record is its length in
 * bytes as ASCII decimal, a line feed, then that many bytes. Lengths count
 * UTF-8 bytes, never characters, and chunk boundaries mean nothing: a record
 * (or its length line) may be split anywhere, even inside a multi-byte
 * character, so bytes are buffered and only whole records are handed out.
 */

/** A malformed stream: a length line that is not a decimal number, or a record over the limit. */
export class RecordIoError extends Error {
	constructor(message: string) {
		super(message);
		this.name = "RecordIoError";
	}
}

/** Longest length line accepted (20 digits hold any uint64). */
const MAX_HEADER_BYTES = 20;
export const DEFAULT_MAX_RECORD_BYTES = 64 * 1024 * 1024;
const LF = 0x0a;
const EMPTY = Buffer.alloc(0);

export class RecordIoDecoder {
	readonly maxRecordBytes: number;
	/** Bytes received and not yet handed out (a partial length line or record). */
	#buf: Buffer = EMPTY;
	/** Length of the record being read, once its length line is complete; -1 before. */
	#need = -1;

	constructor(maxRecordBytes = DEFAULT_MAX_RECORD_BYTES) {
		this.maxRecordBytes = maxRecordBytes;
	}

	/** Bytes held back, waiting for the rest of a record. */
	get buffered(): number {
		return this.#buf.length;
	}

	/**
	 * Feeds a chunk; returns the records it completes, in order (possibly none).
	 * Each record is a view of its bytes, valid until the next push. Throws
	 * RecordIoError on a malformed stream (the decoder is then unusable).
	 */
	push(chunk: Uint8Array): Buffer[] {
		const view = Buffer.isBuffer(chunk)
			? chunk
			: Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
		let buf = this.#buf.length === 0 ? view : Buffer.concat([this.#buf, view]);
		const out: Buffer[] = [];
		let pos = 0;
		for (;;) {
			if (this.#need < 0) {
				const nl = buf.indexOf(LF, pos);
				if (nl < 0) {
					if (buf.length - pos > MAX_HEADER_BYTES)
						throw new RecordIoError(
							`RecordIO length line longer than ${MAX_HEADER_BYTES} bytes: ${JSON.stringify(buf.subarray(pos, pos + 24).toString("latin1"))}`,
						);
					break;
				}
				this.#need = parseLength(buf, pos, nl, this.maxRecordBytes);
				pos = nl + 1;
			}
			if (buf.length - pos < this.#need) break;
			out.push(buf.subarray(pos, pos + this.#need));
			pos += this.#need;
			this.#need = -1;
		}
		// Keep only the unread tail, copied so the chunk it came from can be freed.
		buf = pos >= buf.length ? EMPTY : Buffer.from(buf.subarray(pos));
		this.#buf = buf;
		return out;
	}
}

function parseLength(buf: Buffer, start: number, end: number, max: number): number {
	const len = end - start;
	if (len === 0 || len > MAX_HEADER_BYTES) throw badLength(buf, start, end);
	let n = 0;
	for (let i = start; i < end; i++) {
		const d = buf[i]! - 0x30;
		if (d < 0 || d > 9) throw badLength(buf, start, end);
		n = n * 10 + d;
	}
	if (n > max) throw new RecordIoError(`RecordIO record of ${n} bytes exceeds the limit of ${max} bytes`);
	return n;
}

function badLength(buf: Buffer, start: number, end: number): RecordIoError {
	return new RecordIoError(
		`bad RecordIO length line ${JSON.stringify(buf.subarray(start, Math.min(end, start + 24)).toString("latin1"))}`,
	);
}

/** One record for a string: its UTF-8 byte length, LF, the bytes (for tests and clients that write RecordIO). */
export function encodeRecord(text: string): Buffer {
	const body = Buffer.from(text, "utf8");
	return Buffer.concat([Buffer.from(`${body.length}\n`, "ascii"), body]);
}
