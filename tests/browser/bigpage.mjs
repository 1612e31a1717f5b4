// bigpage.mjs DIR N - the catalogue page of a big archive (DIR/index.html, made by
// build/tests/catalogue-gen N DIR) in the system's Chromium: how big it is, how long it takes to
// open and to answer a search, and that it still works. Prints PASS:/FAIL:/SKIPPED: lines with
// the figures. The limits are generous (a shared, busy machine); the figures are the point.
//   BIG_MAX_BYTES_PER_ARTICLE (default 150), BIG_MAX_LOAD_MS (default 15000),
//   BIG_MAX_SEARCH_MS (default 5000)
import fs from 'fs';
import path from 'path';
import puppeteer from 'puppeteer-core';

const [dir, nArg] = process.argv.slice(2);
const n = Number(nArg);
const file = path.resolve(dir, 'index.html');
const say = (kind, msg) => console.log(`${kind}: catalogue (${n} articles): ${msg}`);
const check = (name, cond, why) => say(cond ? 'PASS' : 'FAIL', cond ? name : `${name} (${why})`);
const env = (k, d) => Number(process.env[k] || d);

const bytes = fs.statSync(file).size;
check(`page size ${(bytes / 1e6).toFixed(1)} MB, ${(bytes / n).toFixed(0)} bytes per article`,
  bytes / n <= env('BIG_MAX_BYTES_PER_ARTICLE', 150), `limit ${env('BIG_MAX_BYTES_PER_ARTICLE', 150)}`);

let browser;
try {
  browser = await puppeteer.launch({
    executablePath: process.env.CHROMIUM || '/usr/bin/chromium', headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--allow-file-access-from-files'],
  });
} catch (e) {
  say('SKIPPED', `Chromium cannot start here (${String(e.message || e).split('\n')[0].slice(0, 120)})`);
  process.exit(0);
}
try {
  const page = await browser.newPage();
  const problems = [];
  page.on('console', m => { if (m.type() === 'error' || m.type() === 'warn') problems.push(`console ${m.type()}: ${m.text()}`); });
  page.on('pageerror', e => problems.push(`page error: ${e}`));
  await page.setViewport({ width: 1200, height: 900 });
  const t0 = Date.now();
  await page.goto('file://' + file, { waitUntil: 'load', timeout: 120000 });
  const wall = Date.now() - t0;
  const nav = await page.evaluate(() => {
    const e = performance.getEntriesByType('navigation')[0];
    return { dcl: Math.round(e.domContentLoadedEventEnd), load: Math.round(e.loadEventEnd) };
  });
  const m = await page.metrics();
  check(`opens in ${nav.load} ms (DOM ready ${nav.dcl} ms; ${m.Nodes} DOM nodes, JS heap ${(m.JSHeapUsedSize / 1e6).toFixed(0)} MB)`,
    nav.load <= env('BIG_MAX_LOAD_MS', 15000), `limit ${env('BIG_MAX_LOAD_MS', 15000)} ms, ${wall} ms in all`);
  const status = await page.$eval('#found', o => o.textContent);
  const rows = await page.$$eval('section.cat tbody', bs => bs.map(b => b.rows.length));
  check(`the newest rows of each category as HTML (${rows.join(' ')}), the count of all`,
    rows.length > 0 && rows.every(r => r > 0 && r <= 100) && status.includes(String(n)), `status "${status}"`);

  // a search, timed to the frame that shows it (the page prepares its search keys while idle;
  // a reader who types at once is timed too: the first letter goes in before they are ready)
  const timeSearch = q => page.evaluate(async q => {
    const box = document.getElementById('q'), t = performance.now();
    box.value = q;
    box.dispatchEvent(new Event('input'));
    await new Promise(r => requestAnimationFrame(() => setTimeout(r, 0)));
    return Math.round(performance.now() - t);
  }, q);
  const first = await timeSearch('h');
  await new Promise(r => setTimeout(r, 1500));
  const times = [];
  for (const q of ['ha', 'ha n', 'ha no', 'ha noi', 'ha noi t']) times.push(await timeSearch(q));
  const worst = Math.max(first, ...times);
  const found = await page.$eval('#found', o => o.textContent);
  // what the JSON holds for the same query, counted here
  const want = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('articles').textContent);
    const fold = s => s.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd').toLowerCase()
      .replace(/[^a-z0-9]+/g, ' ').trim();
    const day = w => { const x = w > 99999999 ? Math.floor(w / 10000) : w; return x ? `${String(x % 100).padStart(2, '0')}/${String(Math.floor(x / 100) % 100).padStart(2, '0')}/${Math.floor(x / 10000)}` : ''; };
    let c = 0;
    d.a.forEach((rows, g) => rows.forEach(r => { if ((' ' + fold(`${r[0]} ${d.g[g]} ${day(r[1])} ${r[5] || ''}`) + ' ').includes(' ha noi t')) c++; }));
    return c;
  });
  check(`a search answers in ${times.join(', ')} ms per letter (the first letter, before the keys are ready: ${first} ms)`,
    worst <= env('BIG_MAX_SEARCH_MS', 5000), `limit ${env('BIG_MAX_SEARCH_MS', 5000)} ms`);
  check(`"ha noi t" finds the ${want} articles that hold it`, found.includes(`${want} / ${n}`) && want > 0, `status "${found}"`);
  if (!(want > 0)) say('FAIL', 'no article holds "ha noi t": the page of made-up articles is not what this test expects');
  const shown = await page.$$eval('section.cat:not([hidden]) tbody', bs => bs.reduce((s, b) => s + b.rows.length, 0));
  check(`all ${want} matches shown`, shown === want, `${shown} shown`);
  // a wide query: more matches than a category shows at first, "Xem thêm" adds rows
  await timeSearch('ha');
  const rowsNow = () => page.$$eval('section.cat:not([hidden]) tbody', bs => bs.reduce((s, b) => s + b.rows.length, 0));
  const more = await page.$('section.cat:not([hidden]) p.more:not([hidden]) button');
  const before = await rowsNow();
  if (more) await more.click();
  const after = await rowsNow();
  check(`"Xem thêm" shows more of the matches (${before} -> ${after} rows)`, more && after > before, more ? 'no more rows' : 'no button');
  // ordering by title: the first category's rows follow the ranks in the JSON
  await page.select('#order', 'title');
  const inOrder = await page.evaluate(() => {
    const d = JSON.parse(document.getElementById('articles').textContent);
    const sec = document.querySelector('section.cat:not([hidden])');
    const g = [...document.querySelectorAll('section.cat')].indexOf(sec);
    const rank = new Map(d.a[g].map(r => [r[0], r[2]]));
    const ranks = [...sec.querySelectorAll('tbody td.title a')].map(a => rank.get(a.textContent));
    return { n: ranks.length, ok: ranks.every((r, i) => r !== undefined && (i === 0 || ranks[i - 1] < r)) };
  });
  check(`ordering by title re-orders the matches (${inOrder.n} rows in title order)`, inOrder.n > 1 && inOrder.ok, JSON.stringify(inOrder));
  check('no console errors', problems.length === 0, problems.slice(0, 3).join('; '));
} finally {
  await browser.close();
}
