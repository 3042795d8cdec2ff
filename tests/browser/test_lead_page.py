#!/usr/bin/python3
"""The lead's page in a real browser: headless Chromium through Selenium against `ritme
serve` on the real clock, with Kannel and its fake SMS centre on loopback (as the gateway
tests start them). The steps run in order on one browser, one function each, as a lead
goes: she signs in with a link from `ritme lead link`, sees a participant's "NEE" sent
through fakesmsc and Kannel appear on the session card, marks attendance with one tap,
moves the session after seeing which messages the move sends; a second lead gets 403 on
her programme, a forged CSRF token and an expired link are refused; a participant marked
absent at two sessions in a row shows as a follow-up on the programme page, and
"Afgehandeld" closes it. A step that comes
with a new part of the page (a follow-up, a message to the group) is one more function
after these.

Every page is checked with axe-core (no violation of impact serious or critical; the
others are printed) and photographed at phone (390×844) and desktop (1280×900) width
into SCREENSHOTS (build/screenshots by default; RITME_SCREENSHOTS overrides).

Under faketime (the suite at another hour) ritme, Kannel, Chromium and this test all read
the faked clock; an expired link is made 25 hours before that clock, whatever it says.

Environment: RITME (the binary) and RITME_SOURCE (the source tree), set by CTest;
RITME_AXE, axe.min.js (by default where scripts/install-deps puts it)."""
import base64
import contextlib
import os
import secrets
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import unittest
import urllib.error
import urllib.parse
import urllib.request
from datetime import datetime, timedelta, timezone

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "gateways"))
import harness  # noqa: E402
from harness import PROGRAMME_ID, World, secret_file, session_start_from_now, wait_for  # noqa: E402
from test_servers import common, kannel  # noqa: E402

from selenium import webdriver  # noqa: E402
from selenium.common.exceptions import WebDriverException  # noqa: E402
from selenium.webdriver.chrome.service import Service  # noqa: E402
from selenium.webdriver.common.by import By  # noqa: E402

AXE = os.environ.get("RITME_AXE", "/usr/local/lib/ritme-test/axe-core-4.10.2/node_modules/axe-core/axe.min.js")
SCREENSHOTS = os.environ.get("RITME_SCREENSHOTS",
                             os.path.join(os.path.dirname(os.path.abspath(harness.RITME)), "screenshots"))
CHROMIUM = "/usr/bin/chromium"
CHROMEDRIVER = "/usr/bin/chromedriver"
WIDTHS = {"phone": (390, 844), "desktop": (1280, 900)}
PAGE_DEADLINE = 30.0  # seconds for something sent by SMS to show on the page

SENDER = "Gemeente"
INBOUND_QUERY = "from=%p&to=%P&coding=%c&charset=%C&text=%b&id=%I&at=%t"
# The participants: she who says NEE by SMS, she whom the lead excuses, one who says nothing.
ANNA = ("Anna de Nee", "+31611140001", 2)
BIBI = ("Bibi Afgemeld", "+31611140002", 0)
CHANTAL = ("Chantal Stil", "+31611140003", 1)


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class LeadPageTest(unittest.TestCase):
    """One lead's morning on the page; the steps share the browser and the world."""

    @classmethod
    def setUpClass(cls):
        cls.stack = contextlib.ExitStack()
        try:
            cls.start()
        except BaseException:
            cls.stack.close()
            raise

    @classmethod
    def tearDownClass(cls):
        cls.stack.close()

    @classmethod
    def start(cls):
        with open(AXE) as f:  # fails here, clearly, when scripts/install-deps has not run
            cls.axe = f.read()
        os.makedirs(SCREENSHOTS, exist_ok=True)
        print(f"\nscreenshots: {SCREENSHOTS}", file=sys.stderr)

        servers = tempfile.mkdtemp(prefix="ritme-browser-")
        cls.stack.callback(lambda: os.environ.get("RITME_KEEP") or shutil.rmtree(servers, ignore_errors=True))
        port = common.free_port()
        token = secrets.token_hex(16)
        token_file = secret_file(servers, "receipts.secret", token)
        cls.base = f"http://127.0.0.1:{port}"
        cls.kannel = kannel.start(servers, inbound_url=f"{cls.base}/inbound/sms?{INBOUND_QUERY}&token={token}")
        cls.stack.callback(kannel.stop, servers)

        channels = f"""
[channel.sms]
adapter = "kannel"
url = "{cls.kannel["sendsms_url"]}"
username = "{cls.kannel["username"]}"
password_file = "{cls.kannel["password_file"]}"
from = "{SENDER}"
receipt_token_file = "{token_file}"
dlr_url = "{cls.base}/receipts/{{channel}}?delivery={{delivery}}&type=%d&reply=%A&token={{token}}"
timeout_seconds = 5
"""
        # The session's 2h reminder due at once, its 1h reminder still to come; everyone
        # enrolled after the move, so no notice of it.
        world = cls.world = World(channels, real_clock=True, offsets=["2h", "1h"], listen=f"127.0.0.1:{port}")
        cls.stack.callback(world.close)
        world.session_due_now()
        cls.ids = {}
        for name, phone, children in (ANNA, BIBI, CHANTAL):
            cls.ids[name] = world.add(name, phone=phone)
            if children:
                world.ritme("participant", "edit", cls.ids[name], "--children", str(children))
        cls.lead = cls.lead_id("Fatima")  # the programme file's [lead]
        cls.session_id = cls.query("SELECT id FROM session WHERE programme_id = ?", PROGRAMME_ID)[0]["id"]

        cls.stack.enter_context(world.serve())
        wait_for(lambda: common.listening(port), "ritme serve listening")

        options = webdriver.ChromeOptions()
        options.binary_location = CHROMIUM
        # --no-sandbox: Chromium's sandbox refuses to run as root, as the CI does.
        for argument in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                         "--lang=nl-NL", "--hide-scrollbars", "--force-device-scale-factor=1"):
            options.add_argument(argument)
        options.add_experimental_option("prefs", {"intl.accept_languages": "nl-NL,nl"})
        # A Dutch browser: its date and time fields follow LANG, not the page's lang.
        service = Service(CHROMEDRIVER, env={**os.environ, "LANG": "nl_NL.UTF-8", "LANGUAGE": "nl"})
        cls.browser = webdriver.Chrome(service=service, options=options)
        cls.stack.callback(cls.browser.quit)
        cls.browser.set_window_size(*WIDTHS["desktop"])
        cls.browser.set_page_load_timeout(30)
        cls.browser.set_script_timeout(30)

    # --- ritme and its database ------------------------------------------------------------

    @classmethod
    def query(cls, sql, *params):
        with contextlib.closing(sqlite3.connect(cls.world.database)) as db:
            db.row_factory = sqlite3.Row
            return [dict(r) for r in db.execute(sql, params)]

    @classmethod
    def lead_id(cls, name):
        rows = cls.query("SELECT id FROM lead WHERE name = ?", name)
        assert len(rows) == 1, rows
        return rows[0]["id"]

    def link(self, lead, faketime=None):
        """A sign-in link from `ritme lead link`, on this server's address; made at the
        moment `faketime` (UTC) when given, under faketime."""
        command = [harness.RITME, "-c", self.world.config, "lead", "link", lead]
        env = dict(os.environ)
        if faketime is not None:
            command = ["faketime", "-f", "@" + faketime.strftime("%Y-%m-%d %H:%M:%S"), *command]
            env["TZ"] = "UTC"
        result = subprocess.run(command, capture_output=True, text=True, env=env, timeout=60)
        self.assertEqual(result.returncode, 0, result.stderr)
        url = result.stdout.strip().splitlines()[-1]
        self.assertIn("/signin?token=", url)
        return self.base + url[url.index("/signin?"):]

    def attendance(self, participant):
        return [r["status"] for r in self.query("SELECT status FROM attendance WHERE participant_id = ?",
                                                participant)]

    def session_row(self):
        return self.query("SELECT * FROM session WHERE id = ?", self.session_id)[0]

    # --- the browser -------------------------------------------------------------------------

    def open(self, path):
        self.browser.get(self.base + path)

    def path(self):
        return urllib.parse.urlsplit(self.browser.current_url).path

    def heading(self):
        return self.browser.find_element(By.TAG_NAME, "h1").text

    def sign_in(self, link):
        self.browser.get(link)
        self.click_through(self.browser.find_element(By.CSS_SELECTOR, "form[action='/signin'] button[type=submit]"))

    def click_through(self, element):
        """Clicks a link or a form's button and waits for the page it leads to: a click
        returns before the answer to a POST has replaced the page. The old page carries a mark;
        while the browser is between pages a question to it may fail, and is asked again."""
        self.browser.execute_script("window.ritmeOldPage = true")
        element.click()

        def replaced():
            try:
                return self.browser.execute_script(
                    "return window.ritmeOldPage === undefined && document.readyState === 'complete'")
            except WebDriverException:
                return False
        wait_for(replaced, "the next page", PAGE_DEADLINE)

    def names_under(self, css):
        """The names listed under each heading with class `css` on a session card."""
        script = """
            const names = [];
            for (const h of document.querySelectorAll(arguments[0])) {
              const list = h.nextElementSibling;
              if (list && list.tagName === 'UL')
                for (const a of list.querySelectorAll('li a')) names.push(a.textContent);
            }
            return names;"""
        return self.browser.execute_script(script, css)

    def reload_until(self, condition, what, timeout=PAGE_DEADLINE):
        """Reloads the page until `condition()` holds: for what another process does."""
        def reloaded():
            self.browser.refresh()
            return condition()
        return wait_for(reloaded, what, timeout)

    def session_cookie(self):
        cookie = self.browser.get_cookie("ritme_session")
        self.assertIsNotNone(cookie, "signed in: the browser holds ritme_session")
        return cookie["value"]

    def check_page(self, name):
        """At phone and at desktop width: axe-core on the page as it is, then its screenshot."""
        for width_name, (width, height) in WIDTHS.items():
            metrics = {"width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600}
            self.browser.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", metrics)
            try:
                self.accessibility(f"{name} ({width_name})")
                self.screenshot(f"{name}-{width_name}", width, height)
            finally:
                self.browser.execute_cdp_cmd("Emulation.clearDeviceMetricsOverride", {})

    def accessibility(self, name):
        """axe-core's rules: none of impact serious or critical broken; the others printed."""
        self.browser.execute_script(self.axe)
        result = self.browser.execute_async_script("""
            const done = arguments[arguments.length - 1];
            axe.run(document, {resultTypes: ['violations']})
               .then(r => done({passes: r.passes.length,
                                violations: r.violations.map(v => ({id: v.id, impact: v.impact, help: v.help,
                                                                    nodes: v.nodes.map(n => n.target.join(' '))
                                                                                  .slice(0, 5)}))}))
               .catch(e => done({error: String(e)}));""")
        self.assertNotIn("error", result, f"axe-core on {name}: {result}")
        self.assertGreater(result["passes"], 0, f"axe-core checked nothing on {name}")
        print(f"axe {name}: {result['passes']} rules passed, {len(result['violations'])} broken", file=sys.stderr)
        for violation in result["violations"]:
            print(f"axe {name}: {violation['impact']} {violation['id']}: {violation['help']} {violation['nodes']}",
                  file=sys.stderr)
        grave = [v for v in result["violations"] if v["impact"] in ("serious", "critical")]
        self.assertEqual(grave, [], f"axe-core: serious or critical violations on {name}")

    def screenshot(self, name, width, height):
        """The whole page at the viewport set, width×height (taller when the page is)."""
        full = max(height, self.browser.execute_script("return document.documentElement.scrollHeight"))
        shot = self.browser.execute_cdp_cmd("Page.captureScreenshot", {
            "format": "png", "captureBeyondViewport": True,
            "clip": {"x": 0, "y": 0, "width": width, "height": full, "scale": 1}})
        path = os.path.join(SCREENSHOTS, name + ".png")
        with open(path, "wb") as f:
            f.write(base64.b64decode(shot["data"]))

    # --- plain HTTP, for the status codes a browser does not show ----------------------------

    def status_of(self, path, form=None, cookie=None):
        data = urllib.parse.urlencode(form).encode() if form is not None else None
        request = urllib.request.Request(self.base + path, data=data)
        if cookie:
            request.add_header("Cookie", f"ritme_session={cookie}")
        opener = urllib.request.build_opener(NoRedirect)
        try:
            with opener.open(request, timeout=10) as answer:
                return answer.status
        except urllib.error.HTTPError as error:
            return error.code

    # --- the steps ---------------------------------------------------------------------------

    def test_01_a_lead_signs_in_with_a_link_and_sees_her_programme(self):
        link = self.link(self.lead)
        self.browser.get(link)
        self.check_page("signin")
        self.sign_in(link)
        self.assertEqual(self.path(), "/")
        self.assertIn("Fatima", self.browser.find_element(By.TAG_NAME, "main").text)
        programme = self.browser.find_element(By.CSS_SELECTOR, f"a[href='/p/{PROGRAMME_ID}']")
        self.assertEqual(programme.text, "Gateway test")
        self.check_page("home")
        self.click_through(programme)
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}")
        self.assertEqual(self.heading(), "Gateway test")
        card = self.browser.find_element(By.CSS_SELECTOR, ".card")
        self.assertIn(f"/p/{PROGRAMME_ID}/s/{self.session_id}",
                      card.find_element(By.CSS_SELECTOR, "h3 a").get_attribute("href"))
        for name, *_ in (ANNA, BIBI, CHANTAL):
            self.assertIn(name, card.text)
        # A link works once.
        self.assertEqual(self.status_of("/signin", {"token": link.split("token=")[1]}), 403)

    def test_02_a_nee_by_sms_appears_on_the_session_card(self):
        name, phone, _ = ANNA
        wait_for(lambda: any(m["receiver"] == phone for m in kannel.received(self.kannel)),
                 "the 2h reminder to Anna at the SMS centre")
        self.open(f"/p/{PROGRAMME_ID}")
        self.assertNotIn(name, self.names_under(".card h4.said-no"))
        kannel.send_mo(self.kannel, phone, "NEE")
        self.reload_until(lambda: name in self.names_under(".card h4.said-no"), "Anna's NEE on the card")
        self.assertNotIn(BIBI[0], self.names_under(".card h4.said-no"))
        counts = self.browser.find_element(By.CSS_SELECTOR, ".card .counts .said-no").text
        self.assertTrue(counts.startswith("1 "), counts)
        self.check_page("programme")
        # Her page shows the answer and the reminder she got.
        self.click_through(self.browser.find_element(By.LINK_TEXT, name))
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}/d/{self.ids[name]}")
        main = self.browser.find_element(By.TAG_NAME, "main").text
        self.assertIn("NEE", main)
        # Kannel's reports on her reminder, in Dutch like the rest of the page.
        self.assertNotIn("accepted by the SMS centre", main)
        self.check_page("participant")

    def test_03_attendance_is_marked_with_one_tap(self):
        name = BIBI[0]
        self.open(f"/p/{PROGRAMME_ID}/s/{self.session_id}")
        self.assertEqual(self.attendance(self.ids[name]), [])
        row = self.browser.find_element(By.XPATH, f"//li[span[@id='name-{self.ids[name]}']]")
        buttons = row.find_elements(By.CSS_SELECTOR, "button")
        self.assertTrue(buttons, "a button per status she may be marked with")
        excused = next(b for b in buttons if b.find_element(By.XPATH, "..").find_element(
            By.CSS_SELECTOR, "input[name=status]").get_attribute("value") == "excused")
        self.assertEqual(excused.get_attribute("aria-pressed"), "false")
        self.click_through(excused)
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}/s/{self.session_id}")
        self.assertEqual(self.attendance(self.ids[name]), ["excused"])
        row = self.browser.find_element(By.XPATH, f"//li[span[@id='name-{self.ids[name]}']]")
        pressed = row.find_elements(By.CSS_SELECTOR, "button[aria-pressed=true]")
        self.assertEqual(len(pressed), 1)
        self.assertEqual(pressed[0].find_element(By.XPATH, "..").find_element(
            By.CSS_SELECTOR, "input[name=status]").get_attribute("value"), "excused")
        self.assertIn(pressed[0].text, row.find_element(By.CSS_SELECTOR, ".tag").text)
        self.assertIn(name, self.names_under(".card h2.said-no"))
        self.check_page("session")
        # The crèche list counts the children of those expected: Chantal's one, not Anna's two.
        self.click_through(self.browser.find_element(By.CSS_SELECTOR, f"a[href$='/s/{self.session_id}/creche']"))
        main = self.browser.find_element(By.TAG_NAME, "main").text
        self.assertIn(CHANTAL[0], main)
        self.assertNotIn(ANNA[0], main)
        self.check_page("creche")

    def test_04_a_session_is_moved_after_the_preview_of_its_messages(self):
        before = self.session_row()
        self.open(f"/p/{PROGRAMME_ID}/s/{self.session_id}")
        self.click_through(self.browser.find_element(By.CSS_SELECTOR, f"a[href$='/s/{self.session_id}/move']"))
        self.check_page("move")
        to = session_start_from_now(170, 6)  # 2027-01-12T13:05, the same day or, late at night, the next
        date, time = to.split("T")
        for field, value in (("date", date), ("time", time)):
            element = self.browser.find_element(By.ID, field)
            self.browser.execute_script("arguments[0].value = arguments[1]", element, value)
        self.click_through(self.browser.find_element(By.CSS_SELECTOR, "form button[type=submit].primary"))
        # The preview: what changes, which messages go to whom; nothing changed yet.
        main = self.browser.find_element(By.TAG_NAME, "main")
        messages = [li.text for li in main.find_elements(By.CSS_SELECTOR, "ul > li")]
        self.assertTrue(any(CHANTAL[0] in m for m in messages), messages)
        self.assertTrue(any("sms" in m for m in messages), messages)
        confirm = main.find_element(By.CSS_SELECTOR, "input[name=confirm][value=yes]")
        self.assertEqual(self.session_row()["start_utc"], before["start_utc"])
        self.check_page("move-preview")
        self.click_through(confirm.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}/s/{self.session_id}")
        after = self.session_row()
        self.assertNotEqual(after["start_utc"], before["start_utc"])
        self.assertIn(time, self.heading())

    def test_05_a_second_lead_gets_403_on_the_first_leads_programme(self):
        other = self.world.ritme("lead", "add", "--name", "Bea Tweede", "--email",
                                 "bea@gemeente.example").stdout.strip()
        fatima_cookie = self.session_cookie()
        self.browser.delete_all_cookies()
        self.sign_in(self.link(other))
        self.assertEqual(self.path(), "/")
        self.assertIn("Bea Tweede", self.browser.find_element(By.TAG_NAME, "main").text)
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, f"a[href='/p/{PROGRAMME_ID}']"), [])
        bea_cookie = self.session_cookie()
        for path in (f"/p/{PROGRAMME_ID}", f"/p/{PROGRAMME_ID}/s/{self.session_id}",
                     f"/p/{PROGRAMME_ID}/d/{self.ids[ANNA[0]]}"):
            self.assertEqual(self.status_of(path, cookie=bea_cookie), 403, path)
            self.assertEqual(self.status_of(path, cookie=fatima_cookie), 200, path)
        self.open(f"/p/{PROGRAMME_ID}")
        self.assertNotIn(ANNA[0], self.browser.page_source)
        self.check_page("forbidden")
        # Back to the first lead for the steps after this.
        self.browser.delete_all_cookies()
        self.sign_in(self.link(self.lead))

    def test_06_a_forged_csrf_token_is_refused(self):
        name = CHANTAL[0]
        self.open(f"/p/{PROGRAMME_ID}/s/{self.session_id}")
        cookie = self.session_cookie()
        form = self.browser.find_element(By.XPATH, f"//li[span[@id='name-{self.ids[name]}']]//form")
        real = form.find_element(By.CSS_SELECTOR, "input[name=csrf]").get_attribute("value")
        forged = secrets.token_hex(len(real) // 2) if len(real) % 2 == 0 else "x" * len(real)
        status = form.find_element(By.CSS_SELECTOR, "input[name=status]").get_attribute("value")
        fields = {"participant": self.ids[name], "status": status}
        action = urllib.parse.urlsplit(form.get_attribute("action")).path
        self.assertEqual(self.status_of(action, {**fields, "csrf": forged}, cookie), 403)
        self.assertEqual(self.status_of(action, fields, cookie), 403)
        self.assertEqual(self.attendance(self.ids[name]), [])
        # The same in the browser: the form's token changed before it is sent.
        self.browser.execute_script("arguments[0].querySelector('input[name=csrf]').value = arguments[1]",
                                    form, forged)
        self.click_through(form.find_element(By.CSS_SELECTOR, "button"))
        self.assertEqual(self.browser.find_element(By.TAG_NAME, "h1").text, "Geen toegang")
        self.assertNotIn(name, self.browser.page_source)
        self.assertEqual(self.attendance(self.ids[name]), [])
        # The real token is taken.
        self.assertEqual(self.status_of(action, {**fields, "csrf": real}, cookie), 303)
        self.assertEqual(len(self.attendance(self.ids[name])), 1)

    def test_07_an_expired_link_is_refused(self):
        # Made 25 hours before the clock ritme serve reads (this process reads the same one).
        made = datetime.now(timezone.utc) - timedelta(hours=25)
        link = self.link(self.lead, faketime=made)
        token = urllib.parse.parse_qs(urllib.parse.urlsplit(link).query)["token"][0]
        self.browser.delete_all_cookies()
        self.sign_in(link)
        self.assertIsNone(self.browser.get_cookie("ritme_session"))
        self.assertIn("verlopen", self.browser.find_element(By.TAG_NAME, "main").text)
        self.check_page("link-refused")
        self.assertEqual(self.status_of("/signin", {"token": token}), 403)
        # A fresh link still works.
        self.sign_in(self.link(self.lead))
        self.assertEqual(self.path(), "/")

    def test_08_two_absences_in_a_row_show_as_a_follow_up_until_it_is_done(self):
        name = CHANTAL[0]
        participant = self.ids[name]
        # Two more weeks of the programme (sessions 2 and 3, 19 and 26 January 2027, after the
        # moved first); Chantal is marked absent at both, each from its start: the CLI on a
        # faked clock, as ritme serve reads the real one.
        programme_file = self.world.path("programmes", PROGRAMME_ID + ".toml")
        with open(programme_file) as f:
            text = f.read()
        self.assertIn("weeks = 1\n", text)
        with open(programme_file, "w") as f:
            f.write(text.replace("weeks = 1\n", "weeks = 3\n"))
        self.world.ritme("apply", programme_file)
        for number in (2, 3):
            start = self.query("SELECT start_utc FROM session WHERE programme_id = ? AND number = ?",
                               PROGRAMME_ID, number)[0]["start_utc"]
            during = datetime.fromisoformat(start.replace("Z", "+00:00")) + timedelta(minutes=1)
            result = subprocess.run(
                ["faketime", "-f", "@" + during.strftime("%Y-%m-%d %H:%M:%S"), harness.RITME, "-c",
                 self.world.config, "attendance", "mark", PROGRAMME_ID, str(number), participant, "afwezig"],
                capture_output=True, text=True, env={**os.environ, "TZ": "UTC"}, timeout=60)
            self.assertEqual(result.returncode, 0, result.stderr)
        rows = self.query("SELECT id, count FROM follow_up WHERE participant_id = ? AND cause = ? AND done_at IS NULL",
                          participant, "absences-in-a-row")
        self.assertEqual(len(rows), 1, rows)
        self.assertEqual(rows[0]["count"], 2)
        follow_up = rows[0]["id"]

        # The home page counts what is open; the programme page lists it, her name a link to her page.
        self.open("/")
        home = self.browser.find_element(By.TAG_NAME, "main").text
        self.assertIn("opvolging", home)
        self.open(f"/p/{PROGRAMME_ID}")
        item = self.browser.find_element(By.CSS_SELECTOR, f"section#follow-ups li#follow-up-{follow_up}")
        self.assertIn("2 keer afwezig op rij", item.text)
        self.assertIn("sinds", item.text)
        link = item.find_element(By.CSS_SELECTOR, "a")
        self.assertEqual(link.text, name)
        self.assertEqual(urllib.parse.urlsplit(link.get_attribute("href")).path, f"/p/{PROGRAMME_ID}/d/{participant}")
        self.check_page("follow-ups")

        # Afgehandeld: back on the programme page without it, done by the lead.
        button = item.find_element(By.CSS_SELECTOR, "form button[type=submit]")
        self.assertEqual(button.text, "Afgehandeld")
        self.click_through(button)
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}")
        self.assertEqual(self.browser.find_elements(By.CSS_SELECTOR, f"li#follow-up-{follow_up}"), [])
        done = self.query("SELECT done_at, done_by FROM follow_up WHERE id = ?", follow_up)[0]
        self.assertIsNotNone(done["done_at"])
        self.assertEqual(done["done_by"], "Fatima")


    def test_09_a_message_to_the_group_is_previewed_then_reaches_the_sms_centre(self):
        text = "Morgen koffie om 10 uur in de zaal"
        before = len(kannel.received(self.kannel))
        self.open(f"/p/{PROGRAMME_ID}")
        form = self.browser.find_element(By.CSS_SELECTOR, "section#group-message form")
        form.find_element(By.ID, "group-text").send_keys(text)
        self.click_through(form.find_element(By.CSS_SELECTOR, "button[type=submit]"))
        # The preview: segments per language, and nothing stored or sent yet.
        main = self.browser.find_element(By.TAG_NAME, "main")
        self.assertIn("GSM-7", main.text)
        self.assertEqual(self.query("SELECT count(*) AS n FROM delivery WHERE kind = 'group'")[0]["n"], 0)
        self.check_page("group-message-preview")
        confirm = main.find_element(By.CSS_SELECTOR, "input[name=confirm][value=yes]")
        self.click_through(confirm.find_element(By.XPATH, "..").find_element(By.CSS_SELECTOR, "button[type=submit]"))
        self.assertEqual(self.path(), f"/p/{PROGRAMME_ID}")
        # Through the outbox and Kannel to the SMS centre, her number on it.
        _, phone, _ = CHANTAL
        wait_for(lambda: any(m["receiver"] == phone and m["text"] and text in m["text"]
                             for m in kannel.received(self.kannel)[before:]),
                 "the group message to Chantal at the SMS centre")
        audit = self.query("SELECT actor FROM audit WHERE action = 'group.sent'")
        self.assertEqual([row["actor"] for row in audit], ["Fatima"])

if __name__ == "__main__":
    harness.main()
