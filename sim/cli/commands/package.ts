/**
 * `mesosim package list` and `mesosim package describe NAME`: the chameleon's
 * catalog of impersonations, as tables or (--json) as data.
 */
import type { Command } from "commander";
import { describePackage, listPackages, listPatterns } from "../../../frameworks/chameleon/index.js";
import { formatTable, wrapText } from "../../report/table.js";
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
				ctx.stdout.write(
					formatTable(
						[
							{ head: "pattern" },
							{ head: "what it is", wrap: true },
							{ head: "what it stresses", wrap: true },
						],
						patterns.map((p) => [p.name, p.description, p.stresses]),
						ctx.columns,
					),
				);
				return;
			}
			const packages = listPackages();
			if (opts.json === true) return json(ctx, packages);
			const table = formatTable(
				[
					{ head: "package" },
					{ head: "patterns", wrap: true },
					{ head: "tasks", align: "right" },
					{ head: "description", wrap: true },
				],
				packages.map((p) => [p.name, p.patterns.join(", "), String(p.expectedTasks), p.description]),
				ctx.columns,
			);
			ctx.stdout.write(`${table}Run one: mesosim run --agents 100 --package NAME[:ALIAS]\n`);
		});
	pkg
		.command("describe")
		.description("show one package: its groups, task shapes and offer policy")
		.argument("<name>", "package name (see mesosim package list)")
		.option("--json", "print as JSON (includes the catalog spec your fields merge over)")
		.action((name: string, opts: { json?: boolean }) => {
			const d = describePackage(name);
			if (opts.json === true) return json(ctx, d);
			const width = ctx.columns;
			const para = (text: string) => wrapText(text, width).join("\n");
			const right = { align: "right" as const };
			const resources = formatTable(
				[
					{ head: "group" },
					{ head: "pattern" },
					{ head: "instances", ...right },
					{ head: "cpus", ...right },
					{ head: "mem MB", ...right },
					{ head: "disk MB", ...right },
					{ head: "ports", ...right },
				],
				d.groups.map((g) => [
					g.name,
					g.pattern,
					g.instances === null ? "open" : String(g.instances),
					fmt(g.cpus),
					fmt(g.mem),
					fmt(g.disk),
					String(g.ports),
				]),
				width,
			);
			const placement = formatTable(
				[{ head: "group" }, { head: "constraints", wrap: true }, { head: "after", wrap: true }],
				d.groups.map((g) => [
					g.name,
					g.constraints.map((c) => c.join(":")).join(", ") || "-",
					g.after ?? "-",
				]),
				width,
			);
			const policy = Object.entries(d.offerPolicy)
				.map(([k, v]) => `${k}=${v}`)
				.join(", ");
			const lines = [
				para(`${d.name}: ${d.description}`),
				para(`patterns: ${d.patterns.join(", ")}`),
				para(`source: ${d.source}`),
				resources.trimEnd(),
				"",
				placement.trimEnd(),
				"",
				para(`offer policy: ${policy}`),
				para(`think time: ${d.thinkTime.perBatchMs} ms per batch + ${d.thinkTime.perTaskMs} ms per task`),
			];
			ctx.stdout.write(`${lines.join("\n")}\n`);
		});
}
