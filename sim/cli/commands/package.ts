/**
 * `mesosim package list` and `mesosim package describe NAME`: the chameleon's
 * catalog of impersonations, as tables or (--json) as data.
 */
import Table from "cli-table3";
import type { Command } from "commander";
import { describePackage, listPackages, listPatterns } from "../../../frameworks/chameleon/index.js";
import type { CliContext } from "../context.js";

function json(ctx: CliContext, value: unknown): void {
	ctx.stdout.write(`${JSON.stringify(value, null, 2)}\n`);
}

function fmt(x: number | null, unit = ""): string {
	return x === null ? "varies" : `${x}${unit}`;
}

export function registerPackage(program: Command, ctx: CliContext): void {
	const pkg = program
		.command("package")
		.description("the chameleon's catalog of workloads it can impersonate");
	pkg
		.command("list")
		.description("list the packages (and, with --patterns, the bare patterns)")
		.option("--json", "print as JSON")
		.option("--patterns", "list the workload patterns instead")
		.action((opts: { json?: boolean; patterns?: boolean }) => {
			if (opts.patterns === true) {
				const patterns = listPatterns();
				if (opts.json === true) return json(ctx, patterns);
				const t = new Table({
					style: { head: [], border: [] },
					head: ["pattern", "what it is", "what it stresses"],
					wordWrap: true,
					colWidths: [22, 50, 44],
				});
				for (const p of patterns) t.push([p.name, p.description, p.stresses]);
				ctx.stdout.write(`${t.toString()}\n`);
				return;
			}
			const packages = listPackages();
			if (opts.json === true) return json(ctx, packages);
			const t = new Table({
				style: { head: [], border: [] },
				head: ["package", "patterns", "tasks", "description"],
				wordWrap: true,
				colWidths: [19, 34, 7, 56],
			});
			for (const p of packages)
				t.push([p.name, p.patterns.join(", "), String(p.expectedTasks), p.description]);
			ctx.stdout.write(`${t.toString()}\nRun one: mesosim run --agents 100 --package NAME[:ALIAS]\n`);
		});
	pkg
		.command("describe")
		.description("show one package: its groups, task shapes and offer policy")
		.argument("<name>", "package name (see mesosim package list)")
		.option("--json", "print as JSON (includes the catalog spec your fields merge over)")
		.action((name: string, opts: { json?: boolean }) => {
			const d = describePackage(name);
			if (opts.json === true) return json(ctx, d);
			const lines = [
				`${d.name}: ${d.description}`,
				`patterns: ${d.patterns.join(", ")}`,
				`source: ${d.source}`,
			];
			const t = new Table({
				style: { head: [], border: [] },
				head: ["group", "pattern", "instances", "cpus", "mem MB", "disk MB", "ports", "constraints", "after"],
			});
			for (const g of d.groups) {
				t.push([
					g.name,
					g.pattern,
					g.instances === null ? "open" : String(g.instances),
					fmt(g.cpus),
					fmt(g.mem),
					fmt(g.disk),
					String(g.ports),
					g.constraints.map((c) => c.join(":")).join(", ") || "-",
					g.after ?? "-",
				]);
			}
			const policy = Object.entries(d.offerPolicy)
				.map(([k, v]) => `${k}=${v}`)
				.join(", ");
			lines.push(
				t.toString(),
				`offer policy: ${policy}`,
				`think time: ${d.thinkTime.perBatchMs} ms per batch + ${d.thinkTime.perTaskMs} ms per task`,
			);
			ctx.stdout.write(`${lines.join("\n")}\n`);
		});
}
