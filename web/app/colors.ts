/**
 * Colour lookup tables of the map: 256 entries of packed RGBA (as a
 * little-endian Uint32, the byte order of ImageData), one per colour mode.
 * Built once; the map draws a cell with one table read.
 */
import { HEALTH, HEALTH_NAMES } from "../protocol.js";

export type ColourMode = "health" | "cpu" | "mem" | "framework" | "offers";
export const COLOUR_MODES: { mode: ColourMode; label: string }[] = [
	{ mode: "cpu", label: "CPU allocated" },
	{ mode: "mem", label: "memory allocated" },
	{ mode: "framework", label: "framework holding most" },
	{ mode: "offers", label: "outstanding offers" },
	{ mode: "health", label: "health" },
];

export type Rgb = readonly [number, number, number];
export const EMPTY: Rgb = [52, 58, 70];
export const BACKGROUND: Rgb = [22, 26, 33];

export function pack([r, g, b]: Rgb): number {
	return ((255 << 24) | (b << 16) | (g << 8) | r) >>> 0;
}
export const css = ([r, g, b]: Rgb) => `rgb(${r},${g},${b})`;

/** Health colours, by HEALTH value. */
export const HEALTH_COLOURS: Record<number, Rgb> = {
	[HEALTH.NONE]: EMPTY,
	[HEALTH.ACTIVE]: [46, 160, 90],
	[HEALTH.DRAINING]: [230, 160, 40],
	[HEALTH.DEACTIVATED]: [120, 120, 140],
	[HEALTH.DISCONNECTED]: [200, 90, 200],
	[HEALTH.UNREACHABLE]: [220, 50, 50],
	[HEALTH.GONE]: [105, 80, 70],
};

/** Twelve distinguishable framework colours (slot 1 + k uses entry k mod 12). */
export const FRAMEWORK_PALETTE: Rgb[] = [
	[76, 154, 255],
	[255, 140, 50],
	[80, 200, 120],
	[230, 80, 110],
	[170, 120, 240],
	[240, 210, 70],
	[60, 200, 210],
	[250, 130, 200],
	[150, 190, 60],
	[200, 150, 100],
	[120, 140, 255],
	[255, 100, 60],
];

export function frameworkColour(slot: number): Rgb {
	return slot === 0 ? EMPTY : FRAMEWORK_PALETTE[(slot - 1) % FRAMEWORK_PALETTE.length]!;
}

/** A perceptual ramp (viridis-like stops) from 1..255; 0 is "nothing". */
const RAMP: Rgb[] = [
	[68, 1, 84],
	[59, 82, 139],
	[33, 145, 140],
	[94, 201, 98],
	[253, 231, 37],
];
export function rampColour(x: number): Rgb {
	const f = Math.min(1, Math.max(0, x)) * (RAMP.length - 1);
	const i = Math.min(RAMP.length - 2, Math.floor(f));
	const t = f - i;
	const a = RAMP[i]!;
	const b = RAMP[i + 1]!;
	return [0, 1, 2].map((k) => Math.round(a[k]! + (b[k]! - a[k]!) * t)) as unknown as Rgb;
}

export function buildLut(mode: ColourMode): Uint32Array {
	const lut = new Uint32Array(256);
	for (let v = 0; v < 256; v++) {
		let c: Rgb;
		switch (mode) {
			case "health":
				c = HEALTH_COLOURS[v] ?? EMPTY;
				break;
			case "framework":
				c = frameworkColour(v);
				break;
			case "offers":
				c = v === 0 ? EMPTY : v === 1 ? [90, 170, 255] : v === 2 ? [255, 200, 60] : [255, 90, 60];
				break;
			default:
				c = v === 0 ? EMPTY : rampColour(v / 255);
		}
		lut[v] = pack(c);
	}
	return lut;
}

export interface LegendEntry {
	colour: string;
	label: string;
}

export function legendFor(mode: ColourMode, frameworks: { name: string; slot: number }[]): LegendEntry[] {
	switch (mode) {
		case "health":
			return HEALTH_NAMES.slice(1).map((name, k) => ({ colour: css(HEALTH_COLOURS[k + 1]!), label: name }));
		case "framework":
			return [
				{ colour: css(EMPTY), label: "no tasks" },
				...frameworks.map((f) => ({ colour: css(frameworkColour(f.slot)), label: f.name })),
			];
		case "offers":
			return [
				{ colour: css(EMPTY), label: "none" },
				{ colour: "rgb(90,170,255)", label: "1 offer" },
				{ colour: "rgb(255,200,60)", label: "2 offers" },
				{ colour: "rgb(255,90,60)", label: "3 or more" },
			];
		default:
			return [
				{ colour: css(EMPTY), label: "0%" },
				...[0.25, 0.5, 0.75, 1].map((x) => ({ colour: css(rampColour(x)), label: `${x * 100}%` })),
			];
	}
}
