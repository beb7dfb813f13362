// biome-ignore-all lint/suspicious/noExplicitAny: the commands print loosely typed JSON answers of the master
/**
 * Client commands for a live master's control API (/sim/v1, docs/api.md):
 *
 *   mesosim cluster status|pause|resume|speed X|step|cycle
 *   mesosim agent list|add|crash|start|restart|partition|heal|flap … SELECTOR
 *   mesosim agent drain|deactivate|reactivate|gone SELECTOR  (Mesos operator calls)
 *   mesosim package install NAME [--name ALIAS] [--instances N] | scale NAME --instances N | uninstall NAME
 *
 * The master is --master URL, else MESOSIM_MASTER, else http://127.0.0.1:5050.
 * A SELECTOR is one or more of: `rack=r3` (an attribute), `group:web`, `#12`
 * (the 13th agent), an agent id (`…-S4`) or a hostname. Output fits 80 columns;
 * --json prints the master's answer as it is.
 */
import type { Command } from "commander";
import { simError } from "../../../common/errors.js";
import type { AgentSelector } from "../../scenario/index.js";
import type { CliContext } from "../context.js";

export const DEFAULT_MASTER = "http://127.0.0.1:5050";

interface ClientFlags {
	master?: string;
	json?: boolean;
}

function masterUrl(ctx: CliContext, flags: ClientFlags): string {
	return (flags.master ?? ctx.env.MESOSIM_MASTER ?? DEFAULT_MASTER).replace(/\/+$/, "");
}

/** Calls the master; a refusal or an unreachable master becomes a SimError (message, exit code). */
export async function controlCall(
	ctx: CliContext,
	flags: ClientFlags,
	what: string,
	path: string,
	body?: unknown,
): Promise<any> {
	const url = masterUrl(ctx, flags);
	let res: Response;
	try {
		res = await fetch(`${url}${path}`, {
			method: body === undefined ? "GET" : "POST",
			...(body === undefined
				? {}
				: { headers: { "content-type": "application/json" }, body: JSON.stringify(body) }),
		});
	} catch (err) {
		const cause = (err as { cause?: { code?: string } }).cause;
		throw simError("SIM_ERR_MASTER_UNREACHABLE", { url, reason: cause?.code ?? (err as Error).message });
	}
	const text = await res.text();
	if (!res.ok) throw simError("SIM_ERR_CONTROL_REFUSED", { what, status: res.status, reason: text });
	return text === "" ? {} : JSON.parse(text);
}

/** `rack=r3 group:web #3 host-1 …-S4` -> a selector. */
export function parseSelector(words: string[], opts: { count?: string } = {}): AgentSelector {
	const sel: AgentSelector = {};
	const indices: number[] = [];
	const ids: string[] = [];
	const hostnames: string[] = [];
	for (const w of words) {
		if (w.startsWith("group:")) sel.group = w.slice(6);
		else if (/^#\d+$/.test(w)) indices.push(Number(w.slice(1)));
		else if (w.includes("=")) sel.attribute = w;
		else if (/-S\d+$/.test(w)) ids.push(w);
		else hostnames.push(w);
	}
	if (indices.length > 0) sel.indices = indices;
	if (ids.length > 0) sel.ids = ids;
	if (hostnames.length > 0) sel.hostnames = hostnames;
	if (opts.count !== undefined) {
		const n = Number(opts.count);
		if (!Number.isInteger(n) || n < 1)
			throw simError("SIM_ERR_BAD_FLAG", {
				flag: "--count",
				value: opts.count,
				reason: "must be a whole number >= 1",
			});
		sel.count = n;
	}
	return sel;
}

function clock(ms: number): string {
	const s = Math.floor(ms / 1000);
	const hh = Math.floor(s / 3600);
	const mm = Math.floor((s % 3600) / 60);
	return `${hh}:${String(mm).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}`;
}

function printStatus(ctx: CliContext, st: any): void {
	const out = ctx.stdout;
	out.write(
		`sim time ${clock(st.simTimeMs)}  wall ${clock(st.wallTimeMs)}  speed ${st.speed}x${st.paused ? "  PAUSED" : ""}\n`,
	);
	const a = st.agents;
	out.write(
		`agents   ${a.registered}/${a.total} registered, ${a.total - a.up} down, ${a.partitioned} partitioned\n`,
	);
	out.write(`tasks    ${st.tasksRunning} running\n`);
	if (st.frameworks.length === 0) return;
	out.write(`\n${"framework".padEnd(24)}${"package".padEnd(14)}${"state".padEnd(14)}tasks\n`);
	for (const f of st.frameworks) {
		const state = f.connected ? "connected" : f.id === null ? "starting" : "disconnected";
		out.write(
			`${String(f.name).slice(0, 23).padEnd(24)}${String(f.package ?? "-")
				.slice(0, 13)
				.padEnd(14)}${state.padEnd(14)}${f.tasks}\n`,
		);
	}
}

function printResult(ctx: CliContext, flags: ClientFlags, r: any): void {
	if (flags.json === true) {
		ctx.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
		return;
	}
	if (r.scheduled === true) ctx.stdout.write(`${r.action}: scheduled at ${clock(r.atMs)}\n`);
	else if (r.agents !== undefined) {
		const shown = r.agents.slice(0, 8).join(", ");
		const more = r.agents.length > 8 ? ` and ${r.agents.length - 8} more` : "";
		ctx.stdout.write(`${r.action}: ${r.agents.length} agent(s): ${shown}${more}\n`);
	} else if (r.framework !== undefined) ctx.stdout.write(`${r.action}: ${r.framework}\n`);
	else ctx.stdout.write(`${r.action}: done\n`);
}

const withClient = (c: Command) =>
	c
		.option("--master <url>", `the live master (default MESOSIM_MASTER or ${DEFAULT_MASTER})`)
		.option("--json", "print the master's answer as JSON");

export function registerControl(program: Command, ctx: CliContext): void {
	const cluster = program.command("cluster").description("a live master's clock and state");
	withClient(cluster.command("status").description("simulated and wall time, agents, frameworks")).action(
		async (f: ClientFlags) => {
			const st = await controlCall(ctx, f, "status", "/sim/v1/status");
			if (f.json === true) printResult(ctx, f, st);
			else printStatus(ctx, st);
		},
	);
	const clockCmd = (name: string, description: string) =>
		withClient(cluster.command(name).description(description)).action(async (f: ClientFlags) => {
			const st = await controlCall(ctx, f, name, `/sim/v1/clock/${name}`, {});
			if (f.json === true) printResult(ctx, f, st);
			else printStatus(ctx, st);
		});
	clockCmd("pause", "stop simulated time");
	clockCmd("resume", "let simulated time flow again");
	clockCmd("step", "pause and move to just before the next allocation cycle");
	clockCmd("cycle", "pause and run up to and through the next allocation cycle");
	withClient(
		cluster.command("speed <x>").description("simulated seconds per wall second (0.1 to 10000)"),
	).action(async (x: string, f: ClientFlags) => {
		const st = await controlCall(ctx, f, "speed", "/sim/v1/clock/speed", { speed: Number(x) });
		if (f.json === true) printResult(ctx, f, st);
		else printStatus(ctx, st);
	});

	const agent = program.command("agent").description("faults and changes on a live master's agents");
	withClient(agent.command("list [selector...]").description("agents matching a selector (default: all)"))
		.option("--limit <n>", "at most this many rows", "50")
		.action(async (words: string[], f: ClientFlags & { limit: string }) => {
			const sel = parseSelector(words);
			const q = new URLSearchParams();
			if (sel.group !== undefined) q.set("group", sel.group);
			if (sel.attribute !== undefined) q.set("attribute", sel.attribute);
			if (sel.hostnames?.[0] !== undefined) q.set("hostname", sel.hostnames[0]);
			if (sel.ids?.[0] !== undefined) q.set("id", sel.ids[0]);
			q.set("limit", f.limit);
			const r = await controlCall(ctx, f, "agent list", `/sim/v1/agents?${q}`);
			if (f.json === true) return printResult(ctx, f, r);
			ctx.stdout.write(`${"hostname".padEnd(20)}${"group".padEnd(12)}${"state".padEnd(14)}tasks\n`);
			for (const a of r.agents) {
				const state = !a.up
					? "down"
					: a.partitioned
						? "partitioned"
						: a.registered
							? "registered"
							: "registering";
				ctx.stdout.write(
					`${String(a.hostname).slice(0, 19).padEnd(20)}${String(a.group).slice(0, 11).padEnd(12)}${state.padEnd(14)}${a.tasks}\n`,
				);
			}
			if (r.total > r.agents.length) ctx.stdout.write(`(${r.total - r.agents.length} more; --limit)\n`);
		});
	const agentAction = (name: string, route: string, description: string, withFor: boolean) => {
		const c = withClient(agent.command(`${name} [selector...]`).description(description)).option(
			"--count <n>",
			"this many of the matching agents, picked with the seeded faults stream",
		);
		if (withFor) c.option("--for <duration>", "how long (e.g. 30s, 5m)");
		if (name === "flap")
			c.option("--times <n>", "down/up cycles", "3").option("--up-for <duration>", "up time between downs");
		c.action(
			async (
				words: string[],
				f: ClientFlags & { count?: string; for?: string; times?: string; upFor?: string },
			) => {
				const agents = parseSelector(words, f.count === undefined ? {} : { count: f.count });
				const body: Record<string, unknown> = { agents };
				if (f.for !== undefined) body.for = f.for;
				if (name === "flap") {
					body.times = Number(f.times);
					if (f.upFor !== undefined) body.upFor = f.upFor;
				}
				printResult(ctx, f, await controlCall(ctx, f, `agent ${name}`, `/sim/v1/agents/${route}`, body));
			},
		);
	};
	agentAction("crash", "crash", "the hosts die with their tasks (they come back as new agents)", true);
	agentAction("start", "start", "power crashed hosts on again (they register as new agents)", false);
	agentAction("restart", "restart", "the agent processes restart and recover (same agent id)", true);
	agentAction("partition", "partition", "cut the agents off the network", true);
	agentAction("heal", "heal", "end the agents' partitions", false);
	agentAction("flap", "flap", "partition the agents again and again (--for down, --up-for up)", true);
	agentAction("drain", "drain", "drain the agents (Mesos DRAIN_AGENT): their tasks are killed", false);
	agentAction("deactivate", "deactivate", "no more offers from the agents (Mesos DEACTIVATE_AGENT)", false);
	agentAction("reactivate", "reactivate", "offers from the agents again (Mesos REACTIVATE_AGENT)", false);
	agentAction("gone", "gone", "the agents are gone for good (Mesos MARK_AGENT_GONE)", false);
	withClient(agent.command("add").description("add agents of a group's shape"))
		.requiredOption("--group <name>", "the agent group whose shape they take")
		.option("--count <n>", "how many", "1")
		.action(async (f: ClientFlags & { group: string; count: string }) => {
			const r = await controlCall(ctx, f, "agent add", "/sim/v1/agents/add", {
				group: f.group,
				count: Number(f.count),
			});
			printResult(ctx, f, r);
		});

	const pkg = program.commands.find((c) => c.name() === "package") ?? program.command("package");
	withClient(pkg.command("install <name>").description("install a catalog package on a live master"))
		.option("--name <alias>", "the framework's name (default: the package's)")
		.option("--instances <n>", "instance count of every group that has one")
		.action(async (name: string, f: ClientFlags & { name?: string; instances?: string }) => {
			const body: Record<string, unknown> = { package: name };
			if (f.name !== undefined) body.name = f.name;
			if (f.instances !== undefined) body.instances = Number(f.instances);
			printResult(ctx, f, await controlCall(ctx, f, "package install", "/sim/v1/packages/install", body));
		});
	withClient(pkg.command("scale <name>").description("change a running package's instance count"))
		.requiredOption("--instances <n>", "the new instance count of its main group (app, node, executor)")
		.action(async (name: string, f: ClientFlags & { instances: string }) => {
			const n = Number(f.instances);
			if (!/^\d+$/.test(f.instances.trim()))
				throw simError("SIM_ERR_BAD_FLAG", {
					flag: "--instances",
					value: f.instances,
					reason: "must be a whole number >= 0",
				});
			const r = await controlCall(ctx, f, "package scale", "/sim/v1/packages/scale", {
				framework: name,
				instances: n,
			});
			if (f.json === true || r.group === undefined) printResult(ctx, f, r);
			else ctx.stdout.write(`scalePackage: ${r.framework} ${r.group} ${r.from ?? "unlimited"} -> ${r.to}\n`);
		});
	withClient(pkg.command("uninstall <name>").description("stop and tear down an installed package")).action(
		async (name: string, f: ClientFlags) => {
			printResult(
				ctx,
				f,
				await controlCall(ctx, f, "package uninstall", "/sim/v1/packages/uninstall", { framework: name }),
			);
		},
	);
}
