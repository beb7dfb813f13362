import { describe, expect, it } from "vitest";
import { type AgentShape, compileTemplate, specFor, TemplateError } from "../../agents/index.js";

function templateError(text: string): TemplateError {
	try {
		compileTemplate(text);
	} catch (e) {
		if (e instanceof TemplateError) return e;
		throw e;
	}
	throw new Error(`no error for ${text}`);
}

describe("compileTemplate", () => {
	it("renders literals, i, group and arithmetic", () => {
		expect(compileTemplate("r{i % 40}")(85, "g")).toBe("r5");
		expect(compileTemplate("{group}-{i}")(7, "web")).toBe("web-7");
		expect(compileTemplate("{ group }")(0, "x")).toBe("x");
		expect(compileTemplate("plain")(3, "g")).toBe("plain");
		expect(compileTemplate("")(3, "g")).toBe("");
		expect(compileTemplate("z{i / 100 + 1}")(250, "g")).toBe("z3");
		expect(compileTemplate("{(i + 1) * 2 - -3}")(4, "g")).toBe("13");
		expect(compileTemplate("{1 + 2 * 3}")(0, "g")).toBe("7");
		expect(compileTemplate("{-i / 2}{-7 % 3}")(3, "g")).toBe("-22"); // flooring: -2, 2
		expect(compileTemplate("{{literal}} {i}")(1, "g")).toBe("{literal} 1");
	});

	it("names the problem and the position", () => {
		const e = templateError("r{i %}");
		expect(e.position).toBe(6);
		expect(e.message).toContain("position 6");
		expect(e.message).toContain("r{i %}");

		const u = templateError("rack-{j}");
		expect(u.position).toBe(7);
		expect(u.message).toMatch(/unknown name 'j'.*position 7/);

		expect(templateError("a{i").message).toMatch(/never closed at position 2/);
		expect(templateError("a}b").position).toBe(2);
		expect(templateError("x{}").message).toMatch(/empty expression/);
		expect(templateError("{group + 1}").message).toMatch(/'group' can only stand alone/);
		expect(templateError("{(i + 1}").message).toMatch(/missing '\)'/);
		expect(templateError("{i i}").position).toBe(4);
		expect(templateError("{i $ 2}").message).toMatch(/unexpected '\$'/);
	});

	it("reports division by zero at render time with its position", () => {
		const t = compileTemplate("{10 / (i - 2)}");
		expect(t(3, "g")).toBe("10");
		expect(() => t(2, "g")).toThrow(TemplateError);
		expect(() => t(2, "g")).toThrow(/division by zero.*position 5/);
	});
});

describe("specFor", () => {
	const shape: AgentShape = {
		group: "web",
		count: 100,
		cpus: 8,
		mem: 16384,
		disk: 100000,
		gpus: 1,
		ports: [{ begin: 31000, end: 31999 }],
		hostname: "{group}{i}.dc1",
		attributes: { rack: "r{i % 40}", zone: "z1", weight: 3, slot: "{i}" },
	};

	it("builds the agent spec with scalar and text attributes", () => {
		expect(specFor(shape, 85)).toEqual({
			hostname: "web85.dc1",
			cpus: 8,
			mem: 16384,
			disk: 100000,
			gpus: 1,
			ports: [{ begin: 31000, end: 31999 }],
			attributes: [
				{ name: "rack", type: "TEXT", text: { value: "r5" } },
				{ name: "zone", type: "TEXT", text: { value: "z1" } },
				{ name: "weight", type: "SCALAR", scalar: { value: 3 } },
				{ name: "slot", type: "TEXT", text: { value: "85" } },
			],
		});
	});

	it("uses defaults for hostname, gpus and ports", () => {
		const s = specFor({ group: "small", count: 2, cpus: 1, mem: 512, disk: 0 }, 1);
		expect(s.hostname).toBe("small-1");
		expect(s.gpus).toBe(0);
		expect(s.ports).toEqual([{ begin: 31000, end: 32000 }]);
		expect(s.attributes).toEqual([]);
	});

	it("rejects bad shapes and templates", () => {
		expect(() => specFor({ group: "g", count: 1, cpus: -1, mem: 1, disk: 1 }, 0)).toThrow(/cpus/);
		expect(() => specFor({ group: "g", count: 1.5, cpus: 1, mem: 1, disk: 1 }, 0)).toThrow(/count/);
		expect(() => specFor({ group: "g", count: 1, cpus: 1, mem: 1, disk: 1, hostname: "h{k}" }, 0)).toThrow(
			TemplateError,
		);
	});
});
