#!/usr/bin/python3
"""A WFM stand-in for the agent's interop tests, on Python's http.server and ssl.

ThreadingHTTPServer speaking HTTP/1.1, tarfile and gzip for the bundle, and Debian's python3-cryptography
for the signature checks (the standard library has no ECDSA or RSA verification). Run it with
/usr/bin/python3, which has that package. It serves profile A of the Margo API for one Helm deployment,
checks every request's RFC 9421 signature and writes a JSON line per request and per TLS handshake.
See ../README.md for the command line.
"""

import argparse
import base64
import gzip
import hashlib
import http.server
import io
import json
import re
import signal
import socket
import ssl
import sys
import tarfile
import threading
import time
import uuid

from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric import ec, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature

MANIFEST_TYPE = "application/vnd.margo.manifest.v1+json"
BUNDLE_TYPE = "application/vnd.margo.bundle.v1+tar+gzip"
IMMUTABLE = "public, max-age=31536000, immutable"
CREATED_WINDOW_SECONDS = 300


def margo_digest(data):
    return "sha256:" + hashlib.sha256(data).hexdigest()


# --- content: the YAML, its bundle and the manifest


class Content:
    def __init__(self, path):
        with open(path, "rb") as file:
            self.yaml = file.read()
        # The deploymentId is the YAML's id (top-level or under metadata.annotations).
        match = re.search(rb'^\s*id:\s*"?([A-Za-z0-9._~-]+)"?\s*$', self.yaml, re.MULTILINE)
        if not match:
            sys.exit(f"interop-wfm-python: {path} has no id: line")
        self.deployment_id = match.group(1).decode()
        self.yaml_digest = margo_digest(self.yaml)
        self.bundle = self.make_bundle(self.deployment_id + ".yaml", self.yaml)
        self.bundle_digest = margo_digest(self.bundle)

    @staticmethod
    def make_bundle(name, data):
        archive = io.BytesIO()
        with tarfile.open(fileobj=archive, mode="w", format=tarfile.USTAR_FORMAT) as tar:
            info = tarfile.TarInfo(name)
            info.size = len(data)
            info.mode = 0o644
            info.mtime = 0
            tar.addfile(info, io.BytesIO(data))
        return gzip.compress(archive.getvalue(), mtime=0)

    def manifest_for(self, client_id):
        base = f"/api/v1/clients/{client_id}"
        body = json.dumps({
            "manifestVersion": 1,
            "bundle": {"mediaType": BUNDLE_TYPE, "digest": self.bundle_digest, "sizeBytes": len(self.bundle),
                       "url": f"{base}/bundles/{self.bundle_digest}"},
            "deployments": [{"deploymentId": self.deployment_id, "digest": self.yaml_digest,
                             "sizeBytes": len(self.yaml),
                             "url": f"{base}/deployments/{self.deployment_id}/{self.yaml_digest}"}],
        }).encode()
        return body, f'"{margo_digest(body)}"'


# --- RFC 9530 Content-Digest and RFC 9421 signatures, from the RFCs


def field_value(headers, name):
    """Every line of a header field, trimmed and joined with ", " (RFC 9421 section 2.1)."""
    values = headers.get_all(name)
    if not values:
        return None
    return ", ".join(value.strip() for value in values)


def check_content_digest(headers, body):
    header = field_value(headers, "Content-Digest")
    if header is None:
        return "no Content-Digest header"
    for member in header.split(","):
        name, _, value = member.strip().partition("=")
        if name != "sha-256":
            continue
        if len(value) < 2 or value[0] != ":" or value[-1] != ":":
            return "Content-Digest sha-256 is not a byte sequence"
        try:
            claimed = base64.b64decode(value[1:-1], validate=True)
        except ValueError:
            return "Content-Digest sha-256 is not base64"
        return "ok" if claimed == hashlib.sha256(body).digest() else "Content-Digest does not match the body"
    return "Content-Digest has no sha-256 member"


class Token(str):
    """An RFC 8941 token, kept apart from a string so that it serializes without quotes."""


class SfParser:
    """Reads the RFC 8941 pieces that Signature-Input and Signature use."""

    def __init__(self, text):
        self.text, self.at = text, 0

    def peek(self):
        return self.text[self.at] if self.at < len(self.text) else ""

    def spaces(self):
        while self.peek() == " ":
            self.at += 1

    def key(self):
        match = re.compile(r"[a-z*][a-z0-9_.*-]*").match(self.text, self.at)
        if not match:
            raise ValueError(f"expected a key at {self.at}")
        self.at = match.end()
        return match.group()

    def string(self):
        out = []
        self.at += 1  # opening quote
        while self.at < len(self.text):
            c = self.text[self.at]
            self.at += 1
            if c == "\\":
                following = self.peek()
                if following not in ('"', "\\"):
                    raise ValueError("bad escape in a string")
                out.append(following)
                self.at += 1
            elif c == '"':
                return "".join(out)
            else:
                out.append(c)
        raise ValueError("unterminated string")

    def bare_item(self):
        c = self.peek()
        if c == '"':
            return self.string()
        if c == ":":
            end = self.text.find(":", self.at + 1)
            if end < 0:
                raise ValueError("unterminated byte sequence")
            value = base64.b64decode(self.text[self.at + 1:end])
            self.at = end + 1
            return value
        if c == "?":
            flag = self.text[self.at + 1:self.at + 2]
            if flag not in ("0", "1"):
                raise ValueError("bad boolean")
            self.at += 2
            return flag == "1"
        match = re.compile(r"-?[0-9]+").match(self.text, self.at)
        if match:
            self.at = match.end()
            return int(match.group())
        match = re.compile(r'[A-Za-z*][^ ;,()="]*').match(self.text, self.at)
        if match:
            self.at = match.end()
            return Token(match.group())
        raise ValueError(f"unexpected {c!r} at {self.at}")

    def params(self):
        out = []
        while self.peek() == ";":
            self.at += 1
            self.spaces()
            name = self.key()
            value = True
            if self.peek() == "=":
                self.at += 1
                value = self.bare_item()
            out.append((name, value))
        return out


def quote(text):
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def serialize_params(params):
    """Parameters back in canonical form (RFC 8941 section 4.1.1.2)."""
    out = []
    for name, value in params:
        if value is True:
            out.append(f";{name}")
        elif value is False:
            out.append(f";{name}=?0")
        elif isinstance(value, Token):
            out.append(f";{name}={value}")
        elif isinstance(value, int):
            out.append(f";{name}={value}")
        elif isinstance(value, str):
            out.append(f";{name}={quote(value)}")
        else:
            out.append(f";{name}=:{base64.b64encode(value).decode()}:")
    return "".join(out)


def parse_signature_input(text):
    p = SfParser(text.strip())
    label = p.key()
    if p.peek() != "=":
        raise ValueError("Signature-Input does not start with label=")
    p.at += 1
    if p.peek() != "(":
        raise ValueError(f"Signature-Input {label} is not an inner list")
    p.at += 1
    components = []
    while True:
        p.spaces()
        if p.peek() == ")":
            p.at += 1
            break
        if p.peek() != '"':
            raise ValueError("Signature-Input: a covered component is not a string")
        name = p.string()
        if p.peek() == ";":
            raise ValueError(f"Signature-Input: component parameters are not supported ({name})")
        components.append(name)
    return label, components, p.params()


def signature_for(text, label):
    for member in text.split(","):
        name, _, value = member.strip().partition("=")
        if name != label:
            continue
        if not value.startswith(":"):
            raise ValueError(f"Signature {label} is not a byte sequence")
        return SfParser(value).bare_item()
    raise ValueError(f"Signature has no member {label}")


def signature_base(request, components, params):
    """RFC 9421 section 2.5."""
    lines = []
    for name in components:
        if name == "@method":
            value = request.command
        elif name == "@target-uri":
            scheme = "https" if isinstance(request.connection, ssl.SSLSocket) else "http"
            value = f"{scheme}://{request.headers.get('Host', '')}{request.path}"
        elif name.startswith("@"):
            raise ValueError(f"derived component {name} is not supported")
        else:
            value = field_value(request.headers, name)
            if value is None:
                raise ValueError(f"covered header {name} is missing")
        lines.append(f"{quote(name)}: {value}\n")
    covered = " ".join(quote(name) for name in components)
    return ("".join(lines) + f'"@signature-params": ({covered}){serialize_params(params)}').encode()


def verify_with_key(key, base, signature):
    """The algorithm comes from the key: ECDSA by curve (raw r||s), RSA tries both."""
    try:
        if isinstance(key, ec.EllipticCurvePublicKey):
            sizes = {"secp256r1": (32, hashes.SHA256()), "secp384r1": (48, hashes.SHA384())}
            if key.curve.name not in sizes:
                return f"EC curve {key.curve.name} is not P-256 or P-384"
            size, digest = sizes[key.curve.name]
            if len(signature) != 2 * size:
                return f"ECDSA signature is {len(signature)} bytes, not raw r||s of {2 * size}"
            r = int.from_bytes(signature[:size], "big")
            s = int.from_bytes(signature[size:], "big")
            key.verify(encode_dss_signature(r, s), base, ec.ECDSA(digest))
            return "ok"
        if isinstance(key, rsa.RSAPublicKey):
            try:
                key.verify(signature, base, padding.PKCS1v15(), hashes.SHA256())
                return "ok"
            except InvalidSignature:
                pass
            pss = padding.PSS(mgf=padding.MGF1(hashes.SHA512()), salt_length=64)
            key.verify(signature, base, pss, hashes.SHA512())
            return "ok"
    except InvalidSignature:
        return ("ecdsa signature does not verify" if isinstance(key, ec.EllipticCurvePublicKey)
                else "signature verifies neither as rsa-v1_5-sha256 nor as rsa-pss-sha512")
    return "the client's key is neither EC nor RSA"


def verify_request(request, body, key, expected_key_id):
    """"ok" or why the digest or the signature fails; expected_key_id is the clientId on client paths."""
    digest = check_content_digest(request.headers, body)
    if digest != "ok":
        return digest
    if key is None:
        return "no onboarded certificate to verify with"
    input_header = field_value(request.headers, "Signature-Input")
    if input_header is None:
        return "no Signature-Input header"
    signature_header = field_value(request.headers, "Signature")
    if signature_header is None:
        return "no Signature header"
    try:
        label, components, params = parse_signature_input(input_header)
        for required in ("@method", "@target-uri", "content-digest"):
            if required not in components:
                return f"component {required} is not covered"
        values = dict(params)
        created = values.get("created")
        if not isinstance(created, int) or isinstance(created, bool):
            return "no integer created parameter"
        age = time.time() - created
        if abs(age) > CREATED_WINDOW_SECONDS:
            return f"created {created} is {age:.0f} s from now"
        key_id = values.get("keyid")
        if not isinstance(key_id, str) or isinstance(key_id, Token) or not key_id:
            return "no keyid string parameter"
        if expected_key_id and key_id != expected_key_id:
            return f'keyid "{key_id}" is not the clientId "{expected_key_id}"'
        signature = signature_for(signature_header, label)
        return verify_with_key(key, signature_base(request, components, params), signature)
    except ValueError as error:
        return str(error)


# --- the server


def uuid_from(der):
    """The certificate's SHA-256 shaped like a version 4 UUID: the same device gets the same id."""
    raw = bytearray(hashlib.sha256(der).digest()[:16])
    raw[6] = (raw[6] & 0x0F) | 0x40
    raw[8] = (raw[8] & 0x3F) | 0x80
    return str(uuid.UUID(bytes=bytes(raw)))


def accepts_manifest(accept):
    return any(part.split(";")[0].strip().lower() in (MANIFEST_TYPE, "application/*", "*/*")
               for part in accept.split(","))


def etag_matches(if_none_match, etag):
    """The weak comparison RFC 9110 section 13.1.2 asks of If-None-Match."""
    for candidate in if_none_match.split(","):
        candidate = candidate.strip().removeprefix("W/")
        if candidate in ("*", etag):
            return True
    return False


class RequestLog:
    def __init__(self, path):
        self.file = open(path, "a", encoding="utf-8") if path else None
        self.lock = threading.Lock()

    def write(self, fields):
        if not self.file:
            return
        with self.lock:
            self.file.write(json.dumps(fields) + "\n")
            self.file.flush()


class Wfm:
    """State shared by the handler threads."""

    def __init__(self, options, content, log):
        self.options, self.content, self.log = options, content, log
        self.lock = threading.Lock()
        self.clients = {}  # clientId -> (public key, manifest body, manifest ETag)
        self.requests = 0
        self.signature_failures = 0


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"  # keep-alive, as the agent expects
    # TCP_NODELAY, as Go and Node set by default. With Nagle on, the first response on a new TLS 1.3
    # connection waits for the client's delayed ACK of the session tickets (about 40 ms): a stand-in
    # artefact that would count as client latency.
    disable_nagle_algorithm = True
    wfm = None  # set in main()

    def setup(self):
        # --idle-close-ms: a read that waits longer ends the connection (http.server's own timeout handling).
        if self.wfm.options.idle_close_ms:
            self.timeout = self.wfm.options.idle_close_ms / 1000
        self.conn_id = self.client_address[2]
        if isinstance(self.request, ssl.SSLSocket):
            # The handshake runs here, on the connection's own thread, not in the accept loop.
            self.request.do_handshake()
            self.wfm.log.write({"event": "handshake", "t": int(time.time() * 1000), "conn": self.conn_id,
                                "tls": self.request.version()})
        super().setup()

    def log_message(self, format, *args):  # the JSON log says it all; keep stderr quiet
        pass

    def read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            body = b""
            while True:
                size = int(self.rfile.readline().split(b";")[0], 16)
                if size == 0:
                    while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                        pass  # trailer fields
                    return body
                body += self.rfile.read(size)
                self.rfile.readline()
        return self.rfile.read(int(self.headers.get("Content-Length", "0")))

    def do_GET(self):
        self.serve()

    def do_POST(self):
        self.serve()

    def do_PUT(self):
        self.serve()

    def do_DELETE(self):
        self.serve()

    def serve(self):
        arrived = int(time.time() * 1000)
        self.status, self.verdict, self.state = 0, "", None
        body = self.read_body()
        try:
            self.route(body)
        except (BrokenPipeError, ConnectionResetError):
            self.close_connection = True  # the client gave up (the slow-body case does that on purpose)
        with self.wfm.lock:
            self.wfm.requests += 1
            if self.verdict != "ok":
                self.wfm.signature_failures += 1
        line = {"t": arrived, "method": self.command, "path": self.path, "status": self.status,
                "signature": self.verdict, "conn": self.conn_id,
                "tls": self.request.version() if isinstance(self.request, ssl.SSLSocket) else None}
        if self.state is not None:
            line["state"] = self.state
        self.wfm.log.write(line)

    def start(self, status, headers):
        self.status = status
        self.send_response(status)
        for name, value in headers.items():
            self.send_header(name, value)
        if self.wfm.options.connection_close:
            self.send_header("Connection", "close")  # also makes http.server close after this response
        self.end_headers()  # writes the head to the socket at once

    def send_json(self, status, value):
        body = json.dumps(value).encode()
        self.start(status, {"Content-Type": "application/json", "Content-Length": str(len(body))})
        self.wfile.write(body)

    def refuse(self, status, message):
        if not self.verdict:
            self.verdict = "not checked (request refused first)"
        self.send_json(status, {"error": message})

    def empty(self, status):
        self.start(status, {"Content-Length": "0"})

    def allow(self, *methods):
        if self.command in methods:
            return True
        self.verdict = self.verdict or "not checked (request refused first)"
        body = json.dumps({"error": "Method not allowed"}).encode()
        self.start(405, {"Allow": ", ".join(methods), "Content-Type": "application/json",
                         "Content-Length": str(len(body))})
        self.wfile.write(body)
        return False

    def representation(self, content_type, etag, cache_control, body, slow):
        """304 when If-None-Match holds the ETag, else 200 with the bytes, framed as the knobs say."""
        options = self.wfm.options
        headers = {"ETag": etag}
        if cache_control:
            headers["Cache-Control"] = cache_control
        if_none_match = self.headers.get("If-None-Match")
        if if_none_match and etag_matches(if_none_match, etag):
            if options.length_304 == "zero":
                headers["Content-Length"] = "0"
            self.start(304, headers)  # http.server adds no Content-Length of its own
            return
        headers["Content-Type"] = content_type
        payload = body
        if options.gzip:
            payload = gzip.compress(body)
            headers["Content-Encoding"] = "gzip"
            headers["Vary"] = "Accept-Encoding"
        if options.body == "chunked" and not slow:
            headers["Transfer-Encoding"] = "chunked"
            self.start(200, headers)
            third = (len(payload) + 2) // 3
            for start in range(0, len(payload), third):
                part = payload[start:start + third]
                self.wfile.write(b"%x\r\n%s\r\n" % (len(part), part))
                self.wfile.flush()
            self.wfile.write(b"0\r\n\r\n")
            return
        # http.server has no framing of its own: Content-Length is its natural way (and --body length).
        headers["Content-Length"] = str(len(payload))
        self.start(200, headers)
        if slow:
            time.sleep(options.slow_body_ms / 1000)
        self.wfile.write(payload)

    def onboard(self, body):
        der, certificate = b"", None
        try:
            der = base64.b64decode(json.loads(body)["certificate"], validate=True)
            certificate = x509.load_der_x509_certificate(der)
        except (ValueError, KeyError, TypeError):
            certificate = None
        self.verdict = verify_request(self, body, certificate.public_key() if certificate else None, "")
        if certificate is None:
            return self.refuse(400, "Invalid certificate")
        client_id = uuid_from(der)
        manifest, etag = self.wfm.content.manifest_for(client_id)
        with self.wfm.lock:
            self.wfm.clients[client_id] = (certificate.public_key(), manifest, etag)
        self.send_json(201, {"clientId": client_id})

    def route(self, body):
        content = self.wfm.content
        path = self.path.split("?")[0]
        segments = path[len("/api/v1/"):].split("/") if path.startswith("/api/v1/") else []
        if segments == ["onboarding"]:
            if self.allow("POST"):
                self.onboard(body)
            return
        if len(segments) < 3 or segments[0] != "clients":
            return self.refuse(404, "Not found")
        client_id = segments[1]
        with self.wfm.lock:
            client = self.wfm.clients.get(client_id)
        self.verdict = verify_request(self, body, client[0] if client else None, client_id)
        if client is None:
            return self.refuse(404, "Unknown client")
        _, manifest, manifest_etag = client
        rest = segments[2:]
        if rest == ["capabilities"]:
            if self.allow("POST", "PUT"):
                self.empty(201)
        elif rest == ["deployments"]:
            if not self.allow("GET"):
                return
            accept = self.headers.get("Accept")
            if accept and not accepts_manifest(accept):
                return self.refuse(406, f"only {MANIFEST_TYPE} is available")
            self.representation(MANIFEST_TYPE, manifest_etag, "", manifest, False)
        elif len(rest) == 2 and rest[0] == "bundles":
            if not self.allow("GET"):
                return
            if rest[1] != content.bundle_digest:
                return self.refuse(404, "Bundle not found")
            self.representation(BUNDLE_TYPE, f'"{rest[1]}"', IMMUTABLE, content.bundle,
                                self.wfm.options.slow_body_ms > 0)
        elif len(rest) == 3 and rest[0] == "deployments" and rest[2] == "status":
            if not self.allow("POST"):
                return
            try:
                state = json.loads(body)["status"]["state"]
            except (ValueError, KeyError, TypeError):
                state = None
            if not isinstance(state, str) or not state:
                return self.refuse(422, "not a DeploymentStatusManifest")
            self.state = state
            self.empty(200)
        elif len(rest) == 3 and rest[0] == "deployments":
            if not self.allow("GET"):
                return
            if rest[1] != content.deployment_id or rest[2] != content.yaml_digest:
                return self.refuse(404, "Deployment not found")
            self.representation("application/yaml", f'"{rest[2]}"', IMMUTABLE, content.yaml, False)
        else:
            self.refuse(404, "Not found")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    ssl_context = None
    next_conn = 0

    def get_request(self):
        sock, address = self.socket.accept()
        self.next_conn += 1  # only the accept loop's thread counts
        if self.ssl_context:
            # The handshake is left to the connection's thread (Handler.setup).
            sock = self.ssl_context.wrap_socket(sock, server_side=True, do_handshake_on_connect=False)
        return sock, (address[0], address[1], self.next_conn)

    def handle_error(self, request, client_address):
        error = sys.exc_info()[1]
        if isinstance(error, (ConnectionError, ssl.SSLError, TimeoutError, socket.timeout)):
            return  # a client that hung up or failed its handshake; nothing to report
        super().handle_error(request, client_address)


def parse_options():
    parser = argparse.ArgumentParser(description="Margo WFM stand-in (Python)")
    parser.add_argument("--listen", default="127.0.0.1:0")
    parser.add_argument("--deployment", required=True)
    parser.add_argument("--cert")
    parser.add_argument("--key")
    parser.add_argument("--plain", action="store_true")
    parser.add_argument("--tls-min", choices=["1.2", "1.3"])
    parser.add_argument("--tls-max", choices=["1.2", "1.3"])
    parser.add_argument("--log")
    parser.add_argument("--304-length", dest="length_304", choices=["none", "zero"], default="none")
    parser.add_argument("--body", choices=["chunked", "length"])
    parser.add_argument("--gzip", action="store_true")
    parser.add_argument("--connection-close", action="store_true")
    parser.add_argument("--idle-close-ms", type=int, default=0)
    parser.add_argument("--slow-body-ms", type=int, default=0)
    options = parser.parse_args()
    if not options.plain and not (options.cert and options.key):
        parser.error("--cert and --key are required unless --plain")
    return options


def main():
    options = parse_options()
    wfm = Wfm(options, Content(options.deployment), RequestLog(options.log))
    Handler.wfm = wfm
    host, _, port = options.listen.rpartition(":")
    server = Server((host, int(port)), Handler)
    if not options.plain:
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(options.cert, options.key)  # a chain in the cert file is sent whole
        versions = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}
        if options.tls_min:
            context.minimum_version = versions[options.tls_min]
        if options.tls_max:
            context.maximum_version = versions[options.tls_max]
        context.set_alpn_protocols(["http/1.1"])
        server.ssl_context = context

    # shutdown() waits for serve_forever() to return, so it must run on another thread.
    signal.signal(signal.SIGTERM, lambda *_: threading.Thread(target=server.shutdown).start())
    print(f"LISTENING {server.server_address[1]}", flush=True)
    server.serve_forever()
    server.server_close()
    print(f"interop-wfm-python: {wfm.requests} requests, {wfm.signature_failures} with a bad signature",
          file=sys.stderr)


if __name__ == "__main__":
    main()
