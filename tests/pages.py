"""Headless Chromium for the page tests, driven through ChromeDriver (Selenium); never skipped in CI."""

import contextlib
import os
import shutil
import tempfile

import pytest

FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync", "--window-size=1280,720")


def chromium_paths():
    """(chromium, chromedriver); skipped locally when either is missing, a failure in CI."""
    chromium = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome")) if p), None)
    driver = shutil.which("chromedriver")
    if chromium and driver:
        return chromium, driver
    if os.environ.get("CI"):
        pytest.fail("Chromium or ChromeDriver is missing, but CI is set: apt-get install chromium chromium-driver "
                    "(.ci/run does)")
    pytest.skip("no Chromium/ChromeDriver (apt-get install chromium chromium-driver); these tests run in CI")


def short_tmp() -> str:
    """A temporary folder with a short path: Chromium's singleton socket must fit in 108 characters, and the
    suite runs under a long TMPDIR on purpose."""
    base = "/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir()
    return tempfile.mkdtemp(prefix="cubenet-chromium-", dir=base)


def browser_env() -> dict:
    return {**os.environ, "TMPDIR": short_tmp()}


@contextlib.contextmanager
def browser(profile_dir=None):
    """A headless Chromium with a fresh profile; its console log is readable with ``get_log('browser')``."""
    chromium, driver_path = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    profile = short_tmp()
    options.add_argument(f"--user-data-dir={profile}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path, env=browser_env()), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)
