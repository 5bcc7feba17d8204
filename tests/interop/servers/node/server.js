#!/usr/bin/env node
// A WFM stand-in for the agent's interop tests, on Node's https/http, crypto and zlib (no npm
// packages). It serves profile A of the Margo API for one Helm deployment, checks every request's
// RFC 9421 signature and writes a JSON line per request and per TLS handshake. See ../README.md.
'use strict';

const crypto = require('crypto');
const fs = require('fs');
const http = require('http');
const https = require('https');
const zlib = require('zlib');

const MANIFEST_TYPE = 'application/vnd.margo.manifest.v1+json';
const BUNDLE_TYPE = 'application/vnd.margo.bundle.v1+tar+gzip';
const IMMUTABLE = 'public, max-age=31536000, immutable';
const CREATED_WINDOW_SECONDS = 300;

function fail(message) {
  process.stderr.write(`interop-wfm-node: ${message}\n`);
  process.exit(2);
}

function parseOptions(argv) {
  const o = { listen: '127.0.0.1:0', length304: 'none', body: '', gzip: false, connectionClose: false,
              plain: false, idleCloseMs: 0, slowBodyMs: 0 };
  const valued = { '--listen': 'listen', '--deployment': 'deployment', '--cert': 'cert', '--key': 'key',
                   '--tls-min': 'tlsMin', '--tls-max': 'tlsMax', '--log': 'log', '--304-length': 'length304',
                   '--body': 'body', '--idle-close-ms': 'idleCloseMs', '--slow-body-ms': 'slowBodyMs' };
  const flags = { '--plain': 'plain', '--gzip': 'gzip', '--connection-close': 'connectionClose' };
  for (let i = 0; i < argv.length; i++) {
    const name = argv[i];
    if (flags[name]) o[flags[name]] = true;
    else if (valued[name] && i + 1 < argv.length) o[valued[name]] = argv[++i];
    else fail(`unknown or incomplete option ${name}`);
  }
  o.idleCloseMs = Number(o.idleCloseMs);
  o.slowBodyMs = Number(o.slowBodyMs);
  if (!o.deployment || (!o.plain && (!o.cert || !o.key))) fail('--deployment is required, and --cert and --key unless --plain');
  if (!['none', 'zero'].includes(o.length304)) fail('--304-length must be none or zero');
  if (!['', 'chunked', 'length'].includes(o.body)) fail('--body must be chunked or length');
  return o;
}

const sha256 = (data) => crypto.createHash('sha256').update(data).digest();
const margoDigest = (data) => 'sha256:' + sha256(data).toString('hex');

// --- the bundle: Node has no tar, so the ustar header is written here (POSIX.1-1988 ustar layout).
function tarHeader(name, size) {
  const header = Buffer.alloc(512, 0);
  const put = (text, offset, length) => header.write(text, offset, length, 'ascii');
  const octal = (value, length) => value.toString(8).padStart(length - 1, '0') + '\0';
  put(name, 0, 100);
  put(octal(0o644, 8), 100, 8);          // mode
  put(octal(0, 8), 108, 8);              // uid
  put(octal(0, 8), 116, 8);              // gid
  put(octal(size, 12), 124, 12);         // size
  put(octal(0, 12), 136, 12);            // mtime
  put('        ', 148, 8);               // checksum field counts as spaces while summing
  put('0', 156, 1);                      // typeflag: regular file
  put('ustar\0', 257, 6);                // magic
  put('00', 263, 2);                     // version
  let sum = 0;
  for (const byte of header) sum += byte;
  put(sum.toString(8).padStart(6, '0') + '\0 ', 148, 8);
  return header;
}

function makeBundle(name, data) {
  const padding = Buffer.alloc((512 - (data.length % 512)) % 512, 0);
  const end = Buffer.alloc(1024, 0); // two zero blocks end the archive
  return zlib.gzipSync(Buffer.concat([tarHeader(name, data.length), data, padding, end]));
}

function loadContent(path) {
  const yaml = fs.readFileSync(path);
  // The deploymentId is the YAML's id (top-level or under metadata.annotations).
  const match = /^\s*id:\s*"?([A-Za-z0-9._~-]+)"?\s*$/m.exec(yaml.toString('utf8'));
  if (!match) fail(`${path} has no id: line`);
  const deploymentId = match[1];
  const bundle = makeBundle(`${deploymentId}.yaml`, yaml);
  return { deploymentId, yaml, yamlDigest: margoDigest(yaml), bundle, bundleDigest: margoDigest(bundle) };
}

function manifestFor(content, clientId) {
  const base = `/api/v1/clients/${clientId}`;
  const body = Buffer.from(JSON.stringify({
    manifestVersion: 1,
    bundle: { mediaType: BUNDLE_TYPE, digest: content.bundleDigest, sizeBytes: content.bundle.length,
              url: `${base}/bundles/${content.bundleDigest}` },
    deployments: [{ deploymentId: content.deploymentId, digest: content.yamlDigest, sizeBytes: content.yaml.length,
                    url: `${base}/deployments/${content.deploymentId}/${content.yamlDigest}` }],
  }));
  return { body, etag: `"${margoDigest(body)}"` };
}

// --- RFC 9530 Content-Digest and RFC 9421 signatures, from the RFCs.

// Node joins repeated header lines with ", " already (RFC 9421 section 2.1 wants exactly that).
function fieldValue(req, name) {
  const value = req.headers[name.toLowerCase()];
  if (value === undefined) return undefined;
  return (Array.isArray(value) ? value : [value]).map((v) => v.trim()).join(', ');
}

function checkContentDigest(req, body) {
  const header = fieldValue(req, 'content-digest');
  if (header === undefined) return 'no Content-Digest header';
  for (const member of header.split(',')) {
    const [name, value] = member.trim().split(/=(.*)/s);
    if (name !== 'sha-256') continue;
    if (!value || value.length < 2 || !value.startsWith(':') || !value.endsWith(':')) return 'Content-Digest sha-256 is not a byte sequence';
    const claimed = Buffer.from(value.slice(1, -1), 'base64');
    return claimed.equals(sha256(body)) ? 'ok' : 'Content-Digest does not match the body';
  }
  return 'Content-Digest has no sha-256 member';
}

// A reader for the RFC 8941 pieces that Signature-Input and Signature use.
class SfParser {
  constructor(text) { this.text = text; this.at = 0; }
  peek() { return this.text[this.at]; }
  spaces() { while (this.peek() === ' ') this.at++; }
  key() {
    const m = /^[a-z*][a-z0-9_.*-]*/.exec(this.text.slice(this.at));
    if (!m) throw new Error(`expected a key at ${this.at}`);
    this.at += m[0].length;
    return m[0];
  }
  string() {
    let out = '';
    this.at++; // opening quote
    while (this.at < this.text.length) {
      const c = this.text[this.at++];
      if (c === '\\') {
        const next = this.text[this.at++];
        if (next !== '"' && next !== '\\') throw new Error('bad escape in a string');
        out += next;
      } else if (c === '"') {
        return out;
      } else {
        out += c;
      }
    }
    throw new Error('unterminated string');
  }
  bareItem() {
    const rest = this.text.slice(this.at);
    const c = this.peek();
    if (c === '"') return this.string();
    if (c === ':') {
      const end = rest.indexOf(':', 1);
      if (end < 0) throw new Error('unterminated byte sequence');
      this.at += end + 1;
      return Buffer.from(rest.slice(1, end), 'base64');
    }
    if (c === '?') {
      if (rest[1] !== '0' && rest[1] !== '1') throw new Error('bad boolean');
      this.at += 2;
      return rest[1] === '1';
    }
    let m = /^-?[0-9]+/.exec(rest);
    if (m) { this.at += m[0].length; return BigInt(m[0]); }
    m = /^[A-Za-z*][^ ;,()="]*/.exec(rest);
    if (m) { this.at += m[0].length; return { token: m[0] }; }
    throw new Error(`unexpected ${JSON.stringify(c)} at ${this.at}`);
  }
  params() {
    const out = [];
    while (this.peek() === ';') {
      this.at++;
      this.spaces();
      const name = this.key();
      let value = true;
      if (this.peek() === '=') { this.at++; value = this.bareItem(); }
      out.push([name, value]);
    }
    return out;
  }
}

const quote = (s) => '"' + s.replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"';

// Parameters back in canonical form (RFC 8941 section 4.1.1.2).
function serializeParams(params) {
  return params.map(([name, value]) => {
    if (value === true) return `;${name}`;
    if (value === false) return `;${name}=?0`;
    if (typeof value === 'bigint') return `;${name}=${value}`;
    if (typeof value === 'string') return `;${name}=${quote(value)}`;
    if (Buffer.isBuffer(value)) return `;${name}=:${value.toString('base64')}:`;
    return `;${name}=${value.token}`;
  }).join('');
}

function parseSignatureInput(text) {
  const p = new SfParser(text.trim());
  const label = p.key();
  if (p.peek() !== '=') throw new Error('Signature-Input does not start with label=');
  p.at++;
  if (p.peek() !== '(') throw new Error(`Signature-Input ${label} is not an inner list`);
  p.at++;
  const components = [];
  for (;;) {
    p.spaces();
    if (p.peek() === ')') { p.at++; break; }
    if (p.peek() !== '"') throw new Error('Signature-Input: a covered component is not a string');
    const name = p.string();
    if (p.peek() === ';') throw new Error(`Signature-Input: component parameters are not supported (${name})`);
    components.push(name);
  }
  return { label, components, params: p.params() };
}

function signatureFor(text, label) {
  for (const member of text.split(',')) {
    const [name, value] = member.trim().split(/=(.*)/s);
    if (name !== label) continue;
    if (!value || !value.startsWith(':')) throw new Error(`Signature ${label} is not a byte sequence`);
    return new SfParser(value).bareItem();
  }
  throw new Error(`Signature has no member ${label}`);
}

// RFC 9421 section 2.5.
function signatureBase(req, input) {
  const lines = input.components.map((name) => {
    let value;
    if (name === '@method') value = req.method;
    else if (name === '@target-uri') value = `${req.socket.encrypted ? 'https' : 'http'}://${req.headers.host}${req.url}`;
    else if (name.startsWith('@')) throw new Error(`derived component ${name} is not supported`);
    else if ((value = fieldValue(req, name)) === undefined) throw new Error(`covered header ${name} is missing`);
    return `${quote(name)}: ${value}\n`;
  });
  const params = `(${input.components.map(quote).join(' ')})${serializeParams(input.params)}`;
  return Buffer.from(lines.join('') + `"@signature-params": ${params}`);
}

// The algorithm comes from the key: ECDSA by curve (raw r||s), RSA tries both.
function verifyWithKey(key, base, signature) {
  if (key.asymmetricKeyType === 'ec') {
    const curve = key.asymmetricKeyDetails.namedCurve;
    const [hash, size] = curve === 'prime256v1' ? ['sha256', 64] : curve === 'secp384r1' ? ['sha384', 96] : [null, 0];
    if (!hash) return `EC curve ${curve} is not P-256 or P-384`;
    if (signature.length !== size) return `ECDSA signature is ${signature.length} bytes, not raw r||s of ${size}`;
    return crypto.verify(hash, base, { key, dsaEncoding: 'ieee-p1363' }, signature) ? 'ok' : 'ecdsa signature does not verify';
  }
  if (key.asymmetricKeyType === 'rsa') {
    if (crypto.verify('sha256', base, { key, padding: crypto.constants.RSA_PKCS1_PADDING }, signature)) return 'ok';
    const pss = { key, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: 64 }; // MGF1 uses SHA-512 too
    if (crypto.verify('sha512', base, pss, signature)) return 'ok';
    return 'signature verifies neither as rsa-v1_5-sha256 nor as rsa-pss-sha512';
  }
  return "the client's key is neither EC nor RSA";
}

// "ok" or why the digest or the signature fails; expectedKeyId is the clientId on client paths.
function verifyRequest(req, body, key, expectedKeyId) {
  const digest = checkContentDigest(req, body);
  if (digest !== 'ok') return digest;
  if (!key) return 'no onboarded certificate to verify with';
  const inputHeader = fieldValue(req, 'signature-input');
  if (inputHeader === undefined) return 'no Signature-Input header';
  const signatureHeader = fieldValue(req, 'signature');
  if (signatureHeader === undefined) return 'no Signature header';
  try {
    const input = parseSignatureInput(inputHeader);
    for (const required of ['@method', '@target-uri', 'content-digest']) {
      if (!input.components.includes(required)) return `component ${required} is not covered`;
    }
    const params = new Map(input.params);
    const created = params.get('created');
    if (typeof created !== 'bigint') return 'no integer created parameter';
    const age = Date.now() / 1000 - Number(created);
    if (Math.abs(age) > CREATED_WINDOW_SECONDS) return `created ${created} is ${Math.round(age)} s from now`;
    const keyId = params.get('keyid');
    if (typeof keyId !== 'string' || keyId === '') return 'no keyid string parameter';
    if (expectedKeyId && keyId !== expectedKeyId) return `keyid "${keyId}" is not the clientId "${expectedKeyId}"`;
    const signature = signatureFor(signatureHeader, input.label);
    return verifyWithKey(key, signatureBase(req, input), signature);
  } catch (error) {
    return error.message;
  }
}

// --- the WFM

function uuidFrom(der) {
  const bytes = sha256(der).subarray(0, 16);
  bytes[6] = (bytes[6] & 0x0f) | 0x40;
  bytes[8] = (bytes[8] & 0x3f) | 0x80;
  const h = bytes.toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

function acceptsManifest(accept) {
  return accept.split(',').some((part) => [MANIFEST_TYPE, 'application/*', '*/*'].includes(part.split(';')[0].trim().toLowerCase()));
}

// The weak comparison RFC 9110 section 13.1.2 asks of If-None-Match.
function etagMatches(ifNoneMatch, etag) {
  return ifNoneMatch.split(',').some((c) => { c = c.trim().replace(/^W\//, ''); return c === '*' || c === etag; });
}

function main() {
  const o = parseOptions(process.argv.slice(2));
  const content = loadContent(o.deployment);
  const logFd = o.log ? fs.openSync(o.log, 'a') : null;
  const writeLog = (fields) => { if (logFd !== null) fs.writeSync(logFd, JSON.stringify(fields) + '\n'); };
  const clients = new Map(); // clientId -> { key, manifest }
  let requests = 0;
  let signatureFailures = 0;
  let nextConn = 0;

  const handler = (req, res) => {
    const arrived = Date.now();
    clearTimeout(req.socket.interopIdleTimer); // busy again: not idle
    const chunks = [];
    req.on('data', (chunk) => chunks.push(chunk));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const ex = { status: 0, signature: '', state: undefined };
      let logged = false;
      const log = () => {
        if (logged) return;
        logged = true;
        requests++;
        if (ex.signature !== 'ok') signatureFailures++;
        const line = { t: arrived, method: req.method, path: req.url, status: ex.status, signature: ex.signature,
                       conn: req.socket.interopConn ?? null, tls: req.socket.encrypted ? req.socket.getProtocol() : null };
        if (ex.state !== undefined) line.state = ex.state;
        writeLog(line);
      };
      res.on('finish', () => {
        log();
        // --idle-close-ms: the connection is idle from now on (see where the server is made).
        if (o.idleCloseMs > 0) req.socket.interopIdleTimer = setTimeout(() => req.socket.end(), o.idleCloseMs);
      });
      res.on('close', log); // a client that hung up mid-body still gets its line
      if (o.connectionClose) res.setHeader('Connection', 'close'); // Node closes the socket after this response
      route(req, res, body, ex);
    });
  };

  // Headers are set one by one and the body given to end(): so Node itself chooses the framing
  // (Content-Length when end() gets the whole body), as a plain Node server would.
  const answer = (res, ex, status, headers, body) => {
    ex.status = status;
    res.statusCode = status;
    for (const [name, value] of Object.entries(headers)) res.setHeader(name, value);
    res.end(body);
  };

  const sendJson = (res, ex, status, value) => answer(res, ex, status, { 'Content-Type': 'application/json' }, JSON.stringify(value));
  const refuse = (res, ex, status, message) => {
    if (!ex.signature) ex.signature = 'not checked (request refused first)';
    sendJson(res, ex, status, { error: message });
  };
  const empty = (res, ex, status) => answer(res, ex, status, {}, '');
  const allow = (req, res, ex, ...methods) => {
    if (methods.includes(req.method)) return true;
    res.setHeader('Allow', methods.join(', '));
    refuse(res, ex, 405, 'Method not allowed');
    return false;
  };

  // 304 when If-None-Match holds the ETag, else 200 with the bytes, framed as the knobs say.
  const representation = (req, res, ex, contentType, etag, cacheControl, body, slow) => {
    const headers = { ETag: etag };
    if (cacheControl) headers['Cache-Control'] = cacheControl;
    const ifNoneMatch = req.headers['if-none-match'];
    if (ifNoneMatch && etagMatches(ifNoneMatch, etag)) {
      if (o.length304 === 'zero') headers['Content-Length'] = '0';
      answer(res, ex, 304, headers); // Node sends no Content-Length on a 304 unless told to
      return;
    }
    headers['Content-Type'] = contentType;
    let payload = body;
    if (o.gzip) {
      payload = zlib.gzipSync(body);
      headers['Content-Encoding'] = 'gzip';
      headers.Vary = 'Accept-Encoding';
    }
    if (slow) {
      headers['Content-Length'] = String(payload.length);
      ex.status = 200;
      res.writeHead(200, headers);
      res.flushHeaders();
      res.on('error', () => {}); // the client may well have given up by then
      setTimeout(() => { if (!res.destroyed) res.end(payload); }, o.slowBodyMs);
    } else if (o.body === 'chunked') {
      // No Content-Length and several writes: Node sends each write as one chunk.
      ex.status = 200;
      res.writeHead(200, headers);
      const third = Math.ceil(payload.length / 3);
      const parts = [payload.subarray(0, third), payload.subarray(third, 2 * third), payload.subarray(2 * third)];
      const writeNext = () => {
        const part = parts.shift();
        if (part === undefined) { res.end(); return; }
        res.write(part);
        setImmediate(writeNext); // let each chunk go out on its own
      };
      writeNext();
    } else {
      if (o.body === 'length') headers['Content-Length'] = String(payload.length);
      answer(res, ex, 200, headers, payload);
    }
  };

  const onboard = (req, res, body, ex) => {
    let certificate = null;
    try {
      const der = Buffer.from(JSON.parse(body.toString('utf8')).certificate, 'base64');
      certificate = new crypto.X509Certificate(der);
    } catch (error) {
      certificate = null;
    }
    ex.signature = verifyRequest(req, body, certificate && certificate.publicKey, '');
    if (!certificate) return refuse(res, ex, 400, 'Invalid certificate');
    const clientId = uuidFrom(certificate.raw);
    clients.set(clientId, { key: certificate.publicKey, manifest: manifestFor(content, clientId) });
    sendJson(res, ex, 201, { clientId });
  };

  const route = (req, res, body, ex) => {
    const path = req.url.split('?')[0];
    const segments = path.startsWith('/api/v1/') ? path.slice('/api/v1/'.length).split('/') : [];
    if (segments.length === 1 && segments[0] === 'onboarding') {
      if (allow(req, res, ex, 'POST')) onboard(req, res, body, ex);
      return;
    }
    if (segments.length < 3 || segments[0] !== 'clients') return refuse(res, ex, 404, 'Not found');
    const clientId = segments[1];
    const client = clients.get(clientId);
    ex.signature = verifyRequest(req, body, client && client.key, clientId);
    if (!client) return refuse(res, ex, 404, 'Unknown client');
    const rest = segments.slice(2);
    if (rest.length === 1 && rest[0] === 'capabilities') {
      if (allow(req, res, ex, 'POST', 'PUT')) empty(res, ex, 201);
    } else if (rest.length === 1 && rest[0] === 'deployments') {
      if (!allow(req, res, ex, 'GET')) return;
      const accept = req.headers.accept;
      if (accept && !acceptsManifest(accept)) return refuse(res, ex, 406, `only ${MANIFEST_TYPE} is available`);
      representation(req, res, ex, MANIFEST_TYPE, client.manifest.etag, '', client.manifest.body, false);
    } else if (rest.length === 2 && rest[0] === 'bundles') {
      if (!allow(req, res, ex, 'GET')) return;
      if (rest[1] !== content.bundleDigest) return refuse(res, ex, 404, 'Bundle not found');
      representation(req, res, ex, BUNDLE_TYPE, `"${rest[1]}"`, IMMUTABLE, content.bundle, o.slowBodyMs > 0);
    } else if (rest.length === 3 && rest[0] === 'deployments' && rest[2] === 'status') {
      if (!allow(req, res, ex, 'POST')) return;
      let state;
      try { state = JSON.parse(body.toString('utf8')).status.state; } catch (error) { state = undefined; }
      if (typeof state !== 'string' || !state) return refuse(res, ex, 422, 'not a DeploymentStatusManifest');
      ex.state = state;
      empty(res, ex, 200);
    } else if (rest.length === 3 && rest[0] === 'deployments') {
      if (!allow(req, res, ex, 'GET')) return;
      if (rest[1] !== content.deploymentId || rest[2] !== content.yamlDigest) return refuse(res, ex, 404, 'Deployment not found');
      representation(req, res, ex, 'application/yaml', `"${rest[2]}"`, IMMUTABLE, content.yaml, false);
    } else {
      refuse(res, ex, 404, 'Not found');
    }
  };

  let server;
  if (o.plain) {
    server = http.createServer(handler);
    server.on('connection', (socket) => { socket.interopConn = ++nextConn; });
  } else {
    const tlsName = { '1.2': 'TLSv1.2', '1.3': 'TLSv1.3' };
    const options = { cert: fs.readFileSync(o.cert), key: fs.readFileSync(o.key), ALPNProtocols: ['http/1.1'] };
    for (const [flag, name] of [['tlsMin', 'minVersion'], ['tlsMax', 'maxVersion']]) {
      if (!o[flag]) continue;
      if (!tlsName[o[flag]]) fail(`TLS version must be 1.2 or 1.3, got ${o[flag]}`);
      options[name] = tlsName[o[flag]];
    }
    server = https.createServer(options, handler); // a cert file with a chain sends the whole chain
    server.on('secureConnection', (socket) => {
      socket.interopConn = ++nextConn;
      writeLog({ event: 'handshake', t: Date.now(), conn: socket.interopConn, tls: socket.getProtocol() });
    });
  }
  // Node adds a second to its own keepAliveTimeout (HTTP_SERVER_KEEP_ALIVE_TIMEOUT_BUFFER), so with
  // --idle-close-ms the stand-in times idle connections itself (the timer set when a response is done).
  if (o.idleCloseMs > 0) server.keepAliveTimeout = 0;

  process.on('SIGTERM', () => {
    server.close();
    if (server.closeAllConnections) server.closeAllConnections();
    process.stderr.write(`interop-wfm-node: ${requests} requests, ${signatureFailures} with a bad signature\n`);
    process.exit(0);
  });

  const colon = o.listen.lastIndexOf(':');
  server.listen(Number(o.listen.slice(colon + 1)), o.listen.slice(0, colon), () => {
    process.stdout.write(`LISTENING ${server.address().port}\n`);
  });
}

main();
