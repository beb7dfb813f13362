/**
 * Trace files for traceReplay: CSV with one task per line,
 * `arrival_s,duration_s,cpus,mem` (seconds since the start, seconds of run
 * time, CPUs, MB). A header line naming the columns is optional (with one,
 * the columns may come in any order and extra columns are ignored); blank
 * lines and lines starting with `#` are skipped. Pure: the caller reads the file.
 */

export interface TraceRow {
	arrivalMs: number;
	durationMs: number;
	cpus: number;
	mem: number;
}

export const TRACE_COLUMNS = ["arrival_s", "duration_s", "cpus", "mem"] as const;

export function parseTrace(text: string): { rows: TraceRow[] } | { error: string; line: number } {
	const rows: TraceRow[] = [];
	let index: number[] = [0, 1, 2, 3];
	let first = true;
	const lines = text.split(/\r?\n/);
	for (let n = 0; n < lines.length; n++) {
		const line = lines[n]!.trim();
		if (line === "" || line.startsWith("#")) continue;
		const cells = line.split(",").map((c) => c.trim());
		if (first) {
			first = false;
			if (cells.some((c) => c !== "" && !Number.isFinite(Number(c)))) {
				const names = cells.map((c) => c.toLowerCase());
				index = TRACE_COLUMNS.map((col) => names.indexOf(col));
				const missing = TRACE_COLUMNS.filter((_, k) => index[k]! < 0);
				if (missing.length > 0)
					return {
						error: `header lacks column(s) ${missing.join(", ")} (expected ${TRACE_COLUMNS.join(",")})`,
						line: n + 1,
					};
				continue;
			}
		}
		const v = index.map((k) => Number(cells[k]));
		if (
			index.some((k) => cells[k] === undefined || cells[k] === "") ||
			v.some((x) => !Number.isFinite(x) || x < 0)
		)
			return {
				error: `expected ${TRACE_COLUMNS.length} numbers >= 0 (${TRACE_COLUMNS.join(",")}), got ${JSON.stringify(line)}`,
				line: n + 1,
			};
		rows.push({
			arrivalMs: Math.round(v[0]! * 1000),
			durationMs: Math.round(v[1]! * 1000),
			cpus: v[2]!,
			mem: v[3]!,
		});
	}
	if (rows.length === 0) return { error: "no rows", line: lines.length };
	return { rows };
}
