/**
 * What a command gets to talk to the outside world: output streams, the
 * environment and a logger. main() builds it from the process; tests can pass
 * their own streams.
 */
import pino, { type Logger } from "pino";
import { terminalWidth } from "../report/table.js";

export interface TextSink {
	write(text: string): unknown;
}

export interface CliIo {
	stdout: TextSink;
	stderr: TextSink;
	env: Readonly<Record<string, string | undefined>>;
	/** Whether stderr is a terminal (the progress bar is drawn only then). */
	stderrIsTTY: boolean;
	/** The stream cli-progress draws on (stderr). */
	progressStream: NodeJS.WritableStream;
	/** The width tables fit: stdout's columns when it is a terminal, else 80. */
	columns: number;
}

export interface CliContext extends CliIo {
	/** pino, to stderr only. Level from MESOSIM_LOG_LEVEL (default "warn"; "debug" with MESOSIM_DEBUG=1). */
	logger: Logger;
}

export function processIo(): CliIo {
	return {
		stdout: process.stdout,
		stderr: process.stderr,
		env: process.env,
		stderrIsTTY: process.stderr.isTTY === true,
		progressStream: process.stderr,
		columns: terminalWidth(process.stdout),
	};
}

export function createContext(io: Partial<CliIo> = {}): CliContext {
	const full: CliIo = { ...processIo(), ...io };
	const level = full.env.MESOSIM_LOG_LEVEL ?? (full.env.MESOSIM_DEBUG === "1" ? "debug" : "warn");
	const stderr = full.stderr;
	const logger = pino(
		{ name: "mesosim", level, base: null },
		{
			write(line: string) {
				stderr.write(line);
			},
		},
	);
	return { ...full, logger };
}
