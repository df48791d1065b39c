#!/usr/bin/env python3
"""Slipway live tier: the stand-in for the team's own app images (it replaces mendhak/http-https-echo).

It listens on HTTP_PORT (default 8080) and proves, with the credentials it was given, every
connection Slipway injected: a prefix P with P_HOST, P_PORT and P_URL (SPEC "Connection settings").
  postgresql  connect as P_USERNAME/P_PASSWORD to P_DATABASE, `select 1`, report the server version
  redis       AUTH as P_USERNAME/P_PASSWORD, SET a key of this app's own and GET it back
  http(s)     GET P_URL; any status below 500 proves it
  otherwise   a TCP connect to P_HOST:P_PORT
and proves what must fail: each database in SLIPWAY_PROBE_DENY_DATABASES refuses this app's login.
GET /report answers the checks as JSON; any other path answers 200 "ok" only when every check passes.
`probe.py --plan` prints the planned checks as JSON without connecting. Python 3.11 stdlib +
psycopg2 + redis (Debian bookworm packages). It never prints a password, a token, nor a URL with one.
"""
import base64, json, os, re, secrets, signal, socket, sys, threading, time, urllib.error, urllib.request
from concurrent.futures import ThreadPoolExecutor
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import unquote, urlsplit

TIMEOUT = 3  # seconds, for every connect
INTERVAL = float(os.environ.get("SLIPWAY_PROBE_INTERVAL", "5"))  # seconds between background rounds
MAX_AGE = 2.0  # a request reuses results younger than this (the rate limit)
APP = os.environ.get("SLIPWAY_PROBE_NAME") or socket.gethostname()


def kind_of(scheme):
    if scheme in ("postgresql", "postgres"):
        return "postgresql"
    if scheme in ("redis", "rediss", "http", "https"):
        return scheme
    return "tcp"


def plan(env):
    """The checks the environment asks for, in name order: dicts with name, kind, target (+ private params)."""
    checks = []
    prefixes = sorted(k[:-5] for k in env if k.endswith("_HOST") and f"{k[:-5]}_PORT" in env and f"{k[:-5]}_URL" in env)
    for p in prefixes:
        url = urlsplit(env[f"{p}_URL"])
        host, port = env[f"{p}_HOST"], env[f"{p}_PORT"]
        checks.append({
            "name": p, "kind": kind_of(url.scheme.lower()), "target": f"{host}:{port}",
            "_host": host, "_port": int(port) if port.isdigit() else port, "_url": env[f"{p}_URL"], "_scheme": url.scheme.lower(),
            "_user": env.get(f"{p}_USERNAME") or unquote(url.username or "") or None,
            "_password": env.get(f"{p}_PASSWORD") or unquote(url.password or "") or None,
            "_database": env.get(f"{p}_DATABASE") or unquote(url.path.lstrip("/")) or None,
            "_token": env.get(f"{p}_TOKEN") or None,
        })
    deny = env.get("SLIPWAY_PROBE_DENY_DATABASES", "").split()
    pgs = [c for c in checks if c["kind"] == "postgresql"]
    for db in deny:
        for pg in pgs:
            checks.append({**pg, "name": f"{pg['name']}:deny:{db}", "kind": "postgresql-deny", "target": f"{pg['target']}/{db}", "_database": db})
        if not pgs:
            checks.append({"name": f"DENY:{db}", "kind": "postgresql-deny", "target": db, "_missing": True})
    return checks


def secrets_of(env):
    """Every credential in the environment, to scrub from whatever the probe says."""
    found = {v for k, v in env.items() if k.endswith(("_PASSWORD", "_TOKEN", "_SECRET", "_KEY")) and v}
    for k, v in env.items():
        try:
            pw = urlsplit(v).password if k.endswith("_URL") else None
        except ValueError:
            pw = None
        found.update({pw, unquote(pw)} if pw else set())
    return sorted((s for s in found if len(s) >= 3), key=len, reverse=True)


SECRETS = secrets_of(os.environ)


def redact(text):
    text = re.sub(r"://[^/@\s]*@", "://***@", str(text))  # userinfo of any URL
    for s in SECRETS:
        text = text.replace(s, "***")
    return " ".join(text.split())  # one line


def check_postgres(c):
    import psycopg2
    conn = psycopg2.connect(host=c["_host"], port=c["_port"], user=c["_user"], password=c["_password"],
                            dbname=c["_database"], connect_timeout=TIMEOUT, options="-c statement_timeout=3000")
    try:
        with conn.cursor() as cur:
            cur.execute("select 1, current_user, current_database(), current_setting('server_version')")
            one, user, db, version = cur.fetchone()
        if one != 1:
            raise RuntimeError(f"select 1 returned {one!r}")
        return f"select 1 as {user} on {db}; PostgreSQL {version}"
    finally:
        conn.close()


REFUSED = ("permission denied for database", "not allowed to connect", "no pg_hba.conf entry", "pg_hba.conf rejects connection")


def check_postgres_deny(c):
    """Passes only when the server refuses this login on that database; any other outcome fails."""
    if c.get("_missing"):
        raise RuntimeError("no postgres connection to test the denial with")
    import psycopg2
    try:
        conn = psycopg2.connect(host=c["_host"], port=c["_port"], user=c["_user"], password=c["_password"],
                                dbname=c["_database"], connect_timeout=TIMEOUT)
    except psycopg2.OperationalError as e:
        message = str(e).strip()
        if any(r in message for r in REFUSED):
            return f"refused {c['_user']} on {c['_database']}: {message.splitlines()[0]}"
        raise RuntimeError(f"not a refusal: {message}") from None
    conn.close()
    raise RuntimeError(f"{c['_user']} connected to {c['_database']}, which must refuse it")


def check_redis(c):
    import redis
    db = int(c["_database"]) if (c["_database"] or "").isdigit() else 0
    r = redis.Redis(host=c["_host"], port=c["_port"], username=c["_user"], password=c["_password"], db=db,
                    ssl=c["_scheme"] == "rediss", socket_connect_timeout=TIMEOUT, socket_timeout=TIMEOUT)
    try:
        key, value = f"slipway:probe:{APP}", secrets.token_hex(8)
        r.set(key, value, ex=300)
        got = r.get(key)
        if got != value.encode():
            raise RuntimeError(f"GET {key} returned {got!r}, not what was SET")
        return f"SET/GET {key} as {c['_user'] or '(no user)'}; Redis {r.info('server').get('redis_version', '?')}"
    finally:
        r.close()


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None  # a redirect is an answer: record its status instead of following it


def check_http(c):
    u = urlsplit(c["_url"])
    headers = {"User-Agent": "slipway-probe"}
    if c["_token"]:
        headers["Authorization"] = f"Bearer {c['_token']}"
    elif u.password is not None:
        headers["Authorization"] = "Basic " + base64.b64encode(f"{unquote(u.username or '')}:{unquote(u.password)}".encode()).decode()
    url = u._replace(netloc=u.netloc.rpartition("@")[2]).geturl()  # credentials travel in the header
    opener = urllib.request.build_opener(NoRedirect)
    try:
        with opener.open(urllib.request.Request(url, headers=headers), timeout=TIMEOUT) as resp:
            status = resp.status
    except urllib.error.HTTPError as e:
        status = e.code
    if status >= 500:
        raise RuntimeError(f"GET {url} -> {status}")
    return f"GET {url} -> {status}"


def check_tcp(c):
    with socket.create_connection((c["_host"], c["_port"]), timeout=TIMEOUT):
        return f"tcp connect to {c['target']} ({c['_scheme'] or 'no scheme'})"


CHECKS = {"postgresql": check_postgres, "postgresql-deny": check_postgres_deny, "redis": check_redis,
          "rediss": check_redis, "http": check_http, "https": check_http, "tcp": check_tcp}


def run_one(c):
    try:
        ok, detail = True, CHECKS[c["kind"]](c)
    except Exception as e:  # a failed check is a result, never a crash
        ok, detail = False, f"{type(e).__name__}: {e}"
    return {"name": c["name"], "kind": c["kind"], "target": c["target"], "ok": ok, "detail": redact(detail)}


class Prober:
    def __init__(self, checks):
        self.checks, self.results, self.at = checks, [], 0.0
        self.lock = threading.Lock()

    def refresh(self, max_age=0.0, wait=True):
        """Runs every check (in parallel, so a round takes about one timeout at most) unless fresh enough.
        Without `wait`, a round already in flight is not waited for: its predecessor's results answer
        (so two probes that check each other never wait on each other)."""
        if self.at and time.monotonic() - self.at < max_age:
            return self.results
        if not self.lock.acquire(blocking=wait or not self.at):
            return self.results
        try:
            if self.at and time.monotonic() - self.at < max_age:
                return self.results  # the round this call waited for is fresh enough
            with ThreadPoolExecutor(max_workers=max(1, len(self.checks))) as pool:
                results = list(pool.map(run_one, self.checks))
            before = {r["name"]: (r["ok"], r["detail"]) for r in self.results}
            for r in results:
                if before.get(r["name"]) != (r["ok"], r["detail"]):
                    print(f"probe {APP}: {r['name']} {r['kind']} {r['target']} {'ok' if r['ok'] else 'FAIL'}: {r['detail']}", flush=True)
            self.results, self.at = results, time.monotonic()
            return results
        finally:
            self.lock.release()


def handler_for(prober):
    class Handler(BaseHTTPRequestHandler):
        server_version = "slipway-probe"

        def answer(self, body=True):
            results = prober.refresh(MAX_AGE, wait=False)
            ok = all(r["ok"] for r in results)
            if urlsplit(self.path).path == "/report":
                status, ctype = 200, "application/json"
                text = json.dumps({"app": APP, "ok": ok, "checks": results}, indent=1) + "\n"
            else:
                status, ctype = (200 if ok else 503), "text/plain; charset=utf-8"
                text = "ok" if ok else "failing:\n" + "".join(f"{r['name']} {r['kind']} {r['target']}: {r['detail']}\n" for r in results if not r["ok"])
            data = text.encode()
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            if body:
                self.wfile.write(data)

        def do_GET(self):
            self.answer()

        def do_HEAD(self):
            self.answer(body=False)

        def log_message(self, *args):
            pass  # one line per check result change is the log; requests are not

    return Handler


def main(argv):
    checks = plan(os.environ)
    if argv[1:2] == ["--plan"]:
        print(json.dumps([{k: c[k] for k in ("name", "kind", "target")} for c in checks], indent=1))
        return 0
    prober = Prober(checks)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    signal.signal(signal.SIGINT, lambda *_: stop.set())
    port = int(os.environ.get("HTTP_PORT") or 8080)
    server = ThreadingHTTPServer(("0.0.0.0", port), handler_for(prober))
    server.daemon_threads = True
    print(f"probe {APP}: Slipway stand-in app, listening on 0.0.0.0:{port}; checks: "
          f"{', '.join(c['name'] + ' ' + c['kind'] + ' ' + c['target'] for c in checks) or 'none'}", flush=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()

    def background():
        while not stop.is_set():
            prober.refresh()
            stop.wait(INTERVAL)
    threading.Thread(target=background, daemon=True).start()
    while not stop.wait(1):
        pass
    print(f"probe {APP}: stopping on signal", flush=True)
    os._exit(0)  # promptly: a check round in flight is not worth waiting for


if __name__ == "__main__":
    sys.exit(main(sys.argv))
