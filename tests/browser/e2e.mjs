// End-to-end browser test of `litrev serve` (schemas/serve.md). Run by run.sh,
// which sets up the review, starts the server and passes everything in
// LITREV_* environment variables. Plain Node: node:assert, no test framework;
// every check prints PASS or FAIL with its name, and the first failure ends
// the run (exit 1).
import assert from 'node:assert/strict';
import fs from 'node:fs';
import http from 'node:http';
import path from 'node:path';
import { spawn, spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

function need(name) {
  const v = process.env[name];
  if (!v) {
    console.error(`e2e.mjs: ${name} is not set (run the test through run.sh)`);
    process.exit(2);
  }
  return v;
}

const LITREV = need('LITREV');
const REVIEW = need('LITREV_REVIEW_DIR');
const WORK = need('LITREV_WORK');
const PORT = Number(need('LITREV_PORT'));
const BASE = need('LITREV_BASE'); // http://127.0.0.1:PORT/
const LINKS = { ana: need('LITREV_LINK_ANA'), ben: need('LITREV_LINK_BEN'), cy: need('LITREV_LINK_CY') };
const KEYS = need('LITREV_KEYS').split(/\s+/).filter(Boolean);
const XSS_KEY = need('LITREV_XSS_KEY');
const KETAMINE_KEY = need('LITREV_KETAMINE_KEY');
const PID_FILE = need('LITREV_SERVER_PID_FILE');
const SHOTS = process.env.LITREV_SCREENSHOTS || WORK;
const CHROMIUM = process.env.LITREV_CHROMIUM || '/usr/bin/chromium';
const WEB_DIR = process.env.LITREV_WEB_DIR || '';
const NODE_MODULES = process.env.LITREV_NODE_MODULES;

const require = createRequire(NODE_MODULES ? path.join(NODE_MODULES, '..', 'e2e.cjs') : import.meta.url);
const { chromium } = require('playwright-core');

// Generous: the server recomputes queues, and CI has two slow cores.
const TIMEOUT = 60_000;
const STAGE = 'title-abstract';
const TOKEN = Object.fromEntries(Object.entries(LINKS).map(([k, v]) => [k, v.split('#token=')[1]]));
const HOST = new URL(BASE).host;
const ORIGIN = `http://${HOST}`;
const REASONS = ['wrong population', 'wrong intervention', 'wrong design', 'not primary research'];
const CRITERION = 'Adults with alcohol use disorder given ketamine';

// --- reporting ----------------------------------------------------------------
class Failure extends Error {}
const t0 = Date.now();
const pageErrors = [];
const consoleErrors = [];
const pages = {}; // name -> page, for diagnostics

async function check(name, fn) {
  const t = Date.now();
  try {
    await fn();
  } catch (e) {
    if (e instanceof Failure) throw e; // a check within this one failed, and said so
    console.log(`FAIL ${name}`);
    const msg = e instanceof assert.AssertionError ? e.message : (e && e.stack) || String(e);
    console.log(msg.split('\n').map((l) => '    ' + l).join('\n'));
    throw new Failure(name);
  }
  console.log(`PASS ${name} (${((Date.now() - t) / 1000).toFixed(1)} s)`);
}

// --- HTTP from node -------------------------------------------------------------
function request(method, urlPath, { headers = {}, body } = {}) {
  return new Promise((resolve, reject) => {
    // A body goes with its Content-Length, as browsers send it (the server
    // refuses chunked bodies with 411 before looking at anything else).
    if (body !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-length')) {
      headers = { ...headers, 'Content-Length': Buffer.byteLength(body) };
    }
    const req = http.request({ host: '127.0.0.1', port: PORT, path: urlPath, method, headers, timeout: TIMEOUT }, (res) => {
      const chunks = [];
      res.on('data', (c) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode, headers: res.headers, text: Buffer.concat(chunks).toString('utf8') }));
    });
    req.on('timeout', () => req.destroy(new Error(`${method} ${urlPath}: no answer within ${TIMEOUT / 1000} s`)));
    req.on('error', reject);
    if (body !== undefined) req.write(body);
    req.end();
  });
}

function describe(res) {
  return `status ${res.status}, body ${JSON.stringify(res.text.slice(0, 300))}`;
}

async function api(who, urlPath) {
  const res = await request('GET', urlPath, { headers: { Host: HOST, Authorization: `Bearer ${TOKEN[who]}` } });
  assert.equal(res.status, 200, `GET ${urlPath} as ${who}: expected 200, got ${describe(res)}`);
  try {
    return JSON.parse(res.text);
  } catch {
    assert.fail(`GET ${urlPath} as ${who}: the body is not JSON: ${res.text.slice(0, 300)}`);
  }
}

// --- the ledger -------------------------------------------------------------------
function ledger(who) {
  const p = path.join(REVIEW, 'ledger', `${who}.jsonl`);
  if (!fs.existsSync(p)) return [];
  const text = fs.readFileSync(p, 'utf8');
  if (text === '') return [];
  assert.ok(text.endsWith('\n'), `${p}: the last line is not complete (no newline at the end)`);
  return text.slice(0, -1).split('\n').map((line, i) => {
    let e;
    try {
      e = JSON.parse(line);
    } catch {
      assert.fail(`${p}:${i + 1} is not JSON: ${line}`);
    }
    assert.equal(e.actor, who, `${p}:${i + 1}: actor ${e.actor}, expected ${who}`);
    return e;
  });
}

function votesIn(who, type) {
  return ledger(who)
    .filter((e) => e.type === type)
    .map((e) => ({ key: e.payload.key, stage: e.payload.stage, decision: e.payload.decision, reason: e.payload.reason || null }));
}

function fmtVotes(vs) {
  return vs.length ? vs.map((v) => `      ${v.key} ${v.stage} ${v.decision}${v.reason ? ' (' + v.reason + ')' : ''}`).join('\n') : '      (none)';
}

function assertLedger(who, type, expected) {
  const got = votesIn(who, type);
  assert.deepEqual(got, expected,
    `ledger/${who}.jsonl: its ${type} events differ from the ones the test made.\n    expected:\n${fmtVotes(expected)}\n    got:\n${fmtVotes(got)}`);
}

function verifyLedgers() {
  const r = spawnSync(LITREV, ['-C', REVIEW, 'verify'], { encoding: 'utf8' });
  assert.equal(r.status, 0, `litrev verify exited ${r.status}:\n${r.stdout}${r.stderr}`);
  assert.match(r.stdout, /every chain is intact/, `litrev verify: ${r.stdout}`);
}

// --- the server (restart) ----------------------------------------------------------
function serverPid() {
  return Number(fs.readFileSync(PID_FILE, 'utf8').trim());
}

function alive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function killServer() {
  const pid = serverPid();
  assert.ok(alive(pid), `the server (pid ${pid}) is not running before the kill`);
  process.kill(pid, 'SIGKILL');
  for (let i = 0; i < 200 && alive(pid); i++) await sleep(50);
  assert.ok(!alive(pid), `the server (pid ${pid}) survived SIGKILL for 10 s`);
}

function linksIn(text) {
  const links = {};
  for (const line of text.split('\n')) {
    const m = line.match(/http:\/\/\S+#token=[0-9a-f]{64}/);
    if (!m) continue;
    for (const who of Object.keys(LINKS)) if (new RegExp(`(^|[^A-Za-z0-9_])${who}([^A-Za-z0-9_]|$)`).test(line.replace(m[0], ' '))) links[who] ??= m[0];
  }
  return links;
}

// Starts the server again on the same port, as run.sh did, and waits until it
// prints the links and answers. Retries a few times while the port is busy.
async function restartServer() {
  const args = ['-C', REVIEW, 'serve', '--port', String(PORT)];
  if (WEB_DIR) args.push('--web-dir', path.resolve(WEB_DIR));
  const deadline = Date.now() + 2 * TIMEOUT;
  for (let attempt = 1; ; attempt++) {
    const out = path.join(WORK, `serve-restart${attempt}.out`);
    const err = path.join(WORK, `serve-restart${attempt}.err`);
    const child = spawn(LITREV, args, { stdio: ['ignore', fs.openSync(out, 'w'), fs.openSync(err, 'w')] });
    child.unref();
    fs.writeFileSync(PID_FILE, `${child.pid}\n`);
    let exited = null;
    child.on('exit', (code, sig) => { exited = { code, sig }; });
    let links = {};
    while (Date.now() < deadline && !exited) {
      links = linksIn(fs.readFileSync(out, 'utf8'));
      if (links.ana && links.ben && links.cy) break;
      await sleep(100);
    }
    if (exited) {
      const msg = fs.readFileSync(err, 'utf8');
      if (Date.now() < deadline && /in use|EADDRINUSE|bind/i.test(msg)) {
        await sleep(1000);
        continue;
      }
      assert.fail(`the restarted server exited (${JSON.stringify(exited)}); stderr:\n${msg}`);
    }
    assert.ok(links.ana && links.ben && links.cy,
      `the restarted server printed no link for each reviewer within ${(2 * TIMEOUT) / 1000} s; stdout:\n${fs.readFileSync(out, 'utf8')}`);
    assert.deepEqual(links, LINKS, 'the links changed across the restart (tokens must be kept in serve/tokens.json)');
    while (Date.now() < deadline) {
      try {
        const res = await request('GET', '/', { headers: { Host: HOST } });
        if (res.status === 200) return;
      } catch {
        // not listening yet
      }
      assert.ok(!exited, `the restarted server exited: ${JSON.stringify(exited)}`);
      await sleep(100);
    }
    assert.fail('the restarted server does not answer GET /');
  }
}

// --- the page -----------------------------------------------------------------------
let browser;

async function openPage(who, url) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(TIMEOUT);
  page.on('pageerror', (e) => pageErrors.push(`${who}: ${e.message}`));
  page.on('console', (m) => {
    if (m.type() === 'error') consoleErrors.push(`${who}: ${m.text()}`);
  });
  pages[who] = page;
  await page.goto(url);
  return page;
}

// Is the element shown? (present, not hidden, laid out)
async function shown(page, selector) {
  return page.evaluate((sel) => {
    const el = document.querySelector(sel);
    return !!el && !el.closest('[hidden]') && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
  }, selector);
}

async function waitShown(page, selector, what) {
  try {
    await page.waitForFunction((sel) => {
      const el = document.querySelector(sel);
      return !!el && !el.closest('[hidden]') && el.getClientRects().length > 0 && getComputedStyle(el).visibility !== 'hidden';
    }, selector, { timeout: TIMEOUT });
  } catch {
    assert.fail(`${what}: ${selector} is not shown within ${TIMEOUT / 1000} s${await pageState(page)}`);
  }
}

async function pageState(page) {
  try {
    const s = await page.evaluate(() => {
      const t = (sel) => document.querySelector(sel)?.textContent?.trim() ?? '(no element)';
      return { key: t('#record-key'), title: t('#record-title').slice(0, 80), progress: t('#progress'), ack: t('#ack'), error: t('#error') };
    });
    return `\n    page: ${JSON.stringify(s)}`;
  } catch (e) {
    return `\n    (page state unavailable: ${e.message})`;
  }
}

// Waits until the page shows a record (or that the queue is empty); returns it.
async function current(page, who) {
  try {
    await page.waitForFunction(() => {
      const vis = (el) => !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
      if (vis(document.querySelector('#queue-empty'))) return true;
      const key = document.querySelector('#record-key')?.textContent.trim();
      const title = document.querySelector('#record-title')?.textContent.trim();
      return vis(document.querySelector('#record-key')) && !!key && !!title;
    }, null, { timeout: TIMEOUT });
  } catch {
    assert.fail(`${who}: the page shows neither a record nor #queue-empty within ${TIMEOUT / 1000} s${await pageState(page)}`);
  }
  if (await shown(page, '#queue-empty')) return { empty: true };
  return { empty: false, key: (await page.textContent('#record-key')).trim() };
}

async function blur(page) {
  // As a user clicking the page's background: keys go to the document.
  await page.evaluate(() => {
    if (document.activeElement && document.activeElement !== document.body) document.activeElement.blur();
  });
}

// The decision the page shows as the reviewer's own vote on the record:
// #my-vote ("Your vote: Maybe", the page's element; serve.md names none), or
// else the one vote button marked aria-pressed="true".
async function shownVote(page) {
  return page.evaluate(() => {
    const mv = document.querySelector('#my-vote');
    if (mv && !mv.closest('[hidden]') && mv.getClientRects().length > 0) {
      const m = mv.textContent.match(/\b(include|exclude|maybe)\b/gi) || [];
      const ds = [...new Set(m.map((x) => x.toLowerCase()))];
      return ds.length === 1 ? ds[0] : `unclear: ${mv.textContent.trim()}`;
    }
    const pressed = [['include', '#btn-include'], ['exclude', '#btn-exclude'], ['maybe', '#btn-maybe']]
      .filter(([, sel]) => document.querySelector(sel)?.getAttribute('aria-pressed') === 'true')
      .map(([d]) => d);
    return pressed.length === 1 ? pressed[0] : null;
  });
}

async function progressIs(page, who, done, remaining) {
  const want = `${done} done, ${remaining} remaining`;
  try {
    await page.waitForFunction((w) => (document.querySelector('#progress')?.textContent ?? '').includes(w), want, { timeout: TIMEOUT });
  } catch {
    assert.fail(`${who}: #progress should say "${want}"${await pageState(page)}`);
  }
}

// --- the plan: who votes what on which record ----------------------------------------
const others = KEYS.filter((k) => k !== XSS_KEY && k !== KETAMINE_KEY);
const CONFLICT_KEY = others[0]; // ana exclude, ben include: a conflict for cy
const MAYBE_KEY = others[1]; // both maybe: all-maybe, also for cy
function plan(who, key) {
  if (key === KETAMINE_KEY) return { decision: 'include', reason: null };
  if (key === XSS_KEY) return { decision: 'exclude', reason: 'wrong design' };
  if (key === CONFLICT_KEY) return who === 'ana' ? { decision: 'exclude', reason: 'wrong population' } : { decision: 'include', reason: null };
  if (key === MAYBE_KEY) return { decision: 'maybe', reason: null };
  const i = others.indexOf(key);
  assert.ok(i >= 0, `${who}: the page shows ${key}, which is not a record of the review (${KEYS.join(' ')})`);
  return i % 2 === 0 ? { decision: 'include', reason: null } : { decision: 'exclude', reason: REASONS[i % REASONS.length] };
}

const expected = { ana: [], ben: [] }; // acknowledged votes, in order
const nVotes = { ana: 0, ben: 0 };
const distinct = (who) => new Set(expected[who].map((v) => v.key)).size;

// Casts one vote on the record shown, by keyboard or with the buttons; waits
// for the server's answer and #ack, then for the page to move on.
async function vote(page, who, key, { decision, reason }, via) {
  await blur(page);
  const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/decide' && r.request().method() === 'POST', { timeout: TIMEOUT });
  answered.catch(() => {});
  if (decision === 'include') {
    if (via === 'keys') await page.keyboard.press('i');
    else await page.click('#btn-include');
  } else if (decision === 'maybe') {
    if (via === 'keys') await page.keyboard.press('m');
    else await page.click('#btn-maybe');
  } else {
    if (via === 'keys') await page.keyboard.press('e');
    else await page.click('#btn-exclude');
    await waitShown(page, '#reason-select', `${who}: exclude on ${key}`);
    const picked = await page.selectOption('#reason-select', { label: reason });
    assert.equal(picked.length, 1, `${who}: #reason-select has no option "${reason}"`);
    if (via === 'keys') await page.keyboard.press('Enter');
    else await page.click('#btn-exclude-confirm');
  }
  let res;
  try {
    res = await answered;
  } catch {
    assert.fail(`${who}: ${decision} on ${key} (${via}): no POST /api/decide within ${TIMEOUT / 1000} s${await pageState(page)}`);
  }
  const body = JSON.parse(res.request().postData() || 'null');
  assert.equal(res.status(), 200, `${who}: POST /api/decide ${JSON.stringify(body)} -> ${res.status()} ${await res.text()}`);
  assert.equal(body?.key, key, `${who}: the page voted on ${body?.key} while showing ${key}`);
  assert.equal(body?.decision, decision, `${who}: the page sent ${body?.decision} for ${via === 'keys' ? 'the key' : 'the button'} of ${decision}`);
  expected[who].push({ key, stage: STAGE, decision, reason: reason ?? null });
  nVotes[who]++;
  try {
    await page.waitForFunction(() => /Recorded/.test(document.querySelector('#ack')?.textContent ?? ''), null, { timeout: TIMEOUT });
  } catch {
    assert.fail(`${who}: #ack does not say "Recorded" after the server acknowledged ${decision} on ${key}${await pageState(page)}`);
  }
  try {
    await page.waitForFunction((k) => {
      const vis = (el) => !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
      return vis(document.querySelector('#queue-empty')) || (document.querySelector('#record-key')?.textContent.trim() || k) !== k;
    }, key, { timeout: TIMEOUT });
  } catch {
    assert.fail(`${who}: the page still shows ${key} after the vote was acknowledged${await pageState(page)}`);
  }
  await progressIs(page, who, distinct(who), KEYS.length - distinct(who));
}

// Checks run on records as they come up in ana's queue.
const seen = { xss: false, ketamine: false };

async function checkXss(page) {
  await check('e. markup in an abstract is shown as text, never run', async () => {
    const r = await page.evaluate(() => {
      const a = document.querySelector('#record-abstract');
      const t = document.querySelector('#record-title');
      // Whatever the page wraps text in (mark, p, span), nothing that loads,
      // runs or links: no such element, no on* / src / href attribute.
      const dangerous = /^(SCRIPT|IMG|A|IFRAME|FRAME|OBJECT|EMBED|SVG|MATH|STYLE|LINK|META|BASE|FORM|INPUT|BUTTON|VIDEO|AUDIO|SOURCE|TEMPLATE)$/i;
      const bad = [...a.querySelectorAll('*'), ...t.querySelectorAll('*')]
        .filter((el) => dangerous.test(el.tagName) || [...el.attributes].some((at) => /^on|^(src|href|srcset|style)$/i.test(at.name)))
        .map((el) => el.outerHTML.slice(0, 100));
      return { text: a.textContent, bad, pwned: typeof window.__pwned };
    });
    assert.ok(r.text.includes('<script>window.__pwned=1</script>'), `#record-abstract should show "<script>…" literally; its text is: ${r.text}`);
    assert.ok(r.text.includes('<img src=x onerror="window.__pwned=1">'), `#record-abstract should show "<img …>" literally; its text is: ${r.text}`);
    assert.deepEqual(r.bad, [], 'elements that load, run or link inside #record-abstract or #record-title');
    assert.equal(r.pwned, 'undefined', 'window.__pwned is set: markup of the record ran');
  });
  await check('f. highlights match words and word* prefixes only (test record)', async () => {
    const m = await marks(page);
    const inc = m.include.map((s) => s.toLowerCase());
    const exc = m.exclude.map((s) => s.toLowerCase());
    assert.ok(inc.includes('ketamine'), `KETAMINE (term "ketamine", any case) should be a mark.hl-include; hl-include: ${JSON.stringify(m.include)}`);
    assert.ok(inc.includes('alcoholism'), `alcoholism (term "alcohol*") should be a mark.hl-include; hl-include: ${JSON.stringify(m.include)}`);
    assert.ok(exc.includes('rats'), `rats (term "rat*") should be a mark.hl-exclude; hl-exclude: ${JSON.stringify(m.exclude)}`);
    assert.deepEqual(m.partial, [], 'marks that cut a word (separate and narrative hold "rat" inside)');
    for (const s of exc) assert.match(s, /^(rat|depress)\w*$/, `mark.hl-exclude "${s}" is not a whole word starting with rat or depress (separate/narrative hold "rat" inside a word)`);
    for (const s of inc) assert.match(s, /^(ketamine|alcohol\w*)$/, `mark.hl-include "${s}" is not ketamine or a word starting with alcohol`);
  });
}

// The votes on a conflict card: for each screener, the text of the largest
// part of the card that names them and not the other one. The card's
// buttons, menus and inputs are left out: they say include/exclude and list
// the reasons whatever the votes are.
async function cardVotes(page, key) {
  return page.evaluate((k) => {
    const card = document.querySelector(`#conflicts .conflict[data-key="${k}"]`);
    const textOf = (root) => {
      const parts = [];
      const walk = document.createTreeWalker(root, NodeFilter.SHOW_TEXT, {
        acceptNode: (n) => (n.parentElement.closest('button, select, option, input, textarea') ? NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT),
      });
      for (let n = walk.nextNode(); n; n = walk.nextNode()) parts.push(n.data);
      return parts.join(' ').replace(/\s+/g, ' ').trim();
    };
    const names = ['ana', 'ben'];
    const words = (t) => ` ${t.toLowerCase().replace(/[^a-z0-9]+/g, ' ')} `;
    const out = { text: textOf(card) };
    for (const who of names) {
      const other = names.find((n) => n !== who);
      let best = null;
      for (const el of card.querySelectorAll('*')) {
        const t = textOf(el);
        const w = words(t);
        if (w.includes(` ${who} `) && !w.includes(` ${other} `) && (best === null || t.length > best.length)) best = t;
      }
      out[who] = best;
    }
    return out;
  }, key);
}

// The highlighted words of the record's title and abstract, and the marks
// that start or end inside a word (a letter or digit right before or after).
async function marks(page) {
  return page.evaluate(() => {
    const all = [...document.querySelectorAll('#record-title mark, #record-abstract mark')];
    const get = (cls) => all.filter((m) => m.classList.contains(cls)).map((m) => m.textContent);
    const inWord = /[\p{L}\p{N}]/u;
    const partial = all
      .filter((m) => inWord.test((m.previousSibling?.textContent ?? '').slice(-1)) || inWord.test((m.nextSibling?.textContent ?? '').slice(0, 1)))
      .map((m) => `${(m.previousSibling?.textContent ?? '').slice(-10)}[${m.textContent}]${(m.nextSibling?.textContent ?? '').slice(0, 10)}`);
    return { include: get('hl-include'), exclude: get('hl-exclude'), partial };
  });
}

async function checkKetamine(page) {
  await check('f. "ketamine" is highlighted as mark.hl-include (pmid:38011560)', async () => {
    const m = await marks(page);
    const ket = m.include.filter((s) => /^ketamine$/i.test(s));
    assert.ok(ket.length >= 2, `the title and abstract of ${KETAMINE_KEY} say "ketamine" several times; mark.hl-include: ${JSON.stringify(m.include)}`);
    assert.ok(m.exclude.some((s) => /^depression$/i.test(s)), `"depression" (term depress*) should be a mark.hl-exclude; hl-exclude: ${JSON.stringify(m.exclude)}`);
    assert.deepEqual(m.partial, [], 'marks that cut a word ("generation", "elaboration" hold "rat", "antidepressant" holds "depress")');
    for (const s of m.exclude) assert.match(s, /^(rat|depress)\w*$/i, `mark.hl-exclude "${s}" is not a word starting with rat or depress ("generation", "elaboration" hold "rat" inside)`);
    for (const s of m.include) assert.match(s, /^ketamine$/i, `mark.hl-include "${s}" is not ketamine (the record's only include term)`);
  });
  await page.screenshot({ path: path.join(SHOTS, 'screening.png'), fullPage: true });
}

async function beforeVote(page, who, key) {
  if (who !== 'ana') return;
  if (key === XSS_KEY && !seen.xss) {
    seen.xss = true;
    await checkXss(page);
  }
  if (key === KETAMINE_KEY && !seen.ketamine) {
    seen.ketamine = true;
    await checkKetamine(page);
  }
}

// The next vote of a reviewer on whatever their page shows; false when the
// queue is empty.
// With hold, the vote's request is held back on its way to the server while
// the test makes sure the page does not say "Recorded" yet.
async function voteNext(page, who, { hold = false } = {}) {
  const cur = await current(page, who);
  if (cur.empty) return false;
  assert.ok(!expected[who].some((v) => v.key === cur.key), `${who}: the queue offers ${cur.key} again, already voted on`);
  await beforeVote(page, who, cur.key);
  // keyboard and buttons in turn, ana and ben the other way round
  const via = (nVotes[who] + (who === 'ana' ? 0 : 1)) % 2 === 0 ? 'keys' : 'buttons';
  if (!hold) {
    await vote(page, who, cur.key, plan(who, cur.key), via);
    return true;
  }
  let release;
  const released = new Promise((r) => (release = r));
  let arrived;
  const sent = new Promise((r) => (arrived = r));
  await page.route('**/api/decide', async (route) => {
    arrived();
    await released;
    await route.continue();
  });
  const voting = vote(page, who, cur.key, plan(who, cur.key), via);
  voting.catch(() => {});
  try {
    await Promise.race([sent, voting]);
    const ack = await page.evaluate(() => {
      const a = document.querySelector('#ack');
      return a && !a.hidden ? a.textContent : '';
    });
    assert.doesNotMatch(ack, /Recorded/, `${who}: #ack says "Recorded" before the server has even received the vote on ${cur.key}`);
  } finally {
    release();
  }
  await voting;
  await page.unroute('**/api/decide');
  return true;
}

// --- the test -------------------------------------------------------------------------
async function main() {
  // a. security rules --------------------------------------------------------------
  await check('a. /api/session: no token, a malformed and a wrong token get 403; the right one 200', async () => {
    const url = new URL('api/session', BASE).href;
    const none = await fetch(url);
    assert.equal(none.status, 403, `GET /api/session without Authorization: expected 403, got ${none.status}`);
    const malformed = await fetch(url, { headers: { Authorization: 'Bearer xyz' } });
    assert.equal(malformed.status, 403, `GET /api/session with "Bearer xyz": expected 403, got ${malformed.status}`);
    const wrongTok = TOKEN.ana.slice(0, -1) + (TOKEN.ana.endsWith('0') ? '1' : '0');
    const wrong = await fetch(url, { headers: { Authorization: `Bearer ${wrongTok}` } });
    assert.equal(wrong.status, 403, `GET /api/session with a wrong token (ana's, last digit changed): expected 403, got ${wrong.status}`);
    const noBearer = await fetch(url, { headers: { Authorization: TOKEN.ana } });
    assert.equal(noBearer.status, 403, `GET /api/session with the token but no "Bearer ": expected 403, got ${noBearer.status}`);
    for (const [who, role] of [['ana', 'screener'], ['ben', 'screener'], ['cy', 'adjudicator']]) {
      const ok = await fetch(url, { headers: { Authorization: `Bearer ${TOKEN[who]}` } });
      const text = await ok.text();
      assert.equal(ok.status, 200, `GET /api/session as ${who}: expected 200, got ${ok.status} ${text}`);
      const s = JSON.parse(text);
      assert.equal(s.reviewer, who, `/api/session as ${who}: reviewer is ${s.reviewer}`);
      assert.equal(s.role, role, `/api/session as ${who}: role is ${s.role}`);
      if (who === 'ana') {
        const ta = s.stages?.find((st) => st.stage === 'ta');
        assert.ok(ta && ta.dual === true && ta.blind === true, `/api/session: stage ta should be dual and blind: ${JSON.stringify(s.stages)}`);
        assert.deepEqual(ta.exclusion_reasons, REASONS, '/api/session: the exclusion reasons of litrev.json');
        assert.deepEqual(s.highlight, { include: ['ketamine', 'alcohol*'], exclude: ['rat*', 'depress*'] }, '/api/session: the highlight terms of litrev.json');
      }
    }
  });

  await check('a. serve/tokens.json is private (0600) and holds the tokens of the printed links', async () => {
    const p = path.join(REVIEW, 'serve', 'tokens.json');
    const st = fs.statSync(p);
    assert.equal((st.mode & 0o777).toString(8), '600', `${p} has mode ${(st.mode & 0o777).toString(8)}`);
    const toks = JSON.parse(fs.readFileSync(p, 'utf8'));
    assert.deepEqual(toks, TOKEN, `${p} differs from the tokens in the printed links`);
  });

  await check('a. security headers on the page and the API', async () => {
    const csp = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' blob:; connect-src 'self'; form-action 'none'; frame-ancestors 'none'; base-uri 'none'";
    for (const p of ['/', '/app.js', '/app.css']) {
      const res = await request('GET', p, { headers: { Host: HOST } });
      assert.equal(res.status, 200, `GET ${p}: ${describe(res)}`);
      assert.equal(res.headers['content-security-policy'], csp, `GET ${p}: Content-Security-Policy`);
      assert.equal(res.headers['x-content-type-options'], 'nosniff', `GET ${p}: X-Content-Type-Options`);
      assert.equal(res.headers['referrer-policy'], 'no-referrer', `GET ${p}: Referrer-Policy`);
    }
    const res = await request('GET', '/api/session', { headers: { Host: HOST, Authorization: `Bearer ${TOKEN.ana}` } });
    assert.equal(res.status, 200, `GET /api/session: ${describe(res)}`);
    assert.match(res.headers['cache-control'] ?? '', /no-store/, 'GET /api/session: Cache-Control');
    assert.equal(res.headers['content-security-policy'], csp, 'GET /api/session: Content-Security-Policy');
  });

  const probeKey = KEYS[0];
  const probeBody = JSON.stringify({ key: probeKey, stage: 'ta', decision: 'include' });
  await check('a. POST /api/decide with text/plain, or from a foreign Origin, gets 403 and writes nothing', async () => {
    const auth = `Bearer ${TOKEN.ana}`;
    const plain = await request('POST', '/api/decide', { headers: { Host: HOST, Authorization: auth, 'Content-Type': 'text/plain', Origin: ORIGIN }, body: probeBody });
    assert.equal(plain.status, 403, `POST /api/decide ${probeBody} with Content-Type text/plain: expected 403, got ${describe(plain)}`);
    const plainNoOrigin = await request('POST', '/api/decide', { headers: { Host: HOST, Authorization: auth, 'Content-Type': 'text/plain' }, body: probeBody });
    assert.equal(plainNoOrigin.status, 403, `POST /api/decide with Content-Type text/plain and no Origin: expected 403, got ${describe(plainNoOrigin)}`);
    const form = await request('POST', '/api/decide', { headers: { Host: HOST, Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded' }, body: probeBody });
    assert.equal(form.status, 403, `POST /api/decide with a form content type: expected 403, got ${describe(form)}`);
    for (const origin of ['http://evil.example', `http://evil.example:${PORT}`, `https://${HOST}`, 'null']) {
      const foreign = await request('POST', '/api/decide', { headers: { Host: HOST, Authorization: auth, 'Content-Type': 'application/json', Origin: origin }, body: probeBody });
      assert.equal(foreign.status, 403, `POST /api/decide with Origin: ${origin}: expected 403, got ${describe(foreign)}`);
    }
    const fetched = await fetch(new URL('api/decide', BASE), { method: 'POST', headers: { Authorization: auth, 'Content-Type': 'text/plain' }, body: probeBody });
    assert.equal(fetched.status, 403, `fetch POST /api/decide with text/plain: expected 403, got ${fetched.status}`);
    assert.deepEqual(ledger('ana'), [], 'a refused POST wrote to ledger/ana.jsonl');
  });

  await check('a. a wrong Host header gets 403 (DNS rebinding); 127.0.0.1 and localhost are served', async () => {
    for (const host of ['evil.example', `evil.example:${PORT}`, `127.0.0.1:${PORT + 1}`, `localhost.evil.example:${PORT}`]) {
      const res = await request('GET', '/api/session', { headers: { Host: host, Authorization: `Bearer ${TOKEN.ana}` } });
      assert.equal(res.status, 403, `GET /api/session with Host: ${host}: expected 403, got ${describe(res)}`);
    }
    const post = await request('POST', '/api/decide', { headers: { Host: `evil.example:${PORT}`, Authorization: `Bearer ${TOKEN.ana}`, 'Content-Type': 'application/json', Origin: `http://evil.example:${PORT}` }, body: probeBody });
    assert.equal(post.status, 403, `POST /api/decide with Host and Origin evil.example:${PORT}: expected 403, got ${describe(post)}`);
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`]) {
      const res = await request('GET', '/api/session', { headers: { Host: host, Authorization: `Bearer ${TOKEN.ana}` } });
      assert.equal(res.status, 200, `GET /api/session with Host: ${host}: expected 200, got ${describe(res)}`);
    }
    assert.deepEqual(ledger('ana'), [], 'a refused POST wrote to ledger/ana.jsonl');
  });

  browser = await chromium.launch({
    executablePath: CHROMIUM,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });

  await check('a. a page opened with a wrong token, or none, shows #no-access', async () => {
    for (const [what, url] of [['a wrong token', `${BASE}#token=${'0'.repeat(64)}`], ['no token', BASE]]) {
      const page = await openPage(`stranger (${what})`, url);
      await waitShown(page, '#no-access', `the page opened with ${what}`);
      assert.ok(!(await shown(page, '#record-title')) || !(await page.textContent('#record-title')).trim(), `the page opened with ${what} shows a record`);
      await page.context().close();
    }
  });

  // b, d, e, f, g: ana and ben screen at once -----------------------------------------
  const ana = await openPage('ana', LINKS.ana);
  const ben = await openPage('ben', LINKS.ben);

  await check('a. the page takes the token out of the address bar and has no #no-access for a reviewer', async () => {
    await current(ana, 'ana');
    assert.ok(!ana.url().includes('token'), `ana's address bar still holds the token: ${ana.url()}`);
    assert.ok(!(await shown(ana, '#no-access')), "ana's page shows #no-access");
  });

  await check("g. criteria (c) toggles #criteria, which shows the protocol's criteria", async () => {
    await current(ana, 'ana');
    await blur(ana);
    const before = await shown(ana, '#criteria');
    await ana.keyboard.press('c');
    await ana.waitForFunction((b) => {
      const el = document.querySelector('#criteria');
      const vis = !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
      return vis !== b;
    }, before).catch(() => assert.fail(`key c did not ${before ? 'hide' : 'show'} #criteria`));
    const text = await ana.textContent('#criteria');
    if (!before) assert.ok(text.includes(CRITERION), `#criteria shown should hold "${CRITERION}"; it holds: ${text.slice(0, 300)}`);
    await blur(ana);
    await ana.keyboard.press('c');
    await ana.waitForFunction((b) => {
      const el = document.querySelector('#criteria');
      const vis = !!el && !el.closest('[hidden]') && el.getClientRects().length > 0;
      return vis === b;
    }, before).catch(() => assert.fail('a second c did not toggle #criteria back'));
    await ana.click('#btn-criteria');
    await ana.waitForFunction((b) => {
      const el = document.querySelector('#criteria');
      return (!!el && !el.closest('[hidden]') && el.getClientRects().length > 0) !== b;
    }, before).catch(() => assert.fail('#btn-criteria did not toggle #criteria'));
    await ana.click('#btn-criteria');
  });

  await check('b. progress starts at "0 done, N remaining" for both screeners; no conflicts tab for them', async () => {
    await progressIs(ana, 'ana', 0, KEYS.length);
    await progressIs(ben, 'ben', 0, KEYS.length);
    assert.ok(!(await shown(ana, '#tab-conflicts')), 'a screener (ana) sees #tab-conflicts');
  });

  await check('b. ana and ben screen at once, interleaved (keys and buttons; each vote acknowledged)', async () => {
    // round 1: at the same moment
    await Promise.all([voteNext(ana, 'ana'), voteNext(ben, 'ben')]);
    // round 2: one after the other
    await voteNext(ana, 'ana');
    await voteNext(ben, 'ben');
  });

  await check('g. back (b) returns to the previous record with its vote shown; a new vote there revises it', async () => {
    const cur = await current(ana, 'ana');
    assert.ok(!cur.empty, 'ana has no record left');
    const p = plan('ana', cur.key);
    const first = p.decision === 'maybe' ? { decision: 'include', reason: null } : { decision: 'maybe', reason: null };
    await beforeVote(ana, 'ana', cur.key);
    await vote(ana, 'ana', cur.key, first, 'keys');
    const next = await current(ana, 'ana');
    await blur(ana);
    await ana.keyboard.press('b');
    await ana.waitForFunction((k) => document.querySelector('#record-key')?.textContent.trim() === k, cur.key)
      .catch(async () => assert.fail(`after b, ana's page should show ${cur.key} again${await pageState(ana)}`));
    await ana.waitForFunction(() => document.querySelector('#record-title')?.textContent.trim() !== '');
    let v = null;
    for (let i = 0; i < 50 && v !== first.decision; i++) {
      v = await shownVote(ana);
      if (v !== first.decision) await sleep(200);
    }
    assert.equal(v, first.decision,
      `after b, the page should show ana's vote (${first.decision}) on ${cur.key} in #my-vote (or as the one button with aria-pressed="true"); it shows ${JSON.stringify(v)}`);
    // She changes her mind: the revision is a second event in her ledger.
    await vote(ana, 'ana', cur.key, p, 'buttons');
    const after = await current(ana, 'ana');
    if (!next.empty && !after.empty) assert.equal(after.key, next.key, 'after the revision the page should go on with the record it showed before b');
  });

  await check('b. the two screeners go on, interleaved; #ack waits for the server', async () => {
    await Promise.all([voteNext(ana, 'ana'), voteNext(ben, 'ben')]);
    await voteNext(ben, 'ben', { hold: true });
  });

  // d. SIGKILL in the middle of ana's session -----------------------------------------
  await check('d. after SIGKILL every acknowledged vote is in the ledger, and the chains are intact', async () => {
    assert.ok(expected.ana.length >= 3 && distinct('ana') < KEYS.length, 'ana should be in the middle of her session');
    await killServer();
    assertLedger('ana', 'screen.decision', expected.ana);
    assertLedger('ben', 'screen.decision', expected.ben);
    verifyLedgers();
  });

  await check('d. the server restarts on the same port with the same links', async () => {
    await restartServer();
  });

  await check("d. reloading ana's page resumes her queue at the next unscreened record", async () => {
    await ana.reload();
    const cur = await current(ana, 'ana');
    assert.ok(!cur.empty, 'after the reload ana\'s page says her queue is empty');
    assert.ok(!expected.ana.some((v) => v.key === cur.key), `after the reload ana's page shows ${cur.key}, which she has voted on`);
    await progressIs(ana, 'ana', distinct('ana'), KEYS.length - distinct('ana'));
    const order = await ana.$eval('#order-select', (el) => el.value).catch(() => null);
    assert.ok(order, 'the page has no #order-select with a value');
    const q = await api('ana', `/api/queue?stage=ta&order=${encodeURIComponent(order)}`);
    assert.equal(q.done, distinct('ana'), `/api/queue: done for ana (${JSON.stringify(q)})`);
    assert.equal(q.remaining, KEYS.length - distinct('ana'), '/api/queue: remaining for ana');
    assert.equal(q.items?.[0]?.key, cur.key, `the page should show the head of ana's queue (order ${order})`);
    const voted = new Set(expected.ana.map((v) => v.key));
    assert.deepEqual(q.items.map((it) => it.key).sort(), KEYS.filter((k) => !voted.has(k)), "/api/queue: ana's queue is the records she has not voted on");
  });

  await check('b. both finish their queues (ben without reloading across the restart)', async () => {
    for (let round = 0; round < 3 * KEYS.length; round++) {
      const a = await voteNext(ana, 'ana');
      const b = await voteNext(ben, 'ben');
      if (!a && !b) break;
    }
    await waitShown(ana, '#queue-empty', 'ana at the end');
    await waitShown(ben, '#queue-empty', 'ben at the end');
    await progressIs(ana, 'ana', KEYS.length, 0);
    await progressIs(ben, 'ben', KEYS.length, 0);
    assert.ok(seen.xss, `ana's queue never showed the test record ${XSS_KEY}`);
    assert.ok(seen.ketamine, `ana's queue never showed ${KETAMINE_KEY}`);
  });

  await check("b. each ledger holds exactly the votes its screener made (keys, decisions, reasons)", async () => {
    assertLedger('ana', 'screen.decision', expected.ana);
    assertLedger('ben', 'screen.decision', expected.ben);
    assert.equal(expected.ana.length, KEYS.length + 1, 'ana: one vote per record plus the revision');
    assert.equal(expected.ben.length, KEYS.length, 'ben: one vote per record');
    for (const who of ['ana', 'ben']) {
      const seqs = ledger(who).map((e) => e.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i + 1), `ledger/${who}.jsonl: seq should run 1..n`);
    }
    verifyLedgers();
  });

  await check('e. no markup of a record ran on any page', async () => {
    for (const [who, page] of [['ana', ana], ['ben', ben]]) {
      assert.equal(await page.evaluate(() => typeof window.__pwned), 'undefined', `window.__pwned is set on ${who}'s page`);
    }
  });

  // c. the adjudicator resolves the conflicts -------------------------------------------
  const cy = await openPage('cy', LINKS.cy);
  await check('c. blind screeners see only their own votes in /api/record; the adjudicator sees all', async () => {
    const r = await api('ana', `/api/record?key=${encodeURIComponent(CONFLICT_KEY)}&stage=ta`);
    assert.equal(r.status, null, `/api/record for ana on a blind stage: status should be null, is ${JSON.stringify(r.status)}`);
    assert.ok(Array.isArray(r.history) && r.history.length > 0 && r.history.every((e) => e.actor === 'ana'), `/api/record for ana: history should hold only her events: ${JSON.stringify(r.history)}`);
    assert.equal(r.mine?.decision, 'exclude', `/api/record for ana: mine ${JSON.stringify(r.mine)}`);
    const c = await api('cy', `/api/record?key=${encodeURIComponent(CONFLICT_KEY)}&stage=ta`);
    const actors = new Set((c.history ?? []).map((e) => e.actor));
    assert.ok(actors.has('ana') && actors.has('ben'), `/api/record for cy: history should hold ana's and ben's votes: ${JSON.stringify(c.history)}`);
    const denied = await request('GET', '/api/conflicts?stage=ta', { headers: { Host: HOST, Authorization: `Bearer ${TOKEN.ana}` } });
    assert.equal(denied.status, 403, `GET /api/conflicts as ana (a screener): expected 403, got ${describe(denied)}`);
  });

  await check('c. the conflicts tab shows the records ana and ben disagree on (or both said maybe), with both votes', async () => {
    await waitShown(cy, '#tab-conflicts', "cy's page (an adjudicator)");
    await cy.click('#tab-conflicts');
    await waitShown(cy, `#conflicts .conflict[data-key="${CONFLICT_KEY}"]`, 'the conflict');
    await waitShown(cy, `#conflicts .conflict[data-key="${MAYBE_KEY}"]`, 'the all-maybe record');
    const cards = await cy.$$eval('#conflicts .conflict', (els) => els.map((e) => e.getAttribute('data-key')));
    assert.deepEqual([...cards].sort(), [CONFLICT_KEY, MAYBE_KEY].sort(), 'the conflict cards');
    for (const [key, want] of [
      [CONFLICT_KEY, { ana: ['exclude', 'wrong population'], ben: ['include'] }],
      [MAYBE_KEY, { ana: ['maybe'], ben: ['maybe'] }],
    ]) {
      const v = await cardVotes(cy, key);
      for (const [who, words] of Object.entries(want)) {
        assert.ok(v[who] !== null, `the card of ${key} shows no vote of ${who} (no part of it names ${who} and not the other screener); its text, without its buttons and menus: ${v.text}`);
        for (const w of words) assert.ok(v[who].toLowerCase().includes(w), `the card of ${key}: ${who}'s vote should say "${w}"; it says: ${v[who]}`);
      }
    }
    await cy.screenshot({ path: path.join(SHOTS, 'conflicts.png'), fullPage: true });
  });

  await check('c. cy resolves both (include; exclude with a reason); the cards go; cy.jsonl holds the resolutions', async () => {
    const resolve = async (key, cls, reason) => {
      const card = cy.locator(`#conflicts .conflict[data-key="${key}"]`);
      const answered = cy.waitForResponse((r) => new URL(r.url()).pathname === '/api/resolve' && r.request().method() === 'POST');
      answered.catch(() => {});
      if (reason) {
        const sel = card.locator('.resolve-reason');
        const tag = await sel.evaluate((el) => el.tagName);
        if (tag === 'SELECT') await sel.selectOption({ label: reason });
        else await sel.fill(reason);
      }
      await card.locator(cls).click();
      let res;
      try {
        res = await answered;
      } catch {
        assert.fail(`no POST /api/resolve after clicking ${cls} on ${key}${await pageState(cy)}`);
      }
      assert.equal(res.status(), 200, `POST /api/resolve ${res.request().postData()} -> ${res.status()} ${await res.text()}`);
      await card.waitFor({ state: 'detached' }).catch(async () => {
        await card.waitFor({ state: 'hidden', timeout: 1 }).catch(() => assert.fail(`the card of ${key} is still shown after it was resolved`));
      });
    };
    await resolve(CONFLICT_KEY, '.resolve-include', null);
    assertLedger('cy', 'screen.resolve', [{ key: CONFLICT_KEY, stage: STAGE, decision: 'include', reason: null }]);
    await resolve(MAYBE_KEY, '.resolve-exclude', 'wrong design');
    assertLedger('cy', 'screen.resolve', [
      { key: CONFLICT_KEY, stage: STAGE, decision: 'include', reason: null },
      { key: MAYBE_KEY, stage: STAGE, decision: 'exclude', reason: 'wrong design' },
    ]);
    assert.deepEqual(votesIn('cy', 'screen.decision'), [], 'cy (the adjudicator) cast screening votes');
    const c = await api('cy', '/api/conflicts?stage=ta');
    assert.deepEqual(c.items, [], '/api/conflicts after both resolutions');
    assertLedger('ana', 'screen.decision', expected.ana);
    assertLedger('ben', 'screen.decision', expected.ben);
    verifyLedgers();
  });

  await check('the pages raised no uncaught error and broke no Content-Security-Policy rule', async () => {
    assert.deepEqual(pageErrors, [], 'uncaught errors in the pages');
    assert.deepEqual(consoleErrors.filter((m) => /Content Security Policy/i.test(m)), [], 'CSP violations (the page tried to run or load something the policy forbids)');
  });
}

let failed = false;
try {
  await main();
} catch (e) {
  failed = true;
  if (!(e instanceof Failure)) console.log(`FAIL (outside a check) ${e && e.stack ? e.stack : e}`);
  for (const [who, page] of Object.entries(pages)) {
    if (page.isClosed()) continue;
    const file = path.join(SHOTS, `failure-${who.replace(/\W+/g, '_')}.png`);
    await page.screenshot({ path: file, fullPage: true }).then(() => console.log(`    screenshot: ${file}`), () => {});
  }
} finally {
  if (pageErrors.length) console.log(`page errors:\n${pageErrors.map((l) => '    ' + l).join('\n')}`);
  if (consoleErrors.length) console.log(`console errors (for information):\n${consoleErrors.slice(-20).map((l) => '    ' + l).join('\n')}`);
  if (browser) await browser.close().catch(() => {});
}
console.log(`${failed ? 'FAILED' : 'passed'} in ${((Date.now() - t0) / 1000).toFixed(0)} s; screenshots in ${SHOTS}`);
process.exit(failed ? 1 : 0);
