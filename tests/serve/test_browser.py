"""The practice page end to end in headless Chromium (Debian's chromium and chromium-driver,
which `make test` installs; see the Makefile's `browser` target), driven by Selenium against a
real `simgen serve` process: pick a challenge, run, submit a wrong answer, see which rows differ,
take hints one at a time, fix it, see it pass, find the progress kept; cancel a long query."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support import expected_conditions as ec
from selenium.webdriver.support.ui import Select, WebDriverWait

from simgen import challenges

from .server import running_server
from .test_app import SLOW, WRONG_LAST_TOUCH

WAIT_S = 120  # generous: a busy machine grades slowly, and only a failure waits this long
CHROMIUM = ("chromium", "chromium-browser", "google-chrome")


def _browser_paths() -> tuple[str, str]:
    browser = next((shutil.which(name) for name in CHROMIUM if shutil.which(name)), None)
    driver = shutil.which("chromedriver")
    if not browser or not driver:
        pytest.fail("the browser tests need Chromium and its driver: `make browser` installs Debian's "
                    "chromium and chromium-driver (make test does it first)")
    return browser, driver


@pytest.fixture(scope="module")
def server(small, tmp_path_factory):
    with running_server(small.path, progress=tmp_path_factory.mktemp("browser") / "progress.json") as (url, _):
        yield url


@pytest.fixture(scope="module")
def browser(tmp_path_factory):
    binary, driver_path = _browser_paths()
    options = webdriver.ChromeOptions()
    options.binary_location = binary
    for flag in ("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1400,1000",
                 f"--user-data-dir={tmp_path_factory.mktemp('chromium')}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    yield driver
    driver.quit()


def wait(driver, condition):
    return WebDriverWait(driver, WAIT_S).until(condition)


def editor_text(driver) -> str:
    return driver.execute_script("return document.querySelector('.CodeMirror').CodeMirror.getValue()")


def type_query(driver, sql: str) -> None:
    """As a person does: click into the editor, select everything, type the new query."""
    driver.find_element(By.CSS_SELECTOR, ".CodeMirror").click()
    area = driver.find_element(By.CSS_SELECTOR, ".CodeMirror textarea")
    area.send_keys(Keys.CONTROL, "a")
    area.send_keys(Keys.DELETE)
    area.send_keys(sql)


def paste_query(driver, sql: str) -> None:
    """Replace the editor's text in one edit, as a paste does (the change event fires as for typing)."""
    driver.execute_script("document.querySelector('.CodeMirror').CodeMirror.setValue(arguments[0])", sql)


def press(driver, *keys: str) -> None:
    driver.find_element(By.CSS_SELECTOR, ".CodeMirror textarea").send_keys(*keys)


def verdict(driver, status: str):
    return wait(driver, ec.visibility_of_element_located((By.CSS_SELECTOR, f"#result .verdict.{status}")))


def open_challenge(driver, url: str, cid: str) -> None:
    driver.get(url)
    driver.find_element(By.CSS_SELECTOR, f'a[href="/c/{cid}"]').click()
    wait(driver, ec.presence_of_element_located((By.CSS_SELECTOR, '#practice[data-ready="true"]')))


def test_practise_a_challenge_from_wrong_to_solved(server, browser, small):
    cid = "first_touch_attribution"
    ch = challenges.get(cid)
    browser.get(server)
    rows = browser.find_elements(By.CSS_SELECTOR, "#challenges tbody tr")
    assert len(rows) == len(challenges.all_challenges())
    assert browser.find_element(By.CSS_SELECTOR, f'tr[data-id="{cid}"] .progress').text == "—"

    open_challenge(browser, server, cid)
    assert browser.find_element(By.TAG_NAME, "h1").text == ch.title
    assert "LIMIT 10" in editor_text(browser)  # the starter query

    press(browser, Keys.CONTROL, Keys.ENTER)  # Run
    table = wait(browser, ec.visibility_of_element_located((By.CSS_SELECTOR, "#result table.rows")))
    headers = [th.text.split("\n") for th in table.find_elements(By.TAG_NAME, "th")]
    assert headers[0] == ["session_id", "BIGINT"] and ["session_ts", "TIMESTAMP"] in headers
    assert len(table.find_elements(By.CSS_SELECTOR, "tbody tr")) == 10

    Select(browser.find_element(By.ID, "dialect")).select_by_value("postgres")
    assert editor_text(browser).startswith("-- dialect: postgres")

    type_query(browser, WRONG_LAST_TOUCH.split("\n", 1)[1])
    browser.find_element(By.ID, "submit").click()
    assert "WRONG" in verdict(browser, "wrong").text
    diff = browser.find_element(By.ID, "diff")
    expected, yours = diff.find_elements(By.CSS_SELECTOR, "table.rows")
    assert [h.text for h in diff.find_elements(By.TAG_NAME, "h3")] == ["Expected", "Yours"]
    left = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in expected.find_elements(By.CSS_SELECTOR, "tbody tr.paired")]
    right = [[td.text for td in tr.find_elements(By.TAG_NAME, "td")] for tr in yours.find_elements(By.CSS_SELECTOR, "tbody tr.paired")]
    assert left and len(left) == len(right)
    for e, a in zip(left, right):  # the same member side by side, the channel marked where it differs
        assert e[0] == a[0] and e[1] != a[1]
    assert len(diff.find_elements(By.CSS_SELECTOR, "td.differs")) == 2 * len(left)
    assert "attempted" in browser.find_element(By.ID, "state").text

    for shown in (1, 2):
        browser.find_element(By.ID, "hint").click()
        wait(browser, lambda d: len(d.find_elements(By.CSS_SELECTOR, "#hints li")) == shown)
    assert browser.find_elements(By.CSS_SELECTOR, "#hints li")[0].text == ch.hints[0]

    Select(browser.find_element(By.ID, "dialect")).select_by_value("duckdb")
    paste_query(browser, ch.solution)  # typed once above; a long query is pasted, as people do
    press(browser, Keys.CONTROL, Keys.SHIFT, Keys.ENTER)  # Submit
    assert "PASS" in verdict(browser, "pass").text
    assert browser.find_element(By.ID, "state").text == "✓ solved"

    browser.refresh()  # the work is still there, and so are the hints shown
    wait(browser, ec.presence_of_element_located((By.CSS_SELECTOR, '#practice[data-ready="true"]')))
    assert editor_text(browser) == ch.solution  # the draft kept in the browser
    assert len(browser.find_elements(By.CSS_SELECTOR, "#hints li")) == 2
    browser.get(server)
    assert browser.find_element(By.CSS_SELECTOR, f'tr[data-id="{cid}"] .progress').text == "✓ solved"


def test_a_long_query_can_be_cancelled(server, browser):
    open_challenge(browser, server, "srm_check")
    type_query(browser, SLOW)
    browser.find_element(By.ID, "run").click()
    cancel = wait(browser, ec.visibility_of_element_located((By.ID, "cancel")))
    assert not browser.find_element(By.ID, "run").is_enabled()
    cancel.click()
    box = verdict(browser, "error")
    assert "CANCELLED" in box.text
    assert browser.find_element(By.ID, "run").is_enabled() and not browser.find_element(By.ID, "cancel").is_displayed()
    type_query(browser, "SELECT 42 AS answer")
    press(browser, Keys.CONTROL, Keys.ENTER)
    wait(browser, lambda d: [td.text for td in d.find_elements(By.CSS_SELECTOR, "#result table.rows td")] == ["42"])
