"""`make guide`: the user guide's screenshots, taken by a real browser on the demo data.

The run never touches the developer's database: it migrates a new SQLite database in a temporary
directory, loads the demo data (`seed_demo`), starts the web server and a Celery worker on it with the
local settings (the filesystem broker, also in the temporary directory), signs in through the login page
with the demo password, and lets each chapter (guide/roles/) walk its tasks and take its screenshots.
Everything it started is stopped at the end, also when a chapter fails.
"""

import contextlib
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
from pathlib import Path

from django.conf import settings
from django.urls import reverse

CHROMIUM = "/usr/bin/chromium"
DEMO_PASSWORD = "tonghu-demo-2026"
NAME = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_HEIGHT = 2600  # px of page: longer pages are cut (a screenshot is to recognise the page, not to read all of it)


class GuideError(Exception):
    pass


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Site:
    """The demo site of one run: a temporary database, the web server and a Celery worker."""

    def __init__(self, workdir: Path, *, worker=True, log=print):
        self.workdir, self.want_worker, self.log = workdir, worker, log
        self.port = _free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.processes = []
        broker = workdir / "broker"
        for sub in ("out", "control", "processed"):
            (broker / sub).mkdir(parents=True, exist_ok=True)
        self.env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings.local",
            "DATABASE_URL": f"sqlite:///{workdir / 'guide.sqlite3'}",
            "MEDIA_ROOT": str(workdir / "media"),
            "PROTECTED_MEDIA_ROOT": str(workdir / "protected"),
            "BACKUP_DIR": str(workdir / "backups"),
            "CELERY_BROKER_URL": "filesystem://",
            "CELERY_BROKER_DIR": str(broker),
            "OTP_REQUIRED": "0",
            "DEMO_PASSWORD": DEMO_PASSWORD,
            "PYTHONUNBUFFERED": "1",
        }
        self.env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    def manage(self, *args, timeout=900) -> str:
        """Run a management command on the run's database; its output, or GuideError with it."""
        done = subprocess.run([sys.executable, "manage.py", *args], cwd=settings.BASE_DIR, env=self.env,
                              capture_output=True, text=True, timeout=timeout)
        if done.returncode:
            raise GuideError(f"manage.py {' '.join(args)} 失败：\n{done.stdout}\n{done.stderr}")
        return done.stdout

    def shell(self, code: str) -> str:
        """Run Python in `manage.py shell` on the run's database (to find a demo record's id); its output."""
        return self.manage("shell", "-c", code).strip()

    def _start(self, name, args):
        log = open(self.workdir / f"{name}.log", "w")  # noqa: SIM115 - closed in stop()
        process = subprocess.Popen(args, cwd=settings.BASE_DIR, env=self.env, stdout=log,
                                   stderr=subprocess.STDOUT, start_new_session=True)
        self.processes.append((name, process, log))

    def start(self):
        self.log("建立临时数据库并装入演示数据……")
        self.manage("migrate", "--noinput", "-v0")
        self.manage("seed_demo")
        self._start("web", [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{self.port}"])
        if self.want_worker:
            self._start("worker", [sys.executable, "-m", "celery", "-A", "config", "worker",
                                   "--concurrency=1", "--loglevel=INFO"])
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=5):  # noqa: S310 - our own http URL
                    break
            except Exception:
                if time.monotonic() > deadline:
                    raise GuideError(f"网站未能启动，见 {self.workdir / 'web.log'}") from None
                time.sleep(0.5)

    def stop(self):
        for _name, process, _log in self.processes:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for _name, process, log in self.processes:
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
            log.close()
        self.processes = []


class Guide:
    """What a chapter's shots(g) works with: the browser signed in as one demo user at a time."""

    def __init__(self, site: Site, browser, images: Path, chapter):
        self.site, self.browser, self.images, self.chapter = site, browser, images, chapter
        self.width = chapter.WIDTH
        self.context = self.page = None
        self.produced: list[str] = []

    # --- the browser -----------------------------------------------------------------------------
    def login(self, username, *, width=None):
        """Open a new browser (no cookies) of `width` px (the chapter's by default) and sign in as `username`
        through the login page. Returns the page, which is also g.page."""
        self.anonymous(width=width)
        self.page.goto(self.url("login"))
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", DEMO_PASSWORD)
        self.page.locator("form button[type=submit], form input[type=submit]").first.click()
        self.page.wait_for_load_state("networkidle")
        if "/login" in self.page.url:
            raise GuideError(f"{username} 未能登录（仍在 {self.page.url}）")
        return self.page

    def anonymous(self, *, width=None):
        """A new browser of `width` px that is not signed in (for the login page itself)."""
        self.close()
        width = width or self.width
        phone = width < 768
        self.context = self.browser.new_context(
            viewport={"width": width, "height": 812 if phone else 900}, device_scale_factor=2 if phone else 1,
            is_mobile=phone, has_touch=phone, locale="zh-CN", timezone_id="Asia/Shanghai")
        self.context.set_default_timeout(30_000)
        self.page = self.context.new_page()
        return self.page

    def close(self):
        if self.context is not None:
            self.context.close()
            self.context = self.page = None

    def url(self, name_or_path, *args, **kwargs) -> str:
        """The absolute address of a URL name (with reverse()'s args) or of a path starting with "/"."""
        path = name_or_path if name_or_path.startswith("/") else reverse(name_or_path, args=args or None,
                                                                          kwargs=kwargs or None)
        return self.site.url + path

    def goto(self, name_or_path, *args, **kwargs):
        """Open a page (URL name with reverse()'s arguments, or a path) and wait until it has settled."""
        response = self.page.goto(self.url(name_or_path, *args, **kwargs))
        self.page.wait_for_load_state("networkidle")
        if response is not None and response.status >= 400:
            raise GuideError(f"{self.page.url} 返回 {response.status}")
        return self.page

    def shot(self, name, *, full_page=True, selector=None):
        """Save the page (or the element matching `selector`) as docs/guide/images/<name>.png."""
        if not NAME.match(name):
            raise GuideError(f"截图名 {name!r} 只能用小写字母、数字和连字符")
        if name in self.produced:
            raise GuideError(f"截图名 {name} 用了两次")
        self.page.wait_for_load_state("networkidle")
        path = self.images / f"{name}.png"
        if selector:
            self.page.locator(selector).first.screenshot(path=path, animations="disabled")
        else:
            height = self.page.evaluate("document.documentElement.scrollHeight")
            viewport = self.page.viewport_size
            if full_page and height > MAX_HEIGHT:
                self.page.screenshot(path=path, animations="disabled", full_page=True,
                                     clip={"x": 0, "y": 0, "width": viewport["width"], "height": MAX_HEIGHT})
            else:
                self.page.screenshot(path=path, animations="disabled", full_page=full_page)
        _shrink(path)
        self.produced.append(name)

    # --- the demo data ---------------------------------------------------------------------------
    def shell(self, code: str) -> str:
        """Python run in `manage.py shell` on the run's database; its printed output (e.g. an id)."""
        return self.site.shell(code)

    def manage(self, *args) -> str:
        return self.site.manage(*args)

    def wait_for(self, predicate, *, timeout=120, every=1.0, what="后台任务"):
        """Reload the page until predicate(page) is true (e.g. a report the Celery worker is rendering)."""
        deadline = time.monotonic() + timeout
        while not predicate(self.page):
            if time.monotonic() > deadline:
                raise GuideError(f"等待{what}超时（{timeout} 秒）：{self.page.url}")
            time.sleep(every)
            self.page.reload()
            self.page.wait_for_load_state("networkidle")


def _shrink(path: Path):
    """Screenshots of forms and tables need few colours: a 256-colour palette keeps them ~3× smaller."""
    from PIL import Image

    with Image.open(path) as image:
        small = image.convert("RGB").quantize(colors=256, method=Image.Quantize.MEDIANCUT)
    small.save(path, optimize=True)


def referenced_images(chapter_text: str) -> set[str]:
    """The image names (without .png) a chapter's Markdown shows from images/."""
    return set(re.findall(r"\]\(images/([a-z0-9-]+)\.png\)", chapter_text))


def run(images: Path, *, only=None, log=print, keep=False) -> dict[str, list[str]]:
    """Take every chapter's screenshots into `images`; returns {chapter slug: [image names]}.

    With `only` (chapter slugs) just those chapters run and no other image is removed; a full run
    removes the images no chapter took any more, so none is left behind unreferenced.
    """
    from playwright.sync_api import sync_playwright

    from guide.roles import chapters

    if not os.access(CHROMIUM, os.X_OK):
        raise GuideError(f"找不到 {CHROMIUM}：请先安装 chromium（sudo apt-get install chromium）")
    selected = [chapter for chapter in chapters() if not only or chapter.SLUG in only]
    if only and len(selected) != len(set(only)):
        known = ", ".join(chapter.SLUG for chapter in chapters())
        raise GuideError(f"没有这样的章节：{', '.join(only)}（可用：{known}）")
    images.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="tonghu-guide-"))
    produced: dict[str, list[str]] = {}
    site = Site(workdir, log=log)
    # Playwright's sync API runs an event loop in this thread; reverse() is all Django does here.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    try:
        site.start()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
                "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
            try:
                for chapter in selected:
                    log(f"{chapter.TITLE}（{chapter.SLUG}）……")
                    g = Guide(site, browser, images, chapter)
                    try:
                        chapter.shots(g)
                    except Exception as exc:
                        page = g.page.url if g.page is not None else "-"
                        raise GuideError(f"章节 {chapter.SLUG} 截图失败（页面 {page}）：{exc}") from exc
                    finally:
                        g.close()
                    produced[chapter.SLUG] = g.produced
                    log(f"  {len(g.produced)} 张截图")
            finally:
                browser.close()
    finally:
        site.stop()
        if keep:
            log(f"临时目录保留在 {workdir}")
        else:
            shutil.rmtree(workdir, ignore_errors=True)
    taken = {name for names in produced.values() for name in names}
    if len(taken) != sum(len(names) for names in produced.values()):
        raise GuideError("两个章节用了同一个截图名")
    if not only:
        for stale in images.glob("*.png"):
            if stale.stem not in taken:
                stale.unlink()
    return produced
