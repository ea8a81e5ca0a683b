"""Pages and the booking API under load, beside a Flask hello-world in the same run.

    .venv/bin/python bench/pages.py [--quick]

Both run under gunicorn with the same settings (2 sync workers); `wrk -c10` loads each in
turn for the same time. The figures that matter are the ratios: this machine is shared.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from datetime import timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import workload as w

ROOT = Path(__file__).resolve().parent.parent
GUNICORN = [str(ROOT / ".venv/bin/gunicorn"), "--workers", "2", "--worker-class", "sync"]
SECONDS = 3 if "--quick" in sys.argv else 5
ROUNDS = 1 if "--quick" in sys.argv else 3


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def served(target: str, env: dict[str, str]):
    """`gunicorn target` on a free port until the block ends; yields the base URL."""
    port = free_port()
    process = subprocess.Popen(
        [*GUNICORN, "--bind", f"127.0.0.1:{port}", target],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                urllib.request.urlopen(base + "/", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        yield base
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def wrk(
    url: str, script: str | None = None, seconds: int = SECONDS, start: int = 0
) -> dict[str, float]:
    """Requests a second and latency percentiles (ms) from one wrk run; `start` is passed
    to the script (where in its list of bodies to begin)."""
    command = ["wrk", "-t2", "-c10", f"-d{seconds}s", "--latency"]
    if script:
        command += ["-s", script]
    command += [url, "--", str(start)]
    out = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    figures = {"rps": float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))}
    for label, value, unit in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s)\s*$", out, re.M):
        scale = {"us": 0.001, "ms": 1.0, "s": 1000.0}[unit]
        figures[f"p{label}"] = float(value) * scale
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    figures["non2xx"] = float(errors.group(1)) if errors else 0.0
    return figures


def fetch(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=30) as response:
        return response.read()


def booking_script(folder: Path, slots: list[dict]) -> str:
    """A wrk script that books a different free time with each request."""
    bodies = [
        json.dumps(
            {
                "service": w.SERVICE_SLUG,
                "start": slot["start"],
                "practitioner": slot["practitioner"]["id"],
                "client": {"name": f"Load Test {n}", "email": f"load{n}@bench.example"},
            }
        )
        for n, slot in enumerate(slots)
    ]
    path = folder / "book.lua"
    lua_bodies = ",\n".join("[==[" + body + "]==]" for body in bodies)
    path.write_text(
        f"""
local bodies = {{ {lua_bodies} }}
local counter = 0
local threads = 0
function setup(thread)
  thread:set("offset", threads)
  threads = threads + 1
end
function init(args)
  counter = offset + tonumber(args[1] or "0")
end
request = function()
  counter = counter + 2
  local body = bodies[(counter % #bodies) + 1]
  return wrk.format("POST", "/api/v1/bookings", {{["Content-Type"] = "application/json"}}, body)
end
"""
    )
    return str(path)


def side_by_side(
    hello_url: str, url: str, script: str | None = None, bodies: int = 0
) -> tuple[dict, dict]:
    """ROUNDS alternating runs of the hello-world and `url`; each round's ratio is taken
    against the hello-world run just before it (the machine is shared, and its speed drifts),
    and the round with the median ratio is reported."""
    rounds = []
    for number in range(ROUNDS):
        hello = wrk(hello_url)
        got = wrk(url, script, start=number * (bodies // ROUNDS))
        rounds.append((got["rps"] / hello["rps"], got, hello))
    rounds.sort(key=lambda r: r[0])
    _, got, hello = rounds[len(rounds) // 2]
    return got, hello


def report(name: str, got: dict[str, float], hello: dict[str, float], goal: str) -> None:
    ratio = got["rps"] / hello["rps"]
    errors = f", {int(got['non2xx'])} non-2xx" if got["non2xx"] else ""
    print(
        f"{name}: {got['rps']:.0f} req/s = {ratio:.2f}x hello-world ({hello['rps']:.0f} req/s), "
        f"p50 {got['p50']:.1f} ms, p99 {got['p99']:.1f} ms{errors}  (goal {goal}; "
        f"median of {ROUNDS} alternating rounds)"
    )


def free_times(base: str, therapists: list[int]) -> list[dict]:
    """Every free (time, therapist) of these therapists, from the API."""
    last_day = w.FIRST_DAY + timedelta(days=w.DAYS - 1)
    slots = []
    for therapist in therapists:
        query = (
            f"service={w.SERVICE_SLUG}&start={w.FIRST_DAY}&end={last_day}&practitioner={therapist}"
        )
        slots += json.loads(fetch(f"{base}/api/v1/availability?{query}"))["slots"]
    return slots


def main() -> None:
    url = w.database_url("booking_bench_http")
    env = w.environment(url)
    env["BASE_URL"] = "http://127.0.0.1"
    w.migrate(env)
    from booking import create_app
    from config import config_from_environment

    app = create_app(config_from_environment(env))
    w.seed(app, w.STANDARD)
    times_path = f"/book/{w.SERVICE_SLUG}?from={w.FIRST_DAY.isoformat()}"
    folder = Path(tempfile.mkdtemp(prefix="booking-bench-http-"))
    try:
        with served("hello:app", {**env, "PYTHONPATH": str(ROOT / "bench")}) as hello_base:
            hello_url = hello_base + "/"
            with served("wsgi:app", env) as base:
                size = len(fetch(base + times_path)) / 1024
                print(f"times page: {size:.1f} KB of HTML (goal <= 40 KB)")
                wrk(base + times_path, seconds=2)  # warm both workers
                got, hello = side_by_side(hello_url, base + times_path)
                report("times page", got, hello, ">= 0.3x, p99 <= 100 ms")
                got, hello = side_by_side(hello_url, base + "/book")
                report("/book", got, hello, ">= 0.3x")
                # Room to book: therapists with nothing booked, so no request meets a taken time.
                slots = free_times(base, w.add_free_therapists(app, 12))
                script = booking_script(folder, slots)
                booked, hello = side_by_side(
                    hello_url, base + "/api/v1/bookings", script, bodies=len(slots)
                )
                report("POST /api/v1/bookings", booked, hello, ">= 150 bookings/s, p99 <= 100 ms")
                print(f"  ({len(slots)} free times to book; each request books another)")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main()
