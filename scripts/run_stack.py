"""`make run`: train if needed, start every process of the assistant, chat in the terminal.

Processes (design.md): the back office on 8000 (SQLite under var/, demo data
seeded), the action server on 5055, the Rasa server on 5005 and the gateway on
8080, whose web chat (printed at the end) is where a citizen chats; with
TELEGRAM_BOT_TOKEN set, Telegram works too. Ports can be moved with
BACKEND_PORT, ACTIONS_PORT, RASA_PORT and GATEWAY_PORT. Ctrl-C stops them all.
The terminal chats with Rasa directly (REST channel), for maintainers.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import threading
import uuid
from dataclasses import dataclass
from pathlib import Path

import aiohttp

ROOT = Path(__file__).resolve().parent.parent
VENV_BIN = ROOT / ".venv" / "bin"
SERVICES_PYTHON = ROOT / ".venv-services" / "bin" / "python"  # the gateway and the back office (Python 3.12+)
RASA_PORT = int(os.environ.get("RASA_PORT", "5005"))
RASA_URL = f"http://127.0.0.1:{RASA_PORT}"
ACTIONS_PORT = int(os.environ.get("ACTIONS_PORT", "5055"))
BACKEND_PORT = int(os.environ.get("BACKEND_PORT", "8000"))
BACKEND_URL = f"http://127.0.0.1:{BACKEND_PORT}"
GATEWAY_PORT = int(os.environ.get("GATEWAY_PORT", "8080"))
GATEWAY_URL = f"http://127.0.0.1:{GATEWAY_PORT}"
RUN_DIR = ROOT / "var" / "run"
STARTUP_TIMEOUT_S = 180


@dataclass
class Service:
    """One process of the stack and the URL that answers when it is ready."""

    name: str
    command: list[str]
    ready_url: str


def endpoints_file() -> Path:
    """endpoints.yml with the action server's port of this run."""
    RUN_DIR.mkdir(parents=True, exist_ok=True)
    path = RUN_DIR / "endpoints.yml"
    text = (ROOT / "endpoints.yml").read_text(encoding="utf-8")
    path.write_text(text.replace("http://127.0.0.1:5055/webhook", f"http://127.0.0.1:{ACTIONS_PORT}/webhook"),
                    encoding="utf-8")
    return path


def services(model: str) -> list[Service]:
    """Return the processes to start, in order: each one's dependencies first."""
    return [
        Service("back office", [str(SERVICES_PYTHON), "-m", "backend", "--port", str(BACKEND_PORT)],
                f"{BACKEND_URL}/health"),
        Service("actions", [str(VENV_BIN / "rasa"), "run", "actions", "--actions", "actions",
                            "--port", str(ACTIONS_PORT)], f"http://127.0.0.1:{ACTIONS_PORT}/health"),
        Service(
            "rasa",
            [str(VENV_BIN / "rasa"), "run", "--enable-api", "--model", model, "--port", str(RASA_PORT),
             "--credentials", "credentials.yml", "--endpoints", str(endpoints_file()), "--cors", "*"],
            f"{RASA_URL}/status",
        ),
        Service("gateway", [str(SERVICES_PYTHON), "-m", "bot", "serve", "--port", str(GATEWAY_PORT)],
                f"{GATEWAY_URL}/healthz"),
    ]


def seed_demo_data(env: dict[str, str]) -> None:
    """Create the back office's schema and demo data (idempotent: a second run changes nothing)."""
    subprocess.run([str(SERVICES_PYTHON), "-m", "backend", "seed"], cwd=ROOT, env=env, check=True,
                   stdout=subprocess.DEVNULL)


async def wait_ready(session: aiohttp.ClientSession, service: Service, process: subprocess.Popen[bytes]) -> None:
    """Poll the service until it answers, failing early if it died."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + STARTUP_TIMEOUT_S
    while loop.time() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"{service.name} stopped while starting (exit code {process.returncode})")
        try:
            async with session.get(service.ready_url, timeout=aiohttp.ClientTimeout(total=2)) as response:
                if response.status == 200:
                    return
        except (aiohttp.ClientError, asyncio.TimeoutError):
            pass
        await asyncio.sleep(1)
    raise SystemExit(f"{service.name} did not answer on {service.ready_url} within {STARTUP_TIMEOUT_S} s")


def print_reply(messages: list[dict], buttons: list[dict]) -> None:
    """Print the bot's messages and number its buttons."""
    for message in messages:
        if message.get("text"):
            print(f"\nBot: {message['text']}")
        for button in message.get("buttons", []):
            buttons.append(button)
            print(f"  [{len(buttons)}] {button['title']}")


def stdin_lines() -> asyncio.Queue[str | None]:
    """Read stdin in a daemon thread (it must not keep Ctrl-C from ending the program)."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[str | None] = asyncio.Queue()

    def read() -> None:
        for line in sys.stdin:
            loop.call_soon_threadsafe(queue.put_nowait, line)
        loop.call_soon_threadsafe(queue.put_nowait, None)

    threading.Thread(target=read, daemon=True).start()
    return queue


async def terminal_chat(session: aiohttp.ClientSession) -> None:
    """Chat with the assistant through the REST channel; a number presses a button."""
    sender = f"terminal-{uuid.uuid4().hex[:8]}"
    print("\nChat with the assistant (type a message, a button number, or Ctrl-C to stop).")
    print("\nAnda: ", end="", flush=True)
    lines = stdin_lines()
    buttons: list[dict] = []
    while True:
        line = await lines.get()
        if line is None:
            await asyncio.Event().wait()  # no terminal (stdin closed): keep serving until Ctrl-C
            continue
        text = line.strip()
        if not text:
            continue
        if text.isdigit() and 0 < int(text) <= len(buttons):
            text = buttons[int(text) - 1]["payload"]
        buttons = []
        async with session.post(f"{RASA_URL}/webhooks/rest/webhook",
                                json={"sender": sender, "message": text}) as response:
            print_reply(await response.json(), buttons)
        print("\nAnda: ", end="", flush=True)


async def main() -> None:
    trained = subprocess.run([str(ROOT / "scripts" / "train.sh")], cwd=ROOT, check=True,
                             stdout=subprocess.PIPE, text=True)
    model = (trained.stdout or "").strip().splitlines()[-1]
    (ROOT / "var" / "rasa").mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "BACKOFFICE_URL": BACKEND_URL, "RASA_URL": RASA_URL}
    seed_demo_data(env)
    processes: list[tuple[Service, subprocess.Popen[bytes]]] = []
    try:
        async with aiohttp.ClientSession() as session:
            for service in services(model):
                print(f"starting {service.name}: {' '.join(service.command[1:3])} ...", flush=True)
                process = subprocess.Popen(service.command, cwd=ROOT, env=env, start_new_session=True)
                processes.append((service, process))
                await wait_ready(session, service, process)
                print(f"{service.name} ready at {service.ready_url.rsplit('/', 1)[0]}", flush=True)
            print(f"\nThe assistant is running. Chat in a browser: {GATEWAY_URL}/chat")
            print(f"(embed in a website: <iframe src=\"{GATEWAY_URL}/chat?embed=1\"></iframe>; "
                  f"Rasa's REST channel: {RASA_URL}/webhooks/rest/webhook)")
            print(f"Agent console: {GATEWAY_URL}/console (accounts: .venv-services/bin/python -m bot agents create "
                  "<username> --name \"<Name>\" [--role supervisor])")
            await terminal_chat(session)
    finally:
        for _service, process in reversed(processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for name, process in ((service.name, process) for service, process in processes):
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
            print(f"{name} stopped")


if __name__ == "__main__":
    with contextlib.suppress(KeyboardInterrupt):
        asyncio.run(main())
