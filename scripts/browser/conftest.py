"""The browser journeys' stage: a fresh local stack started from the debug build (no
rebuild), Debian's headless Chromium driven by Playwright, and checks every page must pass:
no console error, no serious or critical axe-core violation, a screenshot of each page.

Environment: NATIVES_LOCAL_BIN (default target/debug/natives-local), CHROMIUM (default
/usr/bin/chromium), BROWSER_TEST_OUT (default target/browser-test: screenshots, the
stack's log).
"""

import json
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parents[2]
LOCAL_BIN = Path(os.environ.get("NATIVES_LOCAL_BIN", ROOT / "target/debug/natives-local"))
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")
OUT = Path(os.environ.get("BROWSER_TEST_OUT", ROOT / "target/browser-test"))
AXE_SOURCE = (Path(__file__).parent / "vendor/axe.min.js").read_text()

# As root, without a sandbox; no GPU; none of Chromium's own calls home (this machine's
# network refuses them, and they would only slow the start); a fake microphone that
# MediaRecorder records from, granted without a prompt.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--use-fake-device-for-media-stream",
    "--use-fake-ui-for-media-stream",
]

DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 390, "height": 844}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Stack:
    base: str
    data_dir: Path

    def api(self, method, path, body=None, token=None):
        """The API answer as (status, JSON or None), for setting up and checking."""
        headers = {"accept": "application/json"}
        data = None
        if body is not None:
            headers["content-type"] = "application/json"
            data = json.dumps(body).encode()
        if token:
            headers["authorization"] = f"Bearer {token}"
        request = urllib.request.Request(self.base + path, data=data, method=method, headers=headers)
        try:
            with urllib.request.urlopen(request) as response:
                text = response.read().decode()
                return response.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as error:
            return error.code, json.loads(error.read().decode() or "null")

    def code_sent(self, to, about):
        """The newest code e-mailed to `to` whose subject says `about`, as a developer
        reads it (`natives-local outbox list --json`)."""
        listed = subprocess.run(
            [str(LOCAL_BIN), "--data-dir", str(self.data_dir), "outbox", "list", "--json"],
            check=True,
            capture_output=True,
            text=True,
        ).stdout
        emails = [json.loads(line) for line in listed.splitlines() if line.strip()]
        text = [e["text"] for e in emails if e["to"] == to and about in e["subject"]][-1]
        return next(line for line in text.splitlines() if len(line) == 6 and line.isdigit())

    def operator(self, *args):
        """A `natives-local` operator command on this stack's data (e.g. set-roles)."""
        subprocess.run(
            [str(LOCAL_BIN), "--data-dir", str(self.data_dir), *args],
            check=True,
            stdout=subprocess.DEVNULL,
        )


@pytest.fixture(scope="session")
def out_dir():
    shutil.rmtree(OUT / "screenshots", ignore_errors=True)
    (OUT / "screenshots").mkdir(parents=True)
    return OUT


@pytest.fixture(scope="session")
def stack(out_dir, tmp_path_factory):
    assert LOCAL_BIN.exists(), f"{LOCAL_BIN} is missing: build first (cargo build -p natives-local)"
    data_dir = tmp_path_factory.mktemp("stack-data")
    base = f"http://127.0.0.1:{free_port()}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("STRIPE_", "TERMS_"))}
    with open(out_dir / "stack.log", "w") as log:
        process = subprocess.Popen(
            [str(LOCAL_BIN), "serve", "--addr", base.removeprefix("http://"), "--data-dir", str(data_dir)],
            stdout=log,
            stderr=subprocess.STDOUT,
            env=env,
        )
    try:
        stack = Stack(base, data_dir)
        deadline = time.monotonic() + 30
        while True:
            try:
                if stack.api("GET", "/v1/terms")[0] == 200:
                    break
            except OSError:
                pass
            assert process.poll() is None, "the local stack stopped: see stack.log"
            assert time.monotonic() < deadline, "the local stack did not answer in 30 s"
            time.sleep(0.1)
        yield stack
    finally:
        process.terminate()
        process.wait(timeout=10)


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@dataclass
class Pages:
    """New browser contexts (each its own cookie jar: a separate person), with every
    console error and uncaught exception collected."""

    browser: object
    stack: Stack
    out: Path
    errors: list = field(default_factory=list)
    contexts: list = field(default_factory=list)

    def new(self, viewport=DESKTOP):
        context = self.browser.new_context(
            base_url=self.stack.base, viewport=viewport, accept_downloads=True
        )
        context.set_default_timeout(10_000)
        self.contexts.append(context)
        page = context.new_page()
        page.on(
            "console",
            lambda message: message.type == "error"
            and self.errors.append(f"{page.url}: console: {message.text}"),
        )
        page.on("pageerror", lambda error: self.errors.append(f"{page.url}: uncaught: {error}"))
        return page

    def screenshot(self, page, name):
        page.screenshot(path=str(self.out / "screenshots" / f"{name}.png"), full_page=True)

    def accessible(self, page, name):
        """axe-core on the page as it is: no serious or critical violation. The checker
        is evaluated through DevTools, which the page's Content-Security-Policy does
        not govern (the policy stays on for everything the page does itself)."""
        session = page.context.new_cdp_session(page)
        session.send("Runtime.evaluate", {"expression": AXE_SOURCE})
        session.detach()
        violations = page.evaluate(
            """async () => (await axe.run(document, {resultTypes: ['violations']})).violations
                 .map(v => ({id: v.id, impact: v.impact, help: v.help,
                             nodes: v.nodes.slice(0, 3).map(n => n.target.join(' '))}))"""
        )
        serious = [v for v in violations if v["impact"] in ("serious", "critical")]
        assert not serious, f"{name}: accessibility violations: {json.dumps(serious, indent=1)}"

    def check(self, page, name):
        """Every main page: accessible, and photographed."""
        self.accessible(page, name)
        self.screenshot(page, name)


@pytest.fixture
def pages(browser, stack, out_dir):
    pages = Pages(browser, stack, out_dir)
    yield pages
    for context in pages.contexts:
        context.close()
    assert not pages.errors, "errors in the browser console:\n" + "\n".join(pages.errors)


@pytest.fixture(scope="session")
def world():
    """What one journey leaves for the next (the user, the thread), in file order."""
    return {}
