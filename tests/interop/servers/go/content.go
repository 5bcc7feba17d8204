// What the stand-in serves: one ApplicationDeployment YAML, the bundle holding it (archive/tar and
// compress/gzip), and the desired-state manifest that lists both for a client.
package main

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"regexp"
	"time"
)

const (
	manifestMediaType = "application/vnd.margo.manifest.v1+json"
	bundleMediaType   = "application/vnd.margo.bundle.v1+tar+gzip"
)

type content struct {
	deploymentID string
	yaml         []byte
	yamlDigest   string
	bundle       []byte
	bundleDigest string
}

func margoDigest(data []byte) string {
	sum := sha256.Sum256(data)
	return "sha256:" + hex.EncodeToString(sum[:])
}

// The deploymentId is the YAML's id (top-level or under metadata.annotations); one id: line is expected.
var idLine = regexp.MustCompile(`(?m)^\s*id:\s*"?([A-Za-z0-9._~-]+)"?\s*$`)

func loadContent(path string) (*content, error) {
	yaml, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	match := idLine.FindSubmatch(yaml)
	if match == nil {
		return nil, fmt.Errorf("%s has no id: line", path)
	}
	c := &content{deploymentID: string(match[1]), yaml: yaml, yamlDigest: margoDigest(yaml)}
	c.bundle, err = makeBundle(c.deploymentID+".yaml", yaml)
	if err != nil {
		return nil, err
	}
	c.bundleDigest = margoDigest(c.bundle)
	return c, nil
}

// makeBundle is a gzip tar with the one YAML at its root.
func makeBundle(name string, data []byte) ([]byte, error) {
	var archive bytes.Buffer
	zipped := gzip.NewWriter(&archive)
	writer := tar.NewWriter(zipped)
	header := &tar.Header{Name: name, Mode: 0o644, Size: int64(len(data)), ModTime: time.Unix(0, 0),
		Typeflag: tar.TypeReg, Format: tar.FormatUSTAR}
	if err := writer.WriteHeader(header); err != nil {
		return nil, err
	}
	if _, err := writer.Write(data); err != nil {
		return nil, err
	}
	if err := writer.Close(); err != nil {
		return nil, err
	}
	if err := zipped.Close(); err != nil {
		return nil, err
	}
	return archive.Bytes(), nil
}

type manifestDocument struct {
	body []byte
	etag string // quoted, strong
}

func (c *content) manifestFor(clientID string) manifestDocument {
	base := "/api/v1/clients/" + clientID
	type bundleRef struct {
		MediaType string `json:"mediaType"`
		Digest    string `json:"digest"`
		SizeBytes int    `json:"sizeBytes"`
		URL       string `json:"url"`
	}
	type deploymentRef struct {
		DeploymentID string `json:"deploymentId"`
		Digest       string `json:"digest"`
		SizeBytes    int    `json:"sizeBytes"`
		URL          string `json:"url"`
	}
	manifest := struct {
		ManifestVersion uint64          `json:"manifestVersion"`
		Bundle          bundleRef       `json:"bundle"`
		Deployments     []deploymentRef `json:"deployments"`
	}{
		ManifestVersion: 1,
		Bundle:          bundleRef{bundleMediaType, c.bundleDigest, len(c.bundle), base + "/bundles/" + c.bundleDigest},
		Deployments: []deploymentRef{{c.deploymentID, c.yamlDigest, len(c.yaml),
			base + "/deployments/" + c.deploymentID + "/" + c.yamlDigest}},
	}
	body, _ := json.Marshal(manifest)
	return manifestDocument{body: body, etag: `"` + margoDigest(body) + `"`}
}
