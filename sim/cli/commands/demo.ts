/**
 * `mesosim demo [NAME]`: a live master over a demo cluster (sim/demos), its
 * URL on stdout, running until Ctrl-C (SIGINT or SIGTERM). `--list` shows the
 * demos. The cluster is driven with the client commands (`mesosim cluster`,
 * `agent`, `package install`) or curl on /sim/v1.
 */
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import { suggestion } from "../../../common/suggest.js";
import { DEMOS } from "../../demos/index.js";
import { validateScenario } from "../../scenario/index.js";
import type { CliContext } from "../context.js";
import { serveUntilStopped } from "../serving.js";
import { parseServeFlags } from "./serve.js";

interface DemoFlags {
	list?: boolean;
	host?: string;
	port?: string;
	speed?: string;
	decisions?: string;
}

export function registerDemo(program: Command, ctx: CliContext): void {
	program
		.command("demo [name]")
		.description("start a live demo cluster (default: datacenter); --list shows them")
		.option("--list", "list the demos")
		.option("--host <host>", "address to listen on", "127.0.0.1")
		.option("--port <port>", "port to listen on (0: any free port)", "5050")
		.option("--speed <x>", "simulated seconds per wall-clock second")
		.option("--decisions <n>", "record why offers go where from the start, keeping the last N cycles")
		.action(async (name: string | undefined, flags: DemoFlags) => {
			if (flags.list === true) {
				for (const d of DEMOS) ctx.stdout.write(`${d.name.padEnd(12)}${d.description}\n`);
				return;
			}
			const wanted = name ?? "datacenter";
			const demo = DEMOS.find((d) => d.name === wanted);
			if (demo === undefined)
				throw simError("SIM_ERR_USAGE", {
					reason: `unknown demo "${wanted}"${suggestion(
						wanted,
						DEMOS.map((d) => d.name),
					)} (mesosim demo --list shows them)`,
				});
			const opts = parseServeFlags({
				...(flags.host === undefined ? {} : { host: flags.host }),
				...(flags.port === undefined ? {} : { port: flags.port }),
				speed: flags.speed ?? String(demo.speed),
				...(flags.decisions === undefined ? {} : { decisions: flags.decisions }),
			});
			const scenario = validateScenario(demo.scenario(), { sourceName: `demo ${demo.name}` });
			const { liveDashboard } = await import("../../../web/server/index.js");
			await serveUntilStopped(
				ctx,
				{
					scenario,
					host: opts.host,
					port: opts.port,
					speed: opts.speed,
					...(opts.decisions === undefined ? {} : { decisions: { maxCycles: opts.decisions } }),
					extensions: [liveDashboard],
				},
				(server) => {
					const agents = scenario.agents.reduce((n, g) => n + g.count, 0);
					ctx.stdout.write(
						`mesosim demo ${demo.name}: ${agents} agents, ${scenario.frameworks.length} frameworks\n` +
							`master  ${server.url}\n` +
							`try     mesosim cluster status --master ${server.url}\n` +
							"stop    Ctrl-C\n",
					);
				},
			);
		});
}
