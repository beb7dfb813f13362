/** A tiny DOM builder: el("div", { class: "x" }, child, "text"). */
export type Child = Node | string | number | null | undefined | false;

export function el<K extends keyof HTMLElementTagNameMap>(
	tag: K,
	attrs: Record<string, string | number | boolean | EventListener | undefined> = {},
	...children: Child[]
): HTMLElementTagNameMap[K] {
	const e = document.createElement(tag);
	for (const [k, v] of Object.entries(attrs)) {
		if (v === undefined || v === false) continue;
		if (typeof v === "function") e.addEventListener(k.replace(/^on/, ""), v);
		else if (k === "class") e.className = String(v);
		else e.setAttribute(k, v === true ? "" : String(v));
	}
	for (const c of children)
		if (c !== null && c !== undefined && c !== false) e.append(typeof c === "object" ? c : String(c));
	return e;
}

export function byId<T extends HTMLElement = HTMLElement>(id: string): T {
	const e = document.getElementById(id);
	if (e === null) throw new Error(`no element #${id}`);
	return e as T;
}

export const fmt = {
	pct: (x: number) => `${(x * 100).toFixed(1)}%`,
	num: (x: number) => (Math.abs(x) >= 100 || Number.isInteger(x) ? String(Math.round(x)) : x.toFixed(2)),
	mem: (mb: number) =>
		mb >= 1024 * 1024
			? `${(mb / 1024 / 1024).toFixed(1)} TB`
			: mb >= 1024
				? `${(mb / 1024).toFixed(1)} GB`
				: `${Math.round(mb)} MB`,
	time: (ms: number) => {
		const s = Math.floor(ms / 1000);
		const h = Math.floor(s / 3600);
		const m = Math.floor((s % 3600) / 60);
		return `${h}:${String(m).padStart(2, "0")}:${String(s % 60).padStart(2, "0")}.${String(Math.floor((ms % 1000) / 100))}`;
	},
};
