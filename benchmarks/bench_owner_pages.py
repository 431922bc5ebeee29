# Copyright 2026 Fusion Helpdesk
# License AGPL-3.0 or later (https://www.gnu.org/licenses/agpl).
"""Owner pages on a phone: bytes over the wire, requests and time to interactive.

Each owner page (confirm approve / changes, all pending, done after the
confirm's one submit, closed link) is loaded in headless Chromium at 390x844
driven through the Chrome DevTools protocol (``websocket-client``, already in
Odoo's venv), from a real Odoo HTTP server. Printed per page: bytes
transferred (encoded, all requests), number of requests, time to interactive
(``domInteractive`` of the navigation), and whether the page loads a script.
Target: the confirm page at most 100 KB and no script needed to decide.
"""

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time

import _common
import _odoo

REQUIRES_ODOO = True
CONFIRM_TARGET_BYTES = 100 * 1024


class Chromium:
    """One headless Chromium tab driven over CDP."""

    def __init__(self, binary):
        import websocket  # pylint: disable=import-outside-toplevel

        self.profile = tempfile.mkdtemp(prefix="fh-bench-chromium-")
        self.process = subprocess.Popen(
            [
                binary,
                "--headless=new",
                "--no-sandbox",
                "--disable-gpu",
                "--remote-debugging-port=0",
                "--user-data-dir=%s" % self.profile,
                "--window-size=390,844",
                "about:blank",
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        url = None
        for line in self.process.stderr:
            if line.startswith("DevTools listening on "):
                url = line.split(" on ", 1)[1].strip()
                break
        import requests  # pylint: disable=import-outside-toplevel

        base = url.split("/devtools/")[0].replace("ws://", "http://")
        page = next(
            t for t in requests.get(base + "/json", timeout=10).json() if t["type"] == "page"
        )
        self.ws = websocket.create_connection(page["webSocketDebuggerUrl"], timeout=30)
        self.next_id = 0
        self.events = []
        self.call("Network.enable")
        self.call("Page.enable")
        self.call("Network.setCacheDisabled", cacheDisabled=True)
        self.call(
            "Emulation.setDeviceMetricsOverride",
            width=390,
            height=844,
            deviceScaleFactor=3,
            mobile=True,
        )

    def call(self, method, **params):
        self.next_id += 1
        self.ws.send(json.dumps({"id": self.next_id, "method": method, "params": params}))
        while True:
            message = json.loads(self.ws.recv())
            if message.get("id") == self.next_id:
                return message.get("result", {})
            self.events.append(message)

    def wait_load(self, timeout=30):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if any(e.get("method") == "Page.loadEventFired" for e in self.events):
                return
            self.events.append(json.loads(self.ws.recv()))
        raise RuntimeError("page did not load")

    def measure(self, action):
        """Run ``action`` (a navigation) and return the page's figures."""
        self.events = []
        action()
        self.wait_load()
        time.sleep(0.3)  # late loadingFinished events (favicon)
        self.ws.settimeout(0.2)
        try:
            while True:
                self.events.append(json.loads(self.ws.recv()))
        except Exception:  # noqa: BLE001  (websocket timeout: nothing more)
            pass
        self.ws.settimeout(30)
        requests_seen = {
            e["params"]["requestId"]
            for e in self.events
            if e.get("method") == "Network.requestWillBeSent"
        }
        transferred = sum(
            e["params"]["encodedDataLength"]
            for e in self.events
            if e.get("method") == "Network.loadingFinished"
        )
        timing = self.call(
            "Runtime.evaluate",
            expression="JSON.stringify([performance.timing.domInteractive - "
            "performance.timing.navigationStart, document.scripts.length])",
            returnByValue=True,
        )
        interactive_ms, scripts = json.loads(timing["result"]["value"])
        return transferred, len(requests_seen), interactive_ms, scripts

    def goto(self, url):
        return self.measure(lambda: self.call("Page.navigate", url=url))

    def submit(self):
        return self.measure(
            lambda: self.call(
                "Runtime.evaluate", expression="document.querySelector('form').requestSubmit()"
            )
        )

    def close(self):
        self.ws.close()
        self.process.terminate()
        self.process.wait(timeout=10)
        shutil.rmtree(self.profile, ignore_errors=True)


def bench(db, args):
    binary = shutil.which("chromium") or shutil.which("chromium-browser")
    if not binary:
        print("SKIPPED: no chromium on PATH")
        return 0
    with _odoo.environment(db) as env:
        engineer = _odoo.make_engineer(env)
        keys = _odoo.make_client_keys(env)
        tickets = _odoo.make_pending(env, 3, keys, engineer, lambda index: _odoo.days_ago(1))
        tokens = [_odoo.token_of(ticket) for ticket in tickets]
        env.cr.commit()
    rows = []
    results = {}
    with _odoo.server(db) as served:
        browser = Chromium(binary)
        try:
            link = served.url + "/fusion_helpdesk/engagement/%s/%s"
            pages = [
                ("confirm approve", lambda: browser.goto(link % (tokens[0], "approve"))),
                ("confirm changes", lambda: browser.goto(link % (tokens[1], "changes"))),
                ("all pending", lambda: browser.goto(link % (tokens[1], "all"))),
                ("open link", lambda: browser.goto(link % (tokens[0], "approve"))),
                ("done (1 submit)", browser.submit),
                ("closed link", lambda: browser.goto(link % (tokens[0], "approve"))),
            ]
            for label, load in pages:
                transferred, count, interactive_ms, scripts = load()
                results[label] = transferred
                rows.append(
                    (
                        label,
                        "%.1f KB" % (transferred / 1024),
                        count,
                        "%d ms" % interactive_ms,
                        scripts,
                    )
                )
        finally:
            browser.close()
    _common.print_table(
        ("page (390x844)", "transferred", "requests", "interactive", "scripts"), rows
    )
    met = results["confirm approve"] <= CONFIRM_TARGET_BYTES
    print("confirm page <= 100 KB: %s" % _odoo.verdict(met))
    return 0 if met else 1


def main(argv=None):
    parser = argparse.ArgumentParser(prog="bench_owner_pages", description=__doc__.splitlines()[0])
    args = parser.parse_args(argv)
    return _odoo.run("owner_pages", bench, args)


if __name__ == "__main__":
    sys.exit(main())
