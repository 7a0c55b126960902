"""The documentation site: built once from the notebooks (`c2seg_nb.site.build_site`), crawled for broken links,
anchors and images, and opened in headless Chromium (content, figures, search).

The browser tests need Debian's `chromium` and `chromium-driver` (`.ci/run` installs them) and `selenium`;
where they are missing those tests skip and say so. Set `C2SEG_SITE=<folder>` to check an already built site."""
import os, shutil, tempfile, time
from pathlib import Path
import pytest
from c2seg_nb.site import build_site, crawl_site, serve_site, sidebar_sections, page_name, pandoc_id, _PageRefs
from nbdev.config import get_config
from nbdev.processors import _default_exp
from fastcore.nbio import read_nb

CHROMIUM, CHROMEDRIVER = shutil.which('chromium') or shutil.which('chromium-browser'), shutil.which('chromedriver')

@pytest.fixture(scope='module')
def site(tmp_path_factory):
    if os.environ.get('C2SEG_SITE'): return Path(os.environ['C2SEG_SITE'])
    t0 = time.perf_counter()
    out = build_site(tmp_path_factory.mktemp('site')/'_docs')
    print(f'site built in {time.perf_counter() - t0:.0f} s')
    return out

@pytest.fixture(scope='module')
def url(site):
    with serve_site(site) as u: yield u

def _ids(page: Path) -> set:
    p = _PageRefs(); p.feed(page.read_text(encoding='utf-8')); return p.ids

def test_every_sidebar_notebook_card_and_benchmark_is_a_page(site):
    cfg = get_config()
    for _, nbs in sidebar_sections(cfg.nbs_path):
        for nb in nbs: assert (site/f'{page_name(nb)}.html').exists(), nb
    for card in (cfg.config_path/'data_cards').glob('*.md'): assert (site/f'card.{card.stem}.html').exists(), card
    assert 'Benchmarks' in (site/'benchmarks.html').read_text()

def test_every_exported_function_and_class_has_an_entry(site):
    "Each public function or class a notebook exports has an anchor (its pandoc id) on that notebook's page."
    import importlib, inspect
    cfg, missing = get_config(), []
    for _, nbs in sidebar_sections(cfg.nbs_path):
        for nb in nbs:
            exp = _default_exp(read_nb(cfg.nbs_path/nb))
            if not exp: continue
            mod = importlib.import_module(f'{cfg.lib_path.name}.{exp}')
            ids = _ids(site/f'{page_name(nb)}.html')
            for name in getattr(mod, '__all__', []):
                obj = getattr(mod, name)
                if (inspect.isfunction(obj) or inspect.isclass(obj)) and getattr(obj, '__module__', '') == mod.__name__:
                    if pandoc_id(name) not in ids: missing.append(f'{page_name(nb)}.html#{pandoc_id(name)}')
    assert not missing, f'exported names without an API entry: {missing}'

def test_no_broken_internal_links_anchors_or_images(url):
    assert crawl_site(url) == []

def test_crawler_fails_on_a_broken_site(tmp_path):
    (tmp_path/'index.html').write_text('<a href="api.html">api</a> <a href="missing.html">missing</a>')
    (tmp_path/'api.html').write_text('<img src="figure.png"><a href="index.html#nowhere">back</a>')
    problems = {(page, ref, why) for page, _, ref, why in crawl_site(tmp_path)}
    assert problems == {('index.html', 'missing.html', 'HTTP 404'), ('api.html', 'figure.png', 'HTTP 404'),
                        ('api.html', 'index.html#nowhere', 'no such anchor')}

@pytest.fixture(scope='module')
def browser():
    if not (CHROMIUM and CHROMEDRIVER):
        pytest.skip('headless Chromium not installed: apt-get install chromium chromium-driver (.ci/run does)')
    webdriver = pytest.importorskip('selenium.webdriver', reason='selenium not installed: pip install -e ".[dev]"')
    from selenium.webdriver.chrome.service import Service
    opts = webdriver.ChromeOptions()
    opts.binary_location = CHROMIUM
    # no sandbox as root; no background networking: the machine is offline and Chromium's own calls would fail
    for a in ('--headless=new', '--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--no-first-run',
              '--disable-background-networking', '--disable-component-update', '--disable-sync', '--window-size=1400,1000',
              f'--user-data-dir={tempfile.mkdtemp(prefix="c2seg-chromium-")}'):
        opts.add_argument(a)
    driver = webdriver.Chrome(service=Service(CHROMEDRIVER), options=opts)   # the system driver: nothing is downloaded
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()

def _wait(cond, timeout=20):
    end = time.time() + timeout
    while time.time() < end:
        if (res := cond()): return res
        time.sleep(0.2)
    return cond()

def test_home_page_shows_title_and_navigation(browser, url):
    from selenium.webdriver.common.by import By
    browser.get(url + 'index.html')
    assert browser.find_element(By.TAG_NAME, 'h1').text.strip() == 'c2seg_nb'
    captions = {e.text.strip().lower() for e in browser.find_elements(By.CSS_SELECTOR, '.sidebar-tree .caption') if e.text.strip()}
    for section, _ in sidebar_sections(get_config().nbs_path)[1:]: assert section.lower() in captions, (section, captions)
    assert browser.find_element(By.CSS_SELECTOR, '.sidebar-tree a[href="train.learner.html"]').is_displayed()

def test_api_page_shows_signature_and_parameters(browser, url):
    from selenium.webdriver.common.by import By
    browser.get(url + 'train.learner.html#c2seg_learner')
    entry = browser.find_element(By.XPATH, "//section[h3[starts-with(normalize-space(.), 'c2seg_learner')]]")
    assert entry.is_displayed()
    sig = entry.find_element(By.CSS_SELECTOR, 'pre').text
    assert 'def c2seg_learner(' in sig and 'method:str' in sig
    table = entry.find_element(By.TAG_NAME, 'table').text
    assert 'Details' in table and 'protocol' in table
    assert entry.find_element(By.CSS_SELECTOR, 'a.source-link').get_attribute('href').split('#')[0].endswith('_src/c2seg_nb/train/learner.py.html')

def test_study_page_shows_a_loaded_figure(browser, url):
    from selenium.webdriver.common.by import By
    browser.get(url + 'study.html')
    imgs = browser.find_elements(By.CSS_SELECTOR, 'article img')
    sizes = [browser.execute_script('return [arguments[0].complete, arguments[0].naturalWidth, arguments[0].getBoundingClientRect().height]', i) for i in imgs]
    assert any(ok and w > 0 and h > 0 for ok, w, h in sizes), sizes

def test_search_finds_a_function(browser, url):
    from selenium.webdriver.common.by import By
    browser.get(url + 'search.html?q=c2seg_learner')
    hit = _wait(lambda: [a for a in browser.find_elements(By.CSS_SELECTOR, '#search-results a') if 'train.learner.html' in (a.get_attribute('href') or '')])
    assert hit, browser.find_element(By.ID, 'search-results').text

def test_formulas_are_typeset_offline(browser, url):
    "MathJax comes with the site (sphinx-mathjax-offline's copy), not from a CDN: formulas render without a network."
    from selenium.webdriver.common.by import By
    browser.get(url + 'data.synth.html')
    assert _wait(lambda: browser.find_elements(By.CSS_SELECTOR, 'mjx-container')), 'no formula typeset by MathJax'
