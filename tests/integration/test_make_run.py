"""`make run` as a newcomer uses it: the printed web chat and the terminal answer, and Ctrl-C stops it all."""

from __future__ import annotations

import asyncio
import os
import queue
import re
import signal
import subprocess
import threading
import time
import uuid
from pathlib import Path

import aiohttp

from test_support.paths import ROOT
from test_support.rasa_server import free_port


def output_lines(process: subprocess.Popen[str]) -> queue.Queue[str]:
    """The program's output lines, read in a thread so that a silent program cannot hang the test."""
    lines: queue.Queue[str] = queue.Queue()

    def read() -> None:
        assert process.stdout is not None
        for line in process.stdout:
            lines.put(line)

    threading.Thread(target=read, daemon=True).start()
    return lines


def read_until(lines: queue.Queue[str], marker: str, timeout_s: float) -> str:
    """Read output lines until one contains ``marker``."""
    seen = ""
    deadline = time.monotonic() + timeout_s
    while marker not in seen:
        try:
            seen += lines.get(timeout=max(0.1, deadline - time.monotonic()))
        except queue.Empty:
            raise AssertionError(f"no {marker!r} within {timeout_s} s; output so far:\n{seen}") from None
    return seen


def chat_on_the_web_page(chat_url: str, text: str) -> str:
    """Send one message over the chat page's websocket; return the first bot answer."""
    async def chat() -> str:
        socket_url = chat_url.replace("/chat", f"/web/socket?session=make-run-{uuid.uuid4().hex[:12]}")
        async with aiohttp.ClientSession() as http:
            async with http.get(chat_url) as page:
                assert page.status == 200 and "Asisten MPP Digital" in await page.text()
            async with http.ws_connect(socket_url) as ws:
                await ws.receive_json()
                await ws.send_json({"type": "message", "id": "first", "text": text})
                while True:
                    frame = await asyncio.wait_for(ws.receive_json(), 60)
                    if frame["type"] == "message":
                        return str(frame["text"])
    return asyncio.run(chat())


def test_the_web_chat_and_the_terminal_answer_and_ctrl_c_stops_every_process(model: Path, tmp_path: Path) -> None:
    ports = {name: free_port() for name in ("RASA_PORT", "ACTIONS_PORT", "BACKEND_PORT", "GATEWAY_PORT")}
    process = subprocess.Popen(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "scripts" / "run_stack.py")],
        cwd=ROOT, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
        env={**os.environ, **{name: str(port) for name, port in ports.items()}, "PYTHONUNBUFFERED": "1",
             "BACKEND_DATABASE_URL": f"sqlite:///{tmp_path / 'backoffice.db'}",
             "GATEWAY_DATABASE_URL": f"sqlite:///{tmp_path / 'gateway.db'}"},
    )
    lines = output_lines(process)
    try:
        started = read_until(lines, "Chat with the assistant", 240)
        chat_url = re.search(r"Chat in a browser: (\S+)", started)
        assert chat_url, started
        assert chat_url.group(1) == f"http://127.0.0.1:{ports['GATEWAY_PORT']}/chat"
        assert "Bapak/Ibu" in chat_on_the_web_page(chat_url.group(1), "halo")
        assert process.stdin is not None
        process.stdin.write("halo min\n")
        process.stdin.flush()
        menu = read_until(lines, "[10]", 60)
        assert "Bapak/Ibu" in menu
        process.stdin.write("1\n")  # press the first button (KTP-el)
        process.stdin.flush()
        assert "KTP-el" in read_until(lines, "[1]", 60)
        process.stdin.write("mpp di kabupaten wajo dimana\n")  # the action server asks the back office
        process.stdin.flush()
        read_until(lines, "MPP Kabupaten Wajo", 60)
    finally:
        process.send_signal(signal.SIGINT)
        process.wait(timeout=60)
    assert "back office stopped" in read_until(lines, "back office stopped", 5)
    for port in ports.values():
        leftovers = subprocess.run(["pgrep", "-f", f"--port {port}"], capture_output=True, text=True).stdout
        assert leftovers == ""
