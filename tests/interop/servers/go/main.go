// A WFM stand-in for the agent's interop tests, on Go's net/http and crypto/tls (standard library only).
// It serves profile A of the Margo API for one Helm deployment, checks every request's RFC 9421
// signature and writes a JSON line per request and per TLS handshake. See ../README.md for the flags.
package main

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/signal"
	"sync"
	"sync/atomic"
	"syscall"
	"time"
)

type options struct {
	listen          string
	deployment      string
	cert, key       string
	plain           bool
	tlsMin, tlsMax  string
	logPath         string
	length304       string
	body            string
	gzip            bool
	connectionClose bool
	idleCloseMs     int
	slowBodyMs      int
}

func parseOptions() options {
	var o options
	flag.StringVar(&o.listen, "listen", "127.0.0.1:0", "HOST:PORT to listen on")
	flag.StringVar(&o.deployment, "deployment", "", "ApplicationDeployment YAML to serve")
	flag.StringVar(&o.cert, "cert", "", "PEM certificate chain (leaf first)")
	flag.StringVar(&o.key, "key", "", "PEM private key")
	flag.BoolVar(&o.plain, "plain", false, "plain HTTP instead of TLS")
	flag.StringVar(&o.tlsMin, "tls-min", "", "lowest TLS version: 1.2 or 1.3")
	flag.StringVar(&o.tlsMax, "tls-max", "", "highest TLS version: 1.2 or 1.3")
	flag.StringVar(&o.logPath, "log", "", "request log (JSON lines)")
	flag.StringVar(&o.length304, "304-length", "none", "none or zero")
	flag.StringVar(&o.body, "body", "", "chunked or length (default: net/http decides)")
	flag.BoolVar(&o.gzip, "gzip", false, "Content-Encoding: gzip on bodies")
	flag.BoolVar(&o.connectionClose, "connection-close", false, "Connection: close on every response")
	flag.IntVar(&o.idleCloseMs, "idle-close-ms", 0, "close keep-alive connections idle this long")
	flag.IntVar(&o.slowBodyMs, "slow-body-ms", 0, "delay before the bundle body")
	flag.Parse()
	if o.deployment == "" || (!o.plain && (o.cert == "" || o.key == "")) {
		fail("--deployment is required, and --cert and --key unless --plain")
	}
	if o.length304 != "none" && o.length304 != "zero" {
		fail("--304-length must be none or zero")
	}
	if o.body != "" && o.body != "chunked" && o.body != "length" {
		fail("--body must be chunked or length")
	}
	return o
}

func fail(message string) {
	fmt.Fprintln(os.Stderr, "interop-wfm-go:", message)
	os.Exit(2)
}

func tlsVersion(text string) uint16 {
	switch text {
	case "":
		return 0 // crypto/tls's default
	case "1.2":
		return tls.VersionTLS12
	case "1.3":
		return tls.VersionTLS13
	}
	fail("TLS version must be 1.2 or 1.3, got " + text)
	return 0
}

func tlsName(version uint16) string {
	switch version {
	case tls.VersionTLS12:
		return "TLSv1.2"
	case tls.VersionTLS13:
		return "TLSv1.3"
	}
	return fmt.Sprintf("0x%04x", version)
}

// requestLog appends one JSON object per line; each line is written with one unbuffered write.
type requestLog struct {
	mu   sync.Mutex
	file *os.File
}

func (l *requestLog) write(fields map[string]any) {
	if l.file == nil {
		return
	}
	line, _ := json.Marshal(fields)
	l.mu.Lock()
	defer l.mu.Unlock()
	l.file.Write(append(line, '\n'))
}

func unixMillis(t time.Time) int64 { return t.UnixNano() / int64(time.Millisecond) }

type connKey struct{}

// connInfo is what the server knows of one TCP connection.
type connInfo struct {
	id              int64
	handshakeLogged bool
}

func main() {
	o := parseOptions()
	content, err := loadContent(o.deployment)
	if err != nil {
		fail(err.Error())
	}
	log := &requestLog{}
	if o.logPath != "" {
		log.file, err = os.OpenFile(o.logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
		if err != nil {
			fail(err.Error())
		}
	}
	wfm := newWfm(o, content, log)

	var nextConn atomic.Int64
	var conns sync.Map // net.Conn -> *connInfo
	server := &http.Server{
		Handler:     wfm,
		IdleTimeout: time.Duration(o.idleCloseMs) * time.Millisecond,
		ConnContext: func(ctx context.Context, c net.Conn) context.Context {
			info := &connInfo{id: nextConn.Add(1)}
			conns.Store(c, info)
			return context.WithValue(ctx, connKey{}, info)
		},
		// The handshake has finished when the connection turns active (its first request was read), so
		// that is where the negotiated version is known; it is logged once per connection.
		ConnState: func(c net.Conn, state http.ConnState) {
			value, found := conns.Load(c)
			if !found {
				return
			}
			info := value.(*connInfo)
			switch state {
			case http.StateActive:
				if tlsConn, isTLS := c.(*tls.Conn); isTLS && !info.handshakeLogged {
					info.handshakeLogged = true
					log.write(map[string]any{"event": "handshake", "t": unixMillis(time.Now()), "conn": info.id,
						"tls": tlsName(tlsConn.ConnectionState().Version)})
				}
			case http.StateClosed, http.StateHijacked:
				conns.Delete(c)
			}
		},
	}

	listener, err := net.Listen("tcp", o.listen)
	if err != nil {
		fail(err.Error())
	}
	if !o.plain {
		certificate, err := tls.LoadX509KeyPair(o.cert, o.key) // every certificate in the file is sent
		if err != nil {
			fail(err.Error())
		}
		config := &tls.Config{
			Certificates: []tls.Certificate{certificate},
			MinVersion:   tlsVersion(o.tlsMin),
			MaxVersion:   tlsVersion(o.tlsMax),
			NextProtos:   []string{"http/1.1"}, // HTTP/1.1 only: framing is what this suite tests
		}
		listener = tls.NewListener(listener, config)
	}

	stopping := make(chan os.Signal, 1)
	signal.Notify(stopping, syscall.SIGTERM, syscall.SIGINT)
	shutDown := make(chan struct{})
	go func() {
		<-stopping
		// Idle keep-alive connections are closed at once; a request in progress gets two seconds.
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		server.Shutdown(ctx)
		server.Close()
		close(shutDown)
	}()

	fmt.Printf("LISTENING %d\n", listener.Addr().(*net.TCPAddr).Port)
	os.Stdout.Sync()
	if err := server.Serve(listener); err != nil && err != http.ErrServerClosed {
		fail(err.Error())
	}
	<-shutDown
	fmt.Fprintln(os.Stderr, wfm.summary())
}
