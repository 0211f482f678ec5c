"""The part gallery in a real browser: headless Chromium (Debian's chromium and
chromium-driver) opens the site, searches, rates a class and saves the rating
file that tools/manual_eval_summary.py reads."""
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
from selenium import webdriver
from selenium.webdriver.common.by import By

from mmpartdistill.datasets import make_synthetic_parts

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM, DRIVER = '/usr/bin/chromium', '/usr/bin/chromedriver'


def browser(downloads: Path):
    if not (Path(CHROMIUM).exists() and Path(DRIVER).exists()):
        pytest.fail(f'{CHROMIUM} and {DRIVER} are needed: apt-get install chromium chromium-driver')
    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for arg in ('--headless=new', '--no-sandbox', '--disable-dev-shm-usage',
                '--window-size=1100,900'):
        options.add_argument(arg)
    options.add_experimental_option('prefs', {
        'download.default_directory': str(downloads),
        'download.prompt_for_download': False
    })
    return webdriver.Chrome(options=options, service=webdriver.ChromeService(DRIVER))


def wait_for(path_glob, folder: Path, timeout: float = 20.0) -> Path:
    end = time.time() + timeout
    while time.time() < end:
        done = [p for p in folder.glob(path_glob) if not p.name.endswith('.crdownload')]
        if done:
            return done[0]
        time.sleep(0.1)
    raise AssertionError(f'nothing matching {path_glob} was downloaded to {folder}')


@pytest.mark.slow
def test_browse_search_rate_and_summarize(tmp_path):
    data = tmp_path / 'data'
    make_synthetic_parts(str(data), num_images=40, seed=0, image_size=128)
    site, downloads = tmp_path / 'site', tmp_path / 'downloads'
    downloads.mkdir()
    subprocess.run([
        sys.executable, ROOT / 'tools/part_gallery.py', '--pred',
        data / 'annotations/parts_val.json', '--objects', data / 'annotations/objects_val.json',
        '--img-dir', data / 'images', '--out', site, '--per-part', '6'
    ],
                   check=True)
    driver = browser(downloads)
    try:
        driver.get((site / 'index.html').as_uri())
        rows = driver.find_elements(By.CSS_SELECTOR, '#classes tbody tr')
        assert len(rows) == 7 and driver.title == 'Discovered parts'
        driver.find_element(By.ID, 'search').send_keys('qua')
        hits = driver.find_elements(By.CSS_SELECTOR, '#results a')
        assert [h.text.split(' (')[0] for h in hits] == ['quadruped']
        driver.save_screenshot(str(tmp_path / 'index.png'))
        hits[0].click()
        assert driver.find_element(By.TAG_NAME, 'h1').text == 'quadruped'
        images = driver.find_elements(By.CSS_SELECTOR, '.strip img')
        assert images and all(
            driver.execute_script('return arguments[0].complete && arguments[0].naturalWidth', i)
            for i in images), 'every example image loads'
        driver.save_screenshot(str(tmp_path / 'class.png'))
        driver.find_element(By.ID, 'save').click()
        assert 'Give your name' in driver.find_element(By.ID, 'status').text
        driver.find_element(By.ID, 'rater').send_keys('ann')
        for criterion, value in (('precision', 4), ('diversity', 3), ('generality', 5)):
            driver.find_element(By.CSS_SELECTOR,
                                f'input[name={criterion}][value="{value}"]').click()
        driver.find_element(By.ID, 'save').click()
        saved = wait_for('ratings-ann*.json', downloads)
    finally:
        driver.quit()
    for name in ('index.png', 'class.png'):
        assert (tmp_path / name).stat().st_size > 10000, name
    ratings = json.loads(saved.read_text())
    assert ratings['rater'] == 'ann' and ratings['scale'] == dict(min=1, max=5)
    assert ratings['ratings']['quadruped'] == dict(
        precision=4, diversity=3, generality=5, comment='')
    second = tmp_path / 'bob.json'
    second.write_text(
        json.dumps(
            dict(
                ratings,
                rater='bob',
                ratings={'quadruped': dict(precision=2, diversity=3, generality=5)})))
    out = subprocess.run([
        sys.executable, ROOT / 'tools/manual_eval_summary.py', saved, second, '--out',
        tmp_path / 'summary.json'
    ],
                         check=True,
                         capture_output=True,
                         text=True).stdout
    assert '| quadruped | 3.00 ± 1.41 (2) | 3.00 ± 0.00 (2) | 5.00 ± 0.00 (2) |' in out
    summary = json.loads((tmp_path / 'summary.json').read_text())
    assert summary['raters'] == ['ann', 'bob']
    keep = os.environ.get('GALLERY_SCREENSHOTS')  # a folder to keep the screenshots in
    if keep:
        for name in ('index.png', 'class.png'):
            shutil.copy(tmp_path / name, Path(keep) / f'part_gallery_{name}')
