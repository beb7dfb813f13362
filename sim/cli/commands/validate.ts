/** `mesosim validate SCENARIO`: load and check a scenario file without running it. */
import type { Command } from "commander";
import { checkChameleonSpecs } from "../../chameleon.js";
import { loadScenarioFile } from "../../scenario/load.js";
import type { CliContext } from "../context.js";

function plural(n: number, word: string): string {
	return `${n} ${word}${n === 1 ? "" : "s"}`;
}

export function registerValidate(program: Command, ctx: CliContext): void {
	program
		.command("validate")
		.description("check a scenario file and print a one-line summary (exit 2 if it is invalid)")
		.argument("<scenario>", "scenario file (.yaml, .yml or .json)")
		.option("--print", "print the resolved scenario (defaults applied, durations in ms) as JSON")
		.action((file: string, opts: { print?: boolean }) => {
			const scenario = loadScenarioFile(file);
			checkChameleonSpecs(scenario, file);
			if (opts.print === true) {
				ctx.stdout.write(`${JSON.stringify(scenario, null, 2)}\n`);
				return;
			}
			const agents = scenario.agents.reduce((n, g) => n + g.count, 0);
			ctx.stdout.write(
				`ok: ${scenario.name}, ${plural(agents, "agent")}, ${plural(scenario.frameworks.length, "framework")}\n`,
			);
		});
}
