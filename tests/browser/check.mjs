// tests/browser/check.mjs - make check-browser: render sdx report's page of the
// demo shipment in Debian's headless Chromium (/usr/bin/chromium, driven by
// playwright-core, which downloads no browser) and check the DOM as a reader's
// browser builds it: the verdict rows are sdx check's, one SVG box per record
// sdx trace shows and per lab report, the failing lot red (so the stylesheet,
// allowed by its hash in the page's Content-Security-Policy, applied), no
// console error, no request but the page itself; then a screenshot.
//
//   node check.mjs REPORT.html TRACE.json CHECK.json FAILING-REF SHOT.png [LANG]
//
// LANG (default en) is the page's language, `sdx report --lang`: zh-CN wants
// <html lang="zh-CN"> and the verdict words 合格 不合格 未知 不适用.
//
// Prints "ok - browser: ..." / "not ok - browser: ..." lines; exits 1 if any fails.
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';

const [html, traceFile, checkFile, failing, shot, lang = 'en'] = process.argv.slice(2);
const words = lang === 'zh-CN' ? { pass: '合格', fail: '不合格', unknown: '未知', not_applicable: '不适用' }
	: { pass: 'PASS', fail: 'FAIL', unknown: 'UNKNOWN', not_applicable: 'N/A' };
const suffix = lang === 'en' ? '' : ` [${lang}]`;
let failed = 0;
const ok = (what0, cond, why = '') => {
	const what = what0 + suffix;
	if (cond) console.log(`ok - browser: ${what}`);
	else { failed++; console.log(`not ok - browser: ${what}${why ? ': ' + why : ''}`); }
};

// what the page should show, from sdx's own JSON
const trace = JSON.parse(readFileSync(traceFile, 'utf8'));
const verdicts = JSON.parse(readFileSync(checkFile, 'utf8')).map(r => [r.profile, r.verdict]);
const records = [], reports = [];
(function walk(n) {
	if (records.includes(n.ref)) return;
	records.push(n.ref);
	for (const x of n.inputs || []) walk(x.record);
	for (const e of n.evidence || []) {
		const k = e.sha256 || e.report_number;
		if (!reports.includes(k)) reports.push(k);
	}
})(trace);

const url = pathToFileURL(resolve(html)).href;
const browser = await chromium.launch({
	executablePath: '/usr/bin/chromium',
	args: ['--no-sandbox', '--disable-background-networking', '--disable-gpu'],
});
try {
	const page = await browser.newPage({ viewport: { width: 1400, height: 1900 } });
	const errors = [], requests = [];
	page.on('console', m => { if (m.type() === 'error' || m.type() === 'warning') errors.push(m.text()); });
	page.on('pageerror', e => errors.push(String(e)));
	page.on('request', r => { if (r.url() !== url) requests.push(r.url()); });
	const resp = await page.goto(url, { waitUntil: 'load' });
	ok('the page loads', resp === null || resp.ok());

	const rows = await page.$$eval('table.verdicts tr.verdict',
		trs => trs.map(t => [t.dataset.profile, t.dataset.verdict]));
	ok(`${verdicts.length} verdict rows, the profiles and verdicts of sdx check`,
		JSON.stringify(rows) === JSON.stringify(verdicts), JSON.stringify(rows));
	const visible = await page.$$eval('table.verdicts tr.verdict td.tag', tds =>
		tds.map(t => t.innerText.trim()));
	ok('each verdict row shows its verdict, in the page\'s language', visible.length === verdicts.length &&
		visible.every((v, i) => v === words[verdicts[i][1]]), JSON.stringify(visible));
	const docLang = await page.evaluate(() => document.documentElement.lang);
	ok(`the document's language is ${lang}`, docLang === lang, docLang);
	const overall = await page.$eval('p.overall .tag', t => [t.innerText.trim(), t.getBoundingClientRect().width]);
	ok('the overall verdict word is drawn', Object.values(words).includes(overall[0]) && overall[1] > 10,
		JSON.stringify(overall));

	if (lang === 'zh-CN') {
		// a font has the glyphs: two characters drawn in the page's font differ
		// from each other and from a code point no font has (all "tofu" boxes alike)
		const drawn = await page.evaluate(() => {
			const st = getComputedStyle(document.body);
			const draw = ch => {
				const c = document.createElement('canvas');
				c.width = 48; c.height = 48;
				const x = c.getContext('2d');
				x.font = `32px ${st.fontFamily}`;
				x.fillText(ch, 4, 38);
				return c.toDataURL();
			};
			return draw('合') !== draw('格') && draw('合') !== draw('\u{10FFFD}');
		});
		ok('the Chinese text is drawn with real glyphs (a CJK font is installed)', drawn);
	}

	const boxes = await page.$$eval('section#graph svg g.node', gs => gs.map(g => ({
		ref: g.dataset.ref, report: g.classList.contains('report'),
		fail: g.classList.contains('fail'),
		fill: getComputedStyle(g.querySelector('rect')).fill,
		w: g.getBoundingClientRect().width,
	})));
	ok(`${records.length + reports.length} SVG boxes: ${records.length} records as sdx trace shows them, ${reports.length} lab reports`,
		JSON.stringify(boxes.filter(b => !b.report).map(b => b.ref)) === JSON.stringify(records) &&
		JSON.stringify(boxes.filter(b => b.report).map(b => b.ref)) === JSON.stringify(reports),
		`${boxes.length} boxes`);
	ok('every box is drawn (has a width)', boxes.length > 0 && boxes.every(b => b.w > 100));
	const red = boxes.find(b => b.ref === failing);
	ok('the failing declaration\'s box is red: the stylesheet applied under the CSP',
		red && red.fail && red.fill === 'rgb(253, 226, 226)', red && red.fill);
	ok('the other records\' boxes are not red',
		boxes.filter(b => !b.report && b.ref !== failing && !b.fail).every(b => b.fill === 'rgb(238, 244, 251)'));

	const sections = await page.$$eval('section', ss => ss.map(s => s.id));
	ok('the sections in order', JSON.stringify(sections) ===
		JSON.stringify(['verdicts', 'graph', 'claims', 'evidence', 'attribution', 'verified']),
		JSON.stringify(sections));
	const hashes = await page.$$eval('table.evidence td.hash', tds => tds.map(t => t.innerText));
	ok('the evidence list shows SHA-256 hashes', hashes.length > 0 &&
		hashes.every(h => /^[0-9a-f]{64}$/.test(h)), JSON.stringify(hashes));
	const scripts = await page.$$eval('script, link, img, iframe, object', es => es.length);
	ok('no script, link, img, iframe or object element', scripts === 0);

	await page.emulateMedia({ media: 'print' });
	const printWidth = await page.$eval('body', b => getComputedStyle(b).maxWidth);
	ok('the print stylesheet applies in print media', printWidth === 'none', printWidth);
	await page.emulateMedia({ media: 'screen' });

	await page.screenshot({ path: shot, fullPage: false });
	ok(`screenshot written to ${shot}`, readFileSync(shot).subarray(1, 4).toString() === 'PNG');
	ok('no console error or warning', errors.length === 0, JSON.stringify(errors));
	ok('no network request: nothing but the page itself is loaded', requests.length === 0,
		JSON.stringify(requests));
} finally {
	await browser.close();
}
process.exit(failed ? 1 : 0);
