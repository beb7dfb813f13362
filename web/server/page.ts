/**
 * The dashboard's HTML page: the app's script and style either linked (the
 * live server) or inlined (a self-contained report file). No font, script or
 * style from anywhere else: the page works offline.
 */
import type { WebBundle } from "./bundle.js";

export const ASSET_PREFIX = "/dashboard/";

/** `</script` inside inlined data or code would end the script element early. */
function scriptSafe(text: string): string {
	return text.replace(/<\/(script)/gi, "<\\/$1").replace(/<!--/g, "<\\!--");
}

export interface PageOptions {
	title: string;
	/** Inline the bundle (a report file) instead of linking it. */
	inline?: boolean;
	/** A static report: the data the page draws instead of connecting to a feed. */
	report?: unknown;
}

export function dashboardPage(bundle: WebBundle, opts: PageOptions): string {
	const esc = (s: string) => s.replace(/&/g, "&amp;").replace(/</g, "&lt;");
	const style = opts.inline
		? `<style>${bundle.css.replace(/<\/style/gi, "<\\/style")}</style>`
		: `<link rel="stylesheet" href="${ASSET_PREFIX}app.${bundle.hash}.css">`;
	const data =
		opts.report === undefined
			? ""
			: `<script id="report-data" type="application/json">${scriptSafe(JSON.stringify(opts.report))}</script>`;
	const script = opts.inline
		? `<script>${scriptSafe(bundle.js)}</script>`
		: `<script src="${ASSET_PREFIX}app.${bundle.hash}.js"></script>`;
	return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(opts.title)}</title>
<link rel="icon" href="data:,">
${style}
</head>
<body>
<div id="app"></div>
${data}
${script}
</body>
</html>
`;
}
