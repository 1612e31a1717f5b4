// catalogue.mjs BAG [SCREENSHOT.png] - an archive's data/index.html in the system's Chromium
// (headless, driven by puppeteer-core; no browser is downloaded). Prints PASS:/FAIL:/SKIPPED:
// lines for tests/run.sh. What it checks, against the bag's own index.json:
//   the page opens from disk (file://) and from a static web server on 127.0.0.1 with no console
//   error, no failed and no outside request; every archived article is listed once, by its PDF;
//   typing a query without diacritics narrows the list to exactly the articles whose title,
//   category, date or author hold it; the categories are one heading each; title order is
//   Vietnamese alphabetical order; keyboard: "/" focuses the search box, Escape clears it;
//   landmarks, labels and the chart's text alternative are there; every relative link resolves
//   to a file of the bag.
import fs from 'fs';
import http from 'http';
import path from 'path';
import puppeteer from 'puppeteer-core';

const [bag, shot] = process.argv.slice(2);
const data = path.resolve(bag, 'data');
const index = JSON.parse(fs.readFileSync(path.join(data, 'index.json'), 'utf8'));
const ok = index.articles.filter(a => a.status === 'ok' && a.outputs && a.outputs.pdf);
const say = (kind, msg) => console.log(`${kind}: catalogue: ${msg}`);
const check = (name, cond, why) => say(cond ? 'PASS' : 'FAIL', cond ? name : `${name} (${why})`);

// The same folding a reader expects: no diacritics, đ -> d, lower-case words.
const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd')
  .toLowerCase().replace(/[^a-z0-9]+/g, ' ').trim();

const executablePath = process.env.CHROMIUM || '/usr/bin/chromium';
let browser;
try {
  browser = await puppeteer.launch({
    executablePath, headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
} catch (e) {
  say('SKIPPED', `Chromium cannot start here (${String(e.message || e).split('\n')[0].slice(0, 120)})`);
  process.exit(0);
}

// A static web server for the bag's data/ folder, on 127.0.0.1, started here.
const types = { '.html': 'text/html; charset=utf-8', '.xml': 'application/atom+xml', '.json': 'application/json',
  '.pdf': 'application/pdf', '.epub': 'application/epub+zip' };
const server = http.createServer((req, res) => {
  const p = path.join(data, decodeURIComponent(new URL(req.url, 'http://x').pathname));
  if (!p.startsWith(data) || !fs.existsSync(p) || fs.statSync(p).isDirectory()) { res.writeHead(404); res.end(); return; }
  res.writeHead(200, { 'content-type': types[path.extname(p)] || 'application/octet-stream' });
  fs.createReadStream(p).pipe(res);
});
await new Promise(r => server.listen(0, '127.0.0.1', r));
const base = `http://127.0.0.1:${server.address().port}/`;

async function open(url) {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e}`));
  page.on('requestfailed', r => problems.push(`request failed: ${r.url()}`));
  page.on('request', r => {
    const u = r.url();
    if (!u.startsWith('file:') && !u.startsWith(base) && !u.startsWith('data:')) problems.push(`outside request: ${u}`);
    else if (u.startsWith(base) && !u.startsWith(base + 'index.html')) problems.push(`request: ${u}`);
  });
  await page.setViewport({ width: 1200, height: 900 });
  await page.goto(url, { waitUntil: 'load' });
  return { page, problems };
}

// Hrefs of the PDF links that are visible, in page order.
const visiblePdfs = page => page.$$eval('a[href$=".pdf"]', as =>
  as.filter(a => a.offsetParent !== null).map(a => decodeURIComponent(a.getAttribute('href'))));

async function type(page, text) {
  await page.click('#q', { clickCount: 3 });
  await page.keyboard.press('Backspace');
  if (text) await page.type('#q', text, { delay: 2 });
  await new Promise(r => setTimeout(r, 150));
}

try {
  const { page, problems } = await open('file://' + path.join(data, 'index.html'));
  await page.keyboard.press('Tab');
  check('the first Tab reaches the skip link', await page.evaluate(() => document.activeElement.classList.contains('skip')),
    await page.evaluate(() => document.activeElement.outerHTML.slice(0, 80)));
  await page.keyboard.press('Enter');
  check('the skip link leads to the list', await page.evaluate(() => location.hash === '#main'), 'no jump');
  const listed = await visiblePdfs(page);
  const want = ok.map(a => a.outputs.pdf.path).sort();
  check(`every archived article listed once by its PDF (${want.length})`,
    JSON.stringify([...listed].sort()) === JSON.stringify(want), `${listed.length} listed`);

  // categories: one heading per normalised name, none differing only by case or diacritics
  const heads = await page.$$eval('section.cat > h2', hs => hs.map(h => h.firstChild.textContent.trim()));
  const folded = heads.map(fold);
  check(`one heading per category (${heads.length})`, new Set(folded).size === heads.length && heads.length > 0,
    heads.join(' | '));
  check('no category heading in capitals', heads.every(h => h !== h.toUpperCase() || h === h.toLowerCase()), heads.join(' | '));

  // search: queries without diacritics narrow to exactly the matching articles
  const matches = q => {
    const k = ' ' + fold(q);
    return ok.filter(a => {
      const d = a.date ? `${a.date.slice(8, 10)}/${a.date.slice(5, 7)}/${a.date.slice(0, 4)}` : '';
      return (' ' + fold(`${a.title} ${a.category || ''} ${d} ${a.author || ''}`) + ' ').includes(k);
    }).map(a => a.outputs.pdf.path).sort();
  };
  const visibleRowsText = () => page.$$eval('section.cat tbody tr', rs => rs.filter(r => r.offsetParent !== null).map(r => r.innerText));
  for (const q of ['tinh uy', 'Tỉnh ủy', 'TINH UY', 'the thao', 'ha noi']) {
    await type(page, q);
    const got = (await visiblePdfs(page)).sort();
    const exp = matches(q);
    const texts = await visibleRowsText();
    const allHold = texts.every(t => fold(t).includes(fold(q)));
    check(`"${q}" shows exactly the ${exp.length} matching articles`, JSON.stringify(got) === JSON.stringify(exp) && allHold,
      `${got.length} shown, ${exp.length} expected${allHold ? '' : ', a shown row lacks the query'}`);
  }
  const tinh = matches('tinh uy').length;
  check('a query without diacritics finds some but not all', tinh >= 1 && tinh < ok.length, `${tinh} of ${ok.length}`);
  await type(page, 'zzzz khong co bai nay');
  const none = (await visiblePdfs(page)).length;
  const hiddenSections = await page.$$eval('section.cat', ss => ss.every(s => s.hidden));
  const status = await page.$eval('#found', o => o.textContent);
  check('a query that matches nothing hides every category and says so', none === 0 && hiddenSections && /0/.test(status),
    `${none} shown, status "${status}"`);
  await page.focus('#q');
  await page.keyboard.press('Escape');
  await new Promise(r => setTimeout(r, 100));
  check('Escape clears the search', (await visiblePdfs(page)).length === ok.length && (await page.$eval('#q', i => i.value)) === '',
    'not cleared');

  // keyboard: "/" focuses the box from anywhere; the first Tab reaches the skip link
  await page.evaluate(() => document.activeElement && document.activeElement.blur());
  await page.keyboard.press('/');
  check('"/" focuses the search box', await page.evaluate(() => document.activeElement && document.activeElement.id === 'q'), 'not focused');
  // ordering by title: Vietnamese alphabetical order within each category
  await page.select('#order', 'title');
  const orders = await page.$$eval('section.cat tbody', bs => bs.map(b => [...b.querySelectorAll('td.title a')].map(a => a.textContent)));
  // as dictionaries order: syllable by syllable ("vì sao" before "vinamilk"), each syllable by the
  // browser's own Vietnamese collation (ICU); punctuation does not count
  const coll = new Intl.Collator('vi');
  const words = s => s.split(/[^\p{L}\p{N}]+/u).filter(Boolean);
  const cmpVi = (a, b) => {
    const x = words(a), y = words(b);
    for (let i = 0; i < x.length && i < y.length; i++) { const c = coll.compare(x[i], y[i]); if (c) return c; }
    return x.length - y.length;
  };
  let bad = null;
  for (const t of orders) for (let i = 1; i < t.length && !bad; i++) if (cmpVi(t[i - 1], t[i]) > 0) bad = `${t[i - 1]} > ${t[i]}`;
  check('ordering by title follows Vietnamese alphabetical order', !bad, bad);
  await page.select('#order', 'new');
  const dates = await page.$$eval('section.cat tbody', bs => bs.map(b => [...b.querySelectorAll('time')].map(t => t.getAttribute('datetime'))));
  check('ordering by date puts the newest first', dates.every(d => d.every((x, i) => i === 0 || d[i - 1] >= x)), 'not newest first');

  // accessibility: language, landmarks, labels, the chart's text
  const a11y = await page.evaluate(() => ({
    lang: document.documentElement.lang,
    header: !!document.querySelector('body > header'), nav: !!document.querySelector('nav[aria-label]'),
    main: !!document.querySelector('main'), footer: !!document.querySelector('body > footer'),
    label: document.getElementById('q').labels.length, orderLabel: document.getElementById('order').labels.length,
    chart: !!document.querySelector('svg[role="img"] > title'),
    live: document.getElementById('found').getAttribute('aria-live'),
    h1: document.querySelectorAll('h1').length,
  }));
  check('landmarks, labels, one h1, a live status, a titled chart',
    a11y.lang === 'vi' && a11y.header && a11y.nav && a11y.main && a11y.footer && a11y.label === 1 &&
    a11y.orderLabel === 1 && a11y.chart && a11y.live === 'polite' && a11y.h1 === 1, JSON.stringify(a11y));

  // every relative link resolves to a file of the bag
  const hrefs = await page.$$eval('a[href], link[href]', as => as.map(a => a.getAttribute('href')));
  const broken = hrefs.filter(h => !/^(https?:|#|data:)/.test(h))
    .filter(h => !fs.existsSync(path.resolve(data, decodeURIComponent(h.split('#')[0]))));
  check(`every link resolves to a file in the bag (${hrefs.length} links)`, broken.length === 0, broken.slice(0, 3).join(' '));
  const outside = hrefs.filter(h => /^https?:/.test(h));
  const urls = new Set(ok.map(a => a.url).filter(Boolean));
  check('outside links are the articles\' sources only', outside.every(h => urls.has(h)), outside.filter(h => !urls.has(h)).join(' '));

  if (shot) { /* the top of the page, then a search */
    await type(page, '');
    await page.evaluate(() => { document.activeElement.blur(); window.scrollTo(0, 0); });
    await page.setViewport({ width: 1100, height: 1300 });
    await page.screenshot({ path: shot });
    await type(page, 'tinh uy');
    await page.evaluate(() => window.scrollTo(0, 0));
    await page.screenshot({ path: shot.replace(/\.png$/, '-search.png') });
    await type(page, '');
  }
  check('no console errors, failed or outside requests from file://', problems.length === 0, problems.slice(0, 3).join('; '));
  await page.close();

  // the same page from a web server
  const web = await open(base + 'index.html');
  await type(web.page, 'tinh uy');
  const got = (await visiblePdfs(web.page)).length;
  check('from a web server on 127.0.0.1: it loads and searches', got === tinh && web.problems.length === 0,
    `${got} shown; ${web.problems.slice(0, 2).join('; ')}`);
  await web.page.close();
} finally {
  await browser.close();
  server.close();
}
