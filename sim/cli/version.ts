import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** mesosim's version from the nearest package.json named "mesosim" above this file (source or dist). */
export function readVersion(): string {
	let dir = dirname(fileURLToPath(import.meta.url));
	for (let k = 0; k < 6; k++) {
		const file = join(dir, "package.json");
		if (existsSync(file)) {
			const pkg = JSON.parse(readFileSync(file, "utf8")) as { name?: string; version?: string };
			if (pkg.name === "mesosim" && typeof pkg.version === "string") return pkg.version;
		}
		const up = dirname(dir);
		if (up === dir) break;
		dir = up;
	}
	return "0.0.0-unknown";
}
