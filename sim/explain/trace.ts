/**
 * TraceWriter — a DecisionSink that writes each record as one JSON line
 * (NDJSON, docs/explain.md "Trace file") to a file. The file is opened when
 * the writer is made, so a path that cannot be written fails before the run;
 * lines are buffered and written in blocks of about 1 MB.
 */
import { closeSync, openSync, writeSync } from "node:fs";
import { simError } from "../../common/errors.js";
import type { DecisionRecord, DecisionSink } from "../../master/index.js";

const BLOCK_BYTES = 1 << 20;

export class TraceWriter implements DecisionSink {
	readonly path: string;
	#fd: number;
	#buffer: string[] = [];
	#buffered = 0;
	records = 0;

	constructor(path: string) {
		this.path = path;
		try {
			this.#fd = openSync(path, "w");
		} catch (err) {
			throw simError("SIM_ERR_OUTPUT", { path, reason: (err as Error).message }, { cause: err });
		}
	}

	write(record: DecisionRecord): void {
		const line = `${JSON.stringify(record)}\n`;
		this.#buffer.push(line);
		this.#buffered += line.length;
		this.records++;
		if (this.#buffered >= BLOCK_BYTES) this.flush();
	}

	flush(): void {
		if (this.#buffer.length === 0 || this.#fd < 0) return;
		const text = this.#buffer.join("");
		this.#buffer = [];
		this.#buffered = 0;
		try {
			writeSync(this.#fd, text);
		} catch (err) {
			throw simError("SIM_ERR_OUTPUT", { path: this.path, reason: (err as Error).message }, { cause: err });
		}
	}

	close(): void {
		if (this.#fd < 0) return;
		this.flush();
		closeSync(this.#fd);
		this.#fd = -1;
	}
}
