// The routes of profile A and the response framing knobs (--body, --gzip, --304-length, ...).
package main

import (
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"
)

const immutableCache = "public, max-age=31536000, immutable"

type wfm struct {
	o       options
	content *content
	log     *requestLog

	mu                sync.Mutex
	clients           map[string]*x509.Certificate
	manifests         map[string]manifestDocument
	requests          int
	signatureFailures int
}

func newWfm(o options, c *content, log *requestLog) *wfm {
	return &wfm{o: o, content: c, log: log, clients: map[string]*x509.Certificate{},
		manifests: map[string]manifestDocument{}}
}

func (w *wfm) summary() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return fmt.Sprintf("interop-wfm-go: %d requests, %d with a bad signature", w.requests, w.signatureFailures)
}

// exchange is one request being answered: what gets logged about it.
type exchange struct {
	status    int
	signature string
	state     string // status.state of a status report
}

func (w *wfm) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	arrived := time.Now()
	info, _ := r.Context().Value(connKey{}).(*connInfo)
	body, _ := io.ReadAll(r.Body)
	if w.o.connectionClose {
		rw.Header().Set("Connection", "close") // net/http closes the connection after this response
	}
	ex := &exchange{}
	w.route(rw, r, body, ex)

	w.mu.Lock()
	w.requests++
	if ex.signature != "ok" {
		w.signatureFailures++
	}
	w.mu.Unlock()
	line := map[string]any{"t": unixMillis(arrived), "method": r.Method, "path": r.RequestURI,
		"status": ex.status, "signature": ex.signature, "conn": nil, "tls": nil}
	if info != nil {
		line["conn"] = info.id
	}
	if r.TLS != nil {
		line["tls"] = tlsName(r.TLS.Version)
	}
	if ex.state != "" {
		line["state"] = ex.state
	}
	w.log.write(line)
}

func (w *wfm) route(rw http.ResponseWriter, r *http.Request, body []byte, ex *exchange) {
	segments := strings.Split(strings.TrimPrefix(r.URL.Path, "/api/v1/"), "/")
	if !strings.HasPrefix(r.URL.Path, "/api/v1/") {
		segments = nil
	}
	if len(segments) == 1 && segments[0] == "onboarding" {
		if !w.allow(rw, r, ex, "POST") {
			return
		}
		w.onboard(rw, r, body, ex)
		return
	}
	if len(segments) < 3 || segments[0] != "clients" {
		w.fail(rw, ex, 404, "Not found")
		return
	}
	clientID := segments[1]
	w.mu.Lock()
	certificate := w.clients[clientID]
	manifest := w.manifests[clientID]
	w.mu.Unlock()
	ex.signature = verifyRequest(r, body, certificate, clientID, time.Now())
	if certificate == nil {
		w.fail(rw, ex, 404, "Unknown client")
		return
	}
	rest := segments[2:]
	switch {
	case len(rest) == 1 && rest[0] == "capabilities":
		if w.allow(rw, r, ex, "POST", "PUT") {
			w.empty(rw, ex, 201)
		}
	case len(rest) == 1 && rest[0] == "deployments":
		if !w.allow(rw, r, ex, "GET") {
			return
		}
		if accept := r.Header.Get("Accept"); accept != "" && !acceptsManifest(accept) {
			w.fail(rw, ex, 406, "only "+manifestMediaType+" is available")
			return
		}
		w.representation(rw, r, ex, manifestMediaType, manifest.etag, "", manifest.body, false)
	case len(rest) == 2 && rest[0] == "bundles":
		if !w.allow(rw, r, ex, "GET") {
			return
		}
		if rest[1] != w.content.bundleDigest {
			w.fail(rw, ex, 404, "Bundle not found")
			return
		}
		w.representation(rw, r, ex, bundleMediaType, `"`+rest[1]+`"`, immutableCache, w.content.bundle,
			w.o.slowBodyMs > 0)
	case len(rest) == 3 && rest[0] == "deployments" && rest[2] == "status":
		if !w.allow(rw, r, ex, "POST") {
			return
		}
		var report struct {
			Status struct {
				State string `json:"state"`
			} `json:"status"`
		}
		if json.Unmarshal(body, &report) != nil || report.Status.State == "" {
			w.fail(rw, ex, 422, "not a DeploymentStatusManifest")
			return
		}
		ex.state = report.Status.State
		w.empty(rw, ex, 200)
	case len(rest) == 3 && rest[0] == "deployments":
		if !w.allow(rw, r, ex, "GET") {
			return
		}
		if rest[1] != w.content.deploymentID || rest[2] != w.content.yamlDigest {
			w.fail(rw, ex, 404, "Deployment not found")
			return
		}
		w.representation(rw, r, ex, "application/yaml", `"`+rest[2]+`"`, immutableCache, w.content.yaml, false)
	default:
		w.fail(rw, ex, 404, "Not found")
	}
}

func (w *wfm) onboard(rw http.ResponseWriter, r *http.Request, body []byte, ex *exchange) {
	var request struct {
		Certificate string `json:"certificate"`
	}
	var certificate *x509.Certificate
	if json.Unmarshal(body, &request) == nil {
		if der, err := base64.StdEncoding.DecodeString(request.Certificate); err == nil {
			certificate, _ = x509.ParseCertificate(der)
		}
	}
	ex.signature = verifyRequest(r, body, certificate, "", time.Now())
	if certificate == nil {
		w.fail(rw, ex, 400, "Invalid certificate")
		return
	}
	clientID := uuidFrom(certificate.Raw)
	w.mu.Lock()
	w.clients[clientID] = certificate
	w.manifests[clientID] = w.content.manifestFor(clientID)
	w.mu.Unlock()
	w.json(rw, ex, 201, map[string]string{"clientId": clientID})
}

// uuidFrom shapes the certificate's SHA-256 like a version 4 UUID: the same device gets the same id.
func uuidFrom(der []byte) string {
	sum := sha256.Sum256(der)
	sum[6] = sum[6]&0x0f | 0x40
	sum[8] = sum[8]&0x3f | 0x80
	h := hex.EncodeToString(sum[:16])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

func (w *wfm) allow(rw http.ResponseWriter, r *http.Request, ex *exchange, methods ...string) bool {
	for _, method := range methods {
		if r.Method == method {
			return true
		}
	}
	rw.Header().Set("Allow", strings.Join(methods, ", "))
	w.fail(rw, ex, 405, "Method not allowed")
	return false
}

func (w *wfm) json(rw http.ResponseWriter, ex *exchange, status int, value any) {
	body, _ := json.Marshal(value)
	rw.Header().Set("Content-Type", "application/json")
	rw.WriteHeader(status)
	rw.Write(body)
	ex.status = status
}

func (w *wfm) fail(rw http.ResponseWriter, ex *exchange, status int, message string) {
	if ex.signature == "" {
		ex.signature = "not checked (request refused first)"
	}
	w.json(rw, ex, status, map[string]string{"error": message})
}

func (w *wfm) empty(rw http.ResponseWriter, ex *exchange, status int) {
	rw.WriteHeader(status) // net/http adds Content-Length: 0
	ex.status = status
}

func acceptsManifest(accept string) bool {
	for _, part := range strings.Split(accept, ",") {
		mediaType, _, _ := strings.Cut(strings.TrimSpace(part), ";")
		switch strings.ToLower(strings.TrimSpace(mediaType)) {
		case manifestMediaType, "application/*", "*/*":
			return true
		}
	}
	return false
}

// etagMatches is the weak comparison RFC 9110 section 13.1.2 asks of If-None-Match.
func etagMatches(ifNoneMatch, etag string) bool {
	for _, candidate := range strings.Split(ifNoneMatch, ",") {
		candidate = strings.TrimPrefix(strings.TrimSpace(candidate), "W/")
		if candidate == "*" || candidate == strings.TrimPrefix(etag, "W/") {
			return true
		}
	}
	return false
}

// representation answers 304 when If-None-Match holds the ETag, else 200 with the bytes, framed as the
// knobs say.
func (w *wfm) representation(rw http.ResponseWriter, r *http.Request, ex *exchange, contentType, etag,
	cacheControl string, body []byte, slow bool) {
	header := rw.Header()
	header.Set("ETag", etag)
	if cacheControl != "" {
		header.Set("Cache-Control", cacheControl)
	}
	if inm := r.Header.Get("If-None-Match"); inm != "" && etagMatches(inm, etag) {
		if w.o.length304 == "zero" {
			// net/http deletes Content-Length from every 304 (suppressedHeaders304). It deletes the
			// canonical key only, so a lowercase one gets through: "content-length: 0" on the wire
			// (field names are case-insensitive).
			header["content-length"] = []string{"0"}
		}
		rw.WriteHeader(304)
		ex.status = 304
		return
	}
	header.Set("Content-Type", contentType)
	payload := body
	if w.o.gzip {
		var zipped bytes.Buffer
		writer := gzip.NewWriter(&zipped)
		writer.Write(body)
		writer.Close()
		payload = zipped.Bytes()
		header.Set("Content-Encoding", "gzip")
		header.Set("Vary", "Accept-Encoding")
	}
	ex.status = 200
	flusher, _ := rw.(http.Flusher)
	switch {
	case slow:
		header.Set("Content-Length", fmt.Sprint(len(payload)))
		rw.WriteHeader(200)
		flusher.Flush()
		time.Sleep(time.Duration(w.o.slowBodyMs) * time.Millisecond)
		rw.Write(payload) // fails quietly when the client has given up
	case w.o.body == "chunked":
		// No Content-Length and a flush before the body is complete: net/http sends it chunked.
		rw.WriteHeader(200)
		third := (len(payload) + 2) / 3
		for start := 0; start < len(payload); start += third {
			end := start + third
			if end > len(payload) {
				end = len(payload)
			}
			rw.Write(payload[start:end])
			flusher.Flush()
		}
	case w.o.body == "length":
		header.Set("Content-Length", fmt.Sprint(len(payload)))
		rw.WriteHeader(200)
		rw.Write(payload)
	default:
		rw.Write(payload) // net/http's own choice (Content-Length for a small body written at once)
	}
}
