// RFC 9530 Content-Digest and RFC 9421 HTTP message signature checks, written from the RFCs with Go's
// crypto packages. Only what the Margo profile A client sends is understood: one signature whose
// covered components are derived components or header fields, with created and keyid parameters.
package main

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/sha512"
	"crypto/x509"
	"encoding/base64"
	"fmt"
	"math/big"
	"net/http"
	"strconv"
	"strings"
	"time"
)

const createdWindow = 5 * time.Minute

var requiredComponents = []string{"@method", "@target-uri", "content-digest"}

// fieldValue joins every line of a header field with ", " (RFC 9421 section 2.1).
func fieldValue(r *http.Request, name string) (string, bool) {
	values := r.Header.Values(name)
	if len(values) == 0 {
		return "", false
	}
	trimmed := make([]string, len(values))
	for i, v := range values {
		trimmed[i] = strings.TrimSpace(v)
	}
	return strings.Join(trimmed, ", "), true
}

// checkContentDigest compares the sha-256 member of Content-Digest with the body.
func checkContentDigest(r *http.Request, body []byte) string {
	header, found := fieldValue(r, "Content-Digest")
	if !found {
		return "no Content-Digest header"
	}
	for _, member := range strings.Split(header, ",") {
		name, value, hasValue := strings.Cut(strings.TrimSpace(member), "=")
		if name != "sha-256" {
			continue
		}
		if !hasValue || len(value) < 2 || value[0] != ':' || value[len(value)-1] != ':' {
			return "Content-Digest sha-256 is not a byte sequence"
		}
		claimed, err := base64.StdEncoding.DecodeString(value[1 : len(value)-1])
		if err != nil {
			return "Content-Digest sha-256 is not base64"
		}
		actual := sha256.Sum256(body)
		if !bytes.Equal(claimed, actual[:]) {
			return "Content-Digest does not match the body"
		}
		return "ok"
	}
	return "Content-Digest has no sha-256 member"
}

// sfParser reads the parts of RFC 8941 structured fields that Signature-Input and Signature use.
type sfParser struct {
	text string
	at   int
}

func (p *sfParser) peek() byte {
	if p.at < len(p.text) {
		return p.text[p.at]
	}
	return 0
}

func (p *sfParser) skipSpaces() {
	for p.peek() == ' ' {
		p.at++
	}
}

func isKeyChar(c byte) bool {
	return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-' || c == '.' || c == '*'
}

func (p *sfParser) key() (string, error) {
	start := p.at
	if c := p.peek(); !(c >= 'a' && c <= 'z') && c != '*' {
		return "", fmt.Errorf("expected a key at %d", p.at)
	}
	for isKeyChar(p.peek()) {
		p.at++
	}
	return p.text[start:p.at], nil
}

func (p *sfParser) str() (string, error) {
	p.at++ // opening quote
	var out strings.Builder
	for p.at < len(p.text) {
		c := p.text[p.at]
		p.at++
		switch {
		case c == '\\':
			if p.at >= len(p.text) || (p.text[p.at] != '"' && p.text[p.at] != '\\') {
				return "", fmt.Errorf("bad escape in a string")
			}
			out.WriteByte(p.text[p.at])
			p.at++
		case c == '"':
			return out.String(), nil
		default:
			out.WriteByte(c)
		}
	}
	return "", fmt.Errorf("unterminated string")
}

// bareItem returns a string, int64, bool, []byte or a token (as sfToken).
type sfToken string

func (p *sfParser) bareItem() (any, error) {
	c := p.peek()
	switch {
	case c == '"':
		return p.str()
	case c == ':':
		end := strings.IndexByte(p.text[p.at+1:], ':')
		if end < 0 {
			return nil, fmt.Errorf("unterminated byte sequence")
		}
		decoded, err := base64.StdEncoding.DecodeString(p.text[p.at+1 : p.at+1+end])
		p.at += end + 2
		return decoded, err
	case c == '?':
		if p.at+1 < len(p.text) && (p.text[p.at+1] == '0' || p.text[p.at+1] == '1') {
			p.at += 2
			return p.text[p.at-1] == '1', nil
		}
		return nil, fmt.Errorf("bad boolean")
	case c == '-' || (c >= '0' && c <= '9'):
		start := p.at
		p.at++
		for p.peek() >= '0' && p.peek() <= '9' {
			p.at++
		}
		return strconv.ParseInt(p.text[start:p.at], 10, 64)
	case (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '*':
		start := p.at
		for p.at < len(p.text) && strings.IndexByte(" ;,()=\"", p.text[p.at]) < 0 {
			p.at++
		}
		return sfToken(p.text[start:p.at]), nil
	}
	return nil, fmt.Errorf("unexpected %q at %d", c, p.at)
}

type sfParam struct {
	name  string
	value any
}

func (p *sfParser) params() ([]sfParam, error) {
	var out []sfParam
	for p.peek() == ';' {
		p.at++
		p.skipSpaces()
		name, err := p.key()
		if err != nil {
			return nil, err
		}
		var value any = true
		if p.peek() == '=' {
			p.at++
			if value, err = p.bareItem(); err != nil {
				return nil, err
			}
		}
		out = append(out, sfParam{name, value})
	}
	return out, nil
}

// serializeParams writes parameters back in canonical form (RFC 8941 section 4.1.1.2).
func serializeParams(params []sfParam) string {
	var out strings.Builder
	for _, param := range params {
		out.WriteString(";" + param.name)
		switch v := param.value.(type) {
		case bool:
			if !v {
				out.WriteString("=?0")
			}
		case int64:
			out.WriteString("=" + strconv.FormatInt(v, 10))
		case string:
			out.WriteString("=" + quote(v))
		case sfToken:
			out.WriteString("=" + string(v))
		case []byte:
			out.WriteString("=:" + base64.StdEncoding.EncodeToString(v) + ":")
		}
	}
	return out.String()
}

func quote(s string) string {
	return `"` + strings.ReplaceAll(strings.ReplaceAll(s, `\`, `\\`), `"`, `\"`) + `"`
}

type signatureInput struct {
	label      string
	components []string
	params     []sfParam
}

// parseSignatureInput reads the first member of Signature-Input: label=("c1" "c2");p=v...
func parseSignatureInput(text string) (*signatureInput, error) {
	p := &sfParser{text: strings.TrimSpace(text)}
	label, err := p.key()
	if err != nil || p.peek() != '=' {
		return nil, fmt.Errorf("Signature-Input does not start with label=")
	}
	p.at++
	if p.peek() != '(' {
		return nil, fmt.Errorf("Signature-Input %s is not an inner list", label)
	}
	p.at++
	in := &signatureInput{label: label}
	for {
		p.skipSpaces()
		if p.peek() == ')' {
			p.at++
			break
		}
		if p.peek() != '"' {
			return nil, fmt.Errorf("Signature-Input: a covered component is not a string")
		}
		name, err := p.str()
		if err != nil {
			return nil, err
		}
		if p.peek() == ';' {
			return nil, fmt.Errorf("Signature-Input: component parameters are not supported (%s)", name)
		}
		in.components = append(in.components, name)
	}
	if in.params, err = p.params(); err != nil {
		return nil, fmt.Errorf("Signature-Input parameters: %v", err)
	}
	return in, nil
}

// signatureFor finds label=:bytes: among the members of Signature.
func signatureFor(text, label string) ([]byte, error) {
	for _, member := range strings.Split(text, ",") {
		name, value, _ := strings.Cut(strings.TrimSpace(member), "=")
		if name != label {
			continue
		}
		p := &sfParser{text: value}
		if p.peek() != ':' {
			return nil, fmt.Errorf("Signature %s is not a byte sequence", label)
		}
		item, err := p.bareItem()
		if err != nil {
			return nil, fmt.Errorf("Signature %s: %v", label, err)
		}
		return item.([]byte), nil
	}
	return nil, fmt.Errorf("Signature has no member %s", label)
}

// signatureBase builds the RFC 9421 section 2.5 signature base.
func signatureBase(r *http.Request, in *signatureInput) (string, error) {
	var base strings.Builder
	quoted := make([]string, len(in.components))
	for i, name := range in.components {
		var value string
		switch {
		case name == "@method":
			value = r.Method
		case name == "@target-uri":
			scheme := "https"
			if r.TLS == nil {
				scheme = "http"
			}
			value = scheme + "://" + r.Host + r.RequestURI
		case strings.HasPrefix(name, "@"):
			return "", fmt.Errorf("derived component %s is not supported", name)
		default:
			v, found := fieldValue(r, name)
			if !found {
				return "", fmt.Errorf("covered header %s is missing", name)
			}
			value = v
		}
		quoted[i] = quote(name)
		base.WriteString(quoted[i] + ": " + value + "\n")
	}
	base.WriteString(`"@signature-params": (` + strings.Join(quoted, " ") + ")" + serializeParams(in.params))
	return base.String(), nil
}

func findParam(params []sfParam, name string) (any, bool) {
	for _, param := range params {
		if param.name == name {
			return param.value, true
		}
	}
	return nil, false
}

// verifyWithKey picks the algorithm from the key: ECDSA by curve (raw r||s), RSA tries both.
func verifyWithKey(key crypto.PublicKey, base string, signature []byte) string {
	switch k := key.(type) {
	case *ecdsa.PublicKey:
		var digest []byte
		switch k.Curve {
		case elliptic.P256():
			sum := sha256.Sum256([]byte(base))
			digest = sum[:]
		case elliptic.P384():
			sum := sha512.Sum384([]byte(base))
			digest = sum[:]
		default:
			return "EC curve is not P-256 or P-384"
		}
		size := (k.Curve.Params().BitSize + 7) / 8
		if len(signature) != 2*size {
			return fmt.Sprintf("ECDSA signature is %d bytes, not raw r||s of %d", len(signature), 2*size)
		}
		r := new(big.Int).SetBytes(signature[:size])
		s := new(big.Int).SetBytes(signature[size:])
		if ecdsa.Verify(k, digest, r, s) {
			return "ok"
		}
		return "ecdsa signature does not verify"
	case *rsa.PublicKey:
		sum256 := sha256.Sum256([]byte(base))
		if rsa.VerifyPKCS1v15(k, crypto.SHA256, sum256[:], signature) == nil {
			return "ok"
		}
		sum512 := sha512.Sum512([]byte(base))
		pss := &rsa.PSSOptions{SaltLength: 64, Hash: crypto.SHA512}
		if rsa.VerifyPSS(k, crypto.SHA512, sum512[:], signature, pss) == nil {
			return "ok"
		}
		return "signature verifies neither as rsa-v1_5-sha256 nor as rsa-pss-sha512"
	}
	return "the client's key is neither EC nor RSA"
}

// verifyRequest returns "ok" or why the request's digest or signature fails. expectedKeyID is the
// clientId for client paths ("" at onboarding, where any keyid is taken).
func verifyRequest(r *http.Request, body []byte, certificate *x509.Certificate, expectedKeyID string,
	now time.Time) string {
	if verdict := checkContentDigest(r, body); verdict != "ok" {
		return verdict
	}
	if certificate == nil {
		return "no onboarded certificate to verify with"
	}
	inputHeader, found := fieldValue(r, "Signature-Input")
	if !found {
		return "no Signature-Input header"
	}
	signatureHeader, found := fieldValue(r, "Signature")
	if !found {
		return "no Signature header"
	}
	in, err := parseSignatureInput(inputHeader)
	if err != nil {
		return err.Error()
	}
	for _, required := range requiredComponents {
		covered := false
		for _, name := range in.components {
			covered = covered || name == required
		}
		if !covered {
			return "component " + required + " is not covered"
		}
	}
	created, found := findParam(in.params, "created")
	createdSeconds, isInt := created.(int64)
	if !found || !isInt {
		return "no integer created parameter"
	}
	if age := now.Sub(time.Unix(createdSeconds, 0)); age > createdWindow || age < -createdWindow {
		return fmt.Sprintf("created %d is %.0f s from now", createdSeconds, age.Seconds())
	}
	keyID, found := findParam(in.params, "keyid")
	keyIDText, isString := keyID.(string)
	if !found || !isString || keyIDText == "" {
		return "no keyid string parameter"
	}
	if expectedKeyID != "" && keyIDText != expectedKeyID {
		return fmt.Sprintf("keyid %q is not the clientId %q", keyIDText, expectedKeyID)
	}
	signature, err := signatureFor(signatureHeader, in.label)
	if err != nil {
		return err.Error()
	}
	base, err := signatureBase(r, in)
	if err != nil {
		return err.Error()
	}
	return verifyWithKey(certificate.PublicKey, base, signature)
}
