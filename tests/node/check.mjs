// tests/node/check.mjs - independent checks of sdx's EPCIS and UNTP exports
// (tests/cli/t0024-interop.sh), with nothing of sdx but its output:
//
//   node check.mjs schema SCHEMA.json DOC.json
//       DOC validates against the official JSON Schema (ajv, draft-07 or 2020-12
//       as the schema says, formats asserted by ajv-formats)
//   node check.mjs untp SCHEMA.json VKEY FILE
//       every line of FILE is a compact JWS that jose verifies with the public
//       key of VKEY alone (EdDSA, Ed25519), whose header names that key's
//       did:key, whose payload is a credential issued by that did:key and valid
//       against SCHEMA; and each fails to verify once one byte is changed
//
// Prints one "ok ..." line per check and exits 1 on the first failure.
import { readFileSync } from "node:fs";
import Ajv from "ajv";
import Ajv2020 from "ajv/dist/2020.js";
import addFormats from "ajv-formats";
import { compactVerify, importJWK } from "jose";

function fail(msg) {
	console.log(`FAIL ${msg}`);
	process.exit(1);
}

function validator(schemaPath) {
	const schema = JSON.parse(readFileSync(schemaPath, "utf8"));
	const draft2020 = String(schema.$schema || "").includes("2020-12");
	// strict schema checks are logged, and every complaint fails the check but
	// one: the UNTP 0.7.0 schemas write "minContains": 1 inside "contains",
	// where it means nothing (contains already asks for one); so no keyword
	// of a schema is skipped unnoticed.  The other strict checks lint style.
	const known = /"minContains" without "contains" is ignored/;
	const complain = (...m) => {
		if (!known.test(m.join(" "))) fail(`${schemaPath}: ${m.join(" ")}`);
	};
	const opts = { allErrors: true, strictSchema: "log", strictTypes: false, strictTuples: false,
		strictRequired: false, logger: { log() {}, warn: complain, error: complain } };
	const ajv = draft2020 ? new Ajv2020(opts) : new Ajv(opts);
	addFormats(ajv);
	// annotations the UNTP schemas carry: not assertions
	for (const k of ["example", "x-external-enumeration"]) ajv.addKeyword(k);
	return ajv.compile(schema);
}

function validate(validate, doc, what) {
	if (!validate(doc))
		fail(`${what}: ${JSON.stringify(validate.errors.slice(0, 5), null, 1)}`);
}

// base58btc, written here from the alphabet: the check must not reuse sdx's
function base58btc(bytes) {
	const alphabet = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
	let n = 0n;
	for (const b of bytes) n = n * 256n + BigInt(b);
	let s = "";
	while (n > 0n) {
		s = alphabet[Number(n % 58n)] + s;
		n /= 58n;
	}
	for (const b of bytes) {
		if (b !== 0) break;
		s = "1" + s;
	}
	return s;
}

// a signed-note verifier key: NAME+KEYID+base64(0x01 || 32-byte Ed25519 key)
function publicKey(vkey) {
	const [name, id, ...rest] = vkey.trim().split("+"); // the base64 may hold '+' too
	const raw = Buffer.from(rest.join("+"), "base64");
	if (!name || !id) fail(`not a verifier key: ${vkey}`);
	if (raw.length !== 33 || raw[0] !== 1) fail(`not an Ed25519 verifier key: ${vkey}`);
	return raw.subarray(1);
}

const [mode, schemaPath, a, b] = process.argv.slice(2);
if (mode === "schema") {
	const doc = JSON.parse(readFileSync(a, "utf8"));
	validate(validator(schemaPath), doc, a);
	console.log(`ok ${a} is valid against ${schemaPath}`);
} else if (mode === "untp") {
	const pk = publicKey(readFileSync(a, "utf8"));
	const did = "did:key:z" + base58btc(Buffer.concat([Buffer.from([0xed, 0x01]), pk]));
	const key = await importJWK({ kty: "OKP", crv: "Ed25519", x: pk.toString("base64url") }, "EdDSA");
	const check = validator(schemaPath);
	const lines = readFileSync(b, "utf8").split("\n").filter((l) => l.length);
	if (!lines.length) fail(`${b}: no credential`);
	for (const [i, jws] of lines.entries()) {
		const what = `${b} line ${i + 1}`;
		let res;
		try {
			res = await compactVerify(jws, key);
		} catch (e) {
			fail(`${what}: does not verify: ${e.message}`);
		}
		const h = res.protectedHeader;
		if (h.alg !== "EdDSA" || h.typ !== "vc+jwt" || h.kid !== `${did}#${did.slice(8)}`)
			fail(`${what}: header ${JSON.stringify(h)}, expected EdDSA vc+jwt by ${did}`);
		const vc = JSON.parse(new TextDecoder().decode(res.payload));
		if (vc.issuer?.id !== did) fail(`${what}: issuer ${vc.issuer?.id}, expected ${did}`);
		validate(check, vc, what);
		// one byte changed anywhere - header, payload or signature - must fail
		for (const at of [5, jws.indexOf(".") + 10, jws.length - 10]) {
			const c = jws[at] === "A" ? "B" : "A";
			const forged = jws.slice(0, at) + c + jws.slice(at + 1);
			let verified = true;
			try {
				await compactVerify(forged, key);
			} catch {
				verified = false;
			}
			if (verified) fail(`${what}: still verifies with byte ${at} changed`);
		}
	}
	console.log(`ok ${b}: ${lines.length} credentials verify with the key alone, are valid against ${schemaPath}, and fail once changed`);
} else {
	fail(`usage: check.mjs schema SCHEMA DOC | untp SCHEMA VKEY FILE`);
}
