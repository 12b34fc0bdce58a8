"""Headless Chromium for the page tests, driven through ChromeDriver (Selenium); never skipped in CI."""

import contextlib
import os
import shutil

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


@contextlib.contextmanager
def browser(profile_dir):
    """A headless Chromium with a fresh profile; its console log is readable with ``get_log('browser')``."""
    chromium, driver_path = chromium_paths()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={profile_dir / 'chromium-profile'}")
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
