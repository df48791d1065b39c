#!/usr/bin/env python3
"""Slipway live tier: THE GENERIC STAND-IN, for catalog types that have no Debian binary (vault, opa,
minio, grafana, pgadmin, mailhog, jupyter, ollama, cadvisor, docker-proxy, consul, kong, neo4j...).

It is not the real service. It listens on every port in SLIPWAY_STANDIN_PORTS (space-separated)
and, on any of them, answers any HTTP request on any path with 200 and a Prometheus text
exposition: `slipway_standin_up{type="<SLIPWAY_STANDIN_TYPE>"} 1`. A connection that sends no HTTP
request within 2 s is accepted, held that long, and closed, so a TCP check passes.
`standin.py --check <port>` exits 0 when 127.0.0.1:<port> accepts a connection and answers HTTP,
else 1: the container's health check. Python 3 standard library only.
"""
import signal, socket, socketserver, sys, threading

QUIET = 2.0  # seconds a connection may stay silent before it is closed
METHODS = (b"GET", b"HEAD", b"POST", b"PUT", b"DELETE", b"PATCH", b"OPTIONS")


def label(value):
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")


def exposition(kind):
    return ("# HELP slipway_standin_up 1 while this Slipway stand-in serves (it is not the real service).\n"
            "# TYPE slipway_standin_up gauge\n"
            f'slipway_standin_up{{type="{label(kind)}"}} 1\n').encode()


def read_head(sock):
    """The request head (up to the blank line), or what arrived before the client went quiet."""
    sock.settimeout(QUIET)
    data = b""
    try:
        while b"\r\n\r\n" not in data and b"\n\n" not in data and len(data) < 65536:
            chunk = sock.recv(4096)
            if not chunk:
                break
            data += chunk
    except OSError:  # timeout: a client that speaks first or not at all
        pass
    return data


def handler_for(kind):
    body = exposition(kind)
    header = "".join(ch for ch in kind if ch.isalnum() or ch in "-_.").encode()

    class Handler(socketserver.BaseRequestHandler):
        def handle(self):
            head = read_head(self.request)
            if not head.split(b" ", 1)[0] in METHODS:
                return  # not HTTP (or silent): the connection was accepted, now it is closed
            length = 0
            for line in head.split(b"\n")[1:]:
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length" and value.strip().isdigit():
                    length = int(value.strip())
            rest = head.partition(b"\r\n\r\n")[2]
            try:  # drain a request body, so closing does not reset the connection under the answer
                while len(rest) < min(length, 1 << 20):
                    chunk = self.request.recv(65536)
                    if not chunk:
                        break
                    rest += chunk
            except OSError:
                pass
            answer = (b"HTTP/1.1 200 OK\r\n"
                      b"Content-Type: text/plain; version=0.0.4\r\n"
                      b"Content-Length: " + str(len(body)).encode() + b"\r\n"
                      b"X-Slipway-Standin: " + header + b"\r\n"
                      b"Connection: close\r\n\r\n")
            if not head.startswith(b"HEAD "):
                answer += body
            try:
                self.request.sendall(answer)
            except OSError:
                pass

    return Handler


class Server(socketserver.ThreadingTCPServer):
    allow_reuse_address = True
    daemon_threads = True


def check(port):
    """0 when 127.0.0.1:<port> accepts a connection and answers an HTTP request, else 1."""
    try:
        with socket.create_connection(("127.0.0.1", port), timeout=3) as s:
            s.sendall(b"GET / HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
            s.settimeout(3)
            return 0 if s.recv(12).startswith(b"HTTP/1.") else 1
    except (OSError, ValueError):
        return 1


def main(argv):
    import os
    if argv[1:2] == ["--check"]:
        return check(int(argv[2])) if len(argv) == 3 and argv[2].isdigit() else 1
    kind = os.environ.get("SLIPWAY_STANDIN_TYPE") or "unknown"
    ports = os.environ.get("SLIPWAY_STANDIN_PORTS", "").split()
    if not ports or not all(p.isdigit() and 0 < int(p) < 65536 for p in ports):
        print(f"slipway stand-in: SLIPWAY_STANDIN_PORTS must list ports, got {ports!r}", file=sys.stderr, flush=True)
        return 2
    servers = [Server(("0.0.0.0", int(p)), handler_for(kind)) for p in dict.fromkeys(ports)]
    banner = "*" * 78
    print(f"{banner}\n*** SLIPWAY STAND-IN for type '{kind}': NOT the real {kind}.\n"
          f"*** It answers HTTP on any path with slipway_standin_up{{type=\"{kind}\"}} 1, "
          f"and accepts TCP, on ports: {' '.join(dict.fromkeys(ports))}\n{banner}", flush=True)
    for s in servers:
        threading.Thread(target=s.serve_forever, daemon=True).start()
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    while not stop.wait(1):
        pass
    print(f"slipway stand-in '{kind}': stopping on signal", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
