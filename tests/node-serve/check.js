// tests/node-serve/check.js - the answers t0025-serve.sh captured (with
// SDX_SERVE_CAPTURE=DIR) against formats/openapi.json: each status must be
// described for its operation, its content type listed, and a JSON body must
// match the response's schema (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses).
// Usage: node check.js OPENAPI.json DIR; prints "ok - ..." / "not ok - ..."
// lines and "N passed, M failed".
'use strict';
const fs = require('fs');
const path = require('path');
const Ajv2020 = require('ajv/dist/2020');

const [openapiPath, dir] = process.argv.slice(2);
const doc = JSON.parse(fs.readFileSync(openapiPath, 'utf8'));
const ajv = new Ajv2020({ strict: false, validateFormats: false, allErrors: false });
const ID = 'https://sdx.invalid/openapi.json';
ajv.addSchema({ ...doc, $id: ID });

const esc = (s) => s.replace(/~/g, '~0').replace(/\//g, '~1');
let passed = 0, failed = 0;
const ok = (what) => { passed++; console.log(`ok - serve-api: ${what}`); };
const nok = (what, why) => { failed++; console.log(`not ok - serve-api: ${what}: ${why}`); };

const metas = fs.readdirSync(dir).filter((f) => f.endsWith('.meta'))
	.sort((a, b) => parseInt(a) - parseInt(b));
if (metas.length === 0)
	nok('captured answers', `none in ${dir}`);
const seen = new Set();
for (const m of metas) {
	const [method, tmpl, status, ctype] = fs.readFileSync(path.join(dir, m), 'utf8').trim().split(' ');
	const what = `${method} ${tmpl} ${status} (${m})`;
	if (tmpl === '-') { // not an operation of the API: the answer is a problem
		const v = ajv.getSchema(ID + '#/components/schemas/Problem');
		const body = fs.readFileSync(path.join(dir, m.replace('.meta', '.body')), 'utf8');
		if (ctype === 'application/problem+json' && v(JSON.parse(body))) ok(what);
		else nok(what, 'not a problem+json');
		continue;
	}
	const op = (doc.paths[tmpl] || {})[method.toLowerCase()];
	if (!op) { nok(what, 'no such operation in openapi.json'); continue; }
	seen.add(`${method.toLowerCase()} ${tmpl}`);
	let resp = op.responses[status];
	if (!resp) { nok(what, `status ${status} is not described`); continue; }
	if (resp.$ref) resp = doc.components.responses[resp.$ref.split('/').pop()];
	const content = resp.content || {};
	const body = fs.readFileSync(path.join(dir, m.replace('.meta', '.body')));
	if (!content[ctype]) { nok(what, `content type '${ctype}' is not described`); continue; }
	if (!ctype.endsWith('json')) { ok(what); continue; }
	let value;
	try { value = JSON.parse(body.toString('utf8')); } catch (e) { nok(what, `not JSON: ${e.message}`); continue; }
	const ptr = op.responses[status].$ref
		? `#/components/responses/${op.responses[status].$ref.split('/').pop()}/content/${esc(ctype)}/schema`
		: `#/paths/${esc(tmpl)}/${method.toLowerCase()}/responses/${status}/content/${esc(ctype)}/schema`;
	const validate = ajv.getSchema(ID + ptr);
	if (!validate) { nok(what, `no schema at ${ptr}`); continue; }
	if (validate(value)) ok(what);
	else nok(what, ajv.errorsText(validate.errors));
}
// every operation the description has was driven at least once
for (const [p, ops] of Object.entries(doc.paths))
	for (const method of Object.keys(ops)) {
		if (seen.has(`${method} ${p}`)) ok(`${method.toUpperCase()} ${p} was driven`);
		else nok(`${method.toUpperCase()} ${p} was driven`, 'no captured answer');
	}
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
