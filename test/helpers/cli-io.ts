/** A CliContext-shaped io for in-process `main()` calls, with what it printed. */
export function captureCliIo() {
	const out = { stdout: "", stderr: "" };
	const io = {
		stdout: { write: (s: string) => (out.stdout += s) },
		stderr: { write: (s: string) => (out.stderr += s) },
		env: {},
		stderrIsTTY: false,
	};
	return { out, io };
}
