#!/usr/bin/env python3
"""A small loopback HTTP/1.1 file server for the CLI and unit tests.

    server.py --root DIR [--faults FAULTS.json] [--port-file FILE] [--log FILE]
              [--max-seconds N]

Serves DIR on 127.0.0.1 (port 0: the kernel picks one; it is printed on stdout and
written to --port-file), with keep-alive, single byte-range requests (206/416) and
fault injection per URL path. FAULTS.json maps a decoded path to one fault (it is
re-read on every request, so a test may change it while the server runs; the
"times" counter starts again when a path's fault changes):

    {"/dists/stable/InRelease": {"kind": "status", "code": 503, "times": 2},
     "/pool/a.deb": {"kind": "reset", "after": 1000, "times": 1}}

kinds: status (answer CODE), reset (send AFTER body bytes, then a TCP RST),
truncate (announce the full length, send AFTER bytes, close), slow (send CHUNK
bytes every DELAY seconds), wrong-length (announce LENGTH, send the whole body,
close), not-found (404), no-range (ignore Range headers). "times" (default: every
request) limits how many requests the fault hits. The key "_no_range" lists paths
whose Range headers are always ignored (answered 200 with the whole file), on top
of their fault.

--log FILE gets one JSON line per request: path, range, status, conn (a number per
TCP connection, to check keep-alive), fault. The server exits by itself after
--max-seconds (default 300), so a test that dies never leaves it running.
"""
import argparse
import http.server
import itertools
import json
import os
import posixpath
import socket
import struct
import sys
import threading
import time
import urllib.parse

_lock = threading.Lock()
_hits = {}
_conn_ids = itertools.count(1)


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "acikit-test-server"

    def setup(self):
        super().setup()
        self.conn_id = next(_conn_ids)

    def log_message(self, fmt, *args):  # quiet: the JSON log is the record
        pass

    def _log(self, path, status, fault):
        if not self.server.log_path:
            return
        rec = {"path": path, "range": self.headers.get("Range"), "status": status,
               "conn": self.conn_id, "fault": fault}
        with _lock:
            with open(self.server.log_path, "a") as f:
                f.write(json.dumps(rec) + "\n")

    def _faults(self):
        if not self.server.faults_path or not os.path.exists(self.server.faults_path):
            return {}
        with open(self.server.faults_path) as f:
            return json.load(f)

    def _fault_for(self, path):
        fault = self._faults().get(path)
        if not fault:
            return None
        key = path + "\0" + json.dumps(fault, sort_keys=True)
        with _lock:
            n = _hits.get(key, 0)
            _hits[key] = n + 1
        times = fault.get("times")
        if times is not None and n >= times:
            return None
        return fault

    def _file_for(self, path):
        norm = posixpath.normpath(path)
        if not norm.startswith("/") or "/../" in norm + "/":
            return None
        full = os.path.join(self.server.root, norm.lstrip("/"))
        return full if os.path.isfile(full) else None

    def _send_error(self, code, path, fault=None):
        body = ("%d\n" % code).encode()
        self.send_response(code)
        self.send_header("Content-Type", "text/plain")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(body)
        self._log(path, code, fault)

    def _abort(self, rst):
        self.wfile.flush()
        if rst:
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        else:
            try:
                self.connection.shutdown(socket.SHUT_WR)
            except OSError:
                pass
        self.connection.close()
        self.close_connection = True
        import io
        self.wfile = io.BytesIO()
        self.rfile = io.BytesIO()

    def do_HEAD(self):
        self.do_GET()

    def do_GET(self):
        path = urllib.parse.unquote(urllib.parse.urlsplit(self.path).path)
        fault = self._fault_for(path)
        kind = fault.get("kind") if fault else None
        if kind == "status":
            return self._send_error(int(fault.get("code", 503)), path, kind)
        if kind == "not-found":
            return self._send_error(404, path, kind)
        full = self._file_for(path)
        if full is None:
            return self._send_error(404, path, kind)
        with open(full, "rb") as f:
            data = f.read()
        start, status = 0, 200
        rng = self.headers.get("Range")
        if rng and kind != "no-range" and path not in self._faults().get("_no_range", []):
            spec = rng.strip()
            if spec.startswith("bytes=") and "," not in spec:
                a, _, b = spec[6:].partition("-")
                try:
                    first = int(a)
                    last = int(b) if b else len(data) - 1
                except ValueError:
                    first, last = -1, -1
                if first >= len(data) or first < 0:
                    self.send_response(416)
                    self.send_header("Content-Range", "bytes */%d" % len(data))
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                    return self._log(path, 416, kind)
                last = min(last, len(data) - 1)
                start, status = first, 206
                body = data[first:last + 1]
            else:
                body = data
        else:
            body = data
        self.send_response(status)
        self.send_header("Content-Type", "application/octet-stream")
        length = len(body)
        if kind == "wrong-length":
            length = int(fault["length"])
        self.send_header("Content-Length", str(length))
        if status == 206:
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, start + len(body) - 1, len(data)))
        self.send_header("Accept-Ranges", "bytes")
        self.end_headers()
        self._log(path, status, kind)
        if self.command == "HEAD":
            return
        if kind in ("reset", "truncate"):
            self.wfile.write(body[:int(fault.get("after", 0))])
            return self._abort(rst=(kind == "reset"))
        if kind == "slow":
            chunk = int(fault.get("chunk", 1024))
            for i in range(0, len(body), chunk):
                self.wfile.write(body[i:i + chunk])
                self.wfile.flush()
                time.sleep(float(fault.get("delay", 0.05)))
            return
        self.wfile.write(body)
        if kind == "wrong-length":
            self._abort(rst=False)


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True

    def handle_error(self, request, client_address):  # a reset is expected here
        pass


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--root", required=True)
    ap.add_argument("--port", type=int, default=0)
    ap.add_argument("--port-file")
    ap.add_argument("--faults")
    ap.add_argument("--log")
    ap.add_argument("--max-seconds", type=float, default=300)
    args = ap.parse_args()

    srv = Server(("127.0.0.1", args.port), Handler)
    srv.root = os.path.abspath(args.root)
    srv.faults_path = args.faults
    srv.log_path = args.log
    port = srv.server_address[1]
    if args.port_file:
        tmp = args.port_file + ".tmp"
        with open(tmp, "w") as f:
            f.write("%d\n" % port)
        os.rename(tmp, args.port_file)
    print(port, flush=True)
    timer = threading.Timer(args.max_seconds, lambda: os._exit(0))
    timer.daemon = True
    timer.start()
    try:
        srv.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
