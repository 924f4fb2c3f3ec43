// The browser page of `litrev serve` (schemas/serve.md): screening one record
// at a time, search, conflicts (adjudicators), risk of bias and progress.
//
// Plain JavaScript, no build step, no framework. The server's CSP allows only
// this file as script and app.css as style, so there are no inline scripts,
// handlers or styles. Every element is built with createElement and
// textContent: titles and abstracts may hold markup, which must show as text.
// The token comes in the link's fragment (#token=...), moves to
// sessionStorage and leaves the address bar; every /api/ request carries it
// as a Bearer token.
'use strict';

(() => {
  // -------------------------------------------------------------------------
  // Small helpers.

  const $ = (id) => document.getElementById(id);

  // el('p', {className: 'x', text: 'hi', attrs: {title: 't'}, dataset: {key: 'k'},
  //          on: {click: fn}}, child, 'text', ...)
  function el(tag, props, ...children) {
    const node = document.createElement(tag);
    if (props) {
      if (props.className) node.className = props.className;
      if (props.text !== undefined && props.text !== null) node.textContent = String(props.text);
      if (props.attrs) {
        for (const [k, v] of Object.entries(props.attrs)) {
          if (v === false || v === null || v === undefined) continue;
          node.setAttribute(k, v === true ? '' : String(v));
        }
      }
      if (props.dataset) {
        for (const [k, v] of Object.entries(props.dataset)) node.dataset[k] = String(v);
      }
      if (props.on) {
        for (const [k, fn] of Object.entries(props.on)) node.addEventListener(k, fn);
      }
    }
    append(node, children);
    return node;
  }

  function append(node, children) {
    for (const c of children) {
      if (c === null || c === undefined || c === false) continue;
      if (Array.isArray(c)) append(node, c);
      else if (c instanceof Node) node.appendChild(c);
      else node.appendChild(document.createTextNode(String(c)));
    }
    return node;
  }

  function show(node, visible) {
    node.hidden = !visible;
  }

  function option(value, label, selected) {
    const o = document.createElement('option');
    o.value = value;
    o.textContent = label;
    if (selected) o.selected = true;
    return o;
  }

  function str(v) {
    return v === null || v === undefined ? '' : String(v);
  }

  function debounce(fn, ms) {
    let t = null;
    const wrapped = (...args) => {
      clearTimeout(t);
      t = setTimeout(() => fn(...args), ms);
    };
    wrapped.cancel = () => clearTimeout(t);
    return wrapped;
  }

  function fmtTime(ts) {
    if (!ts) return '';
    const d = new Date(ts);
    if (Number.isNaN(d.getTime())) return String(ts);
    return d.toLocaleString(undefined, {dateStyle: 'medium', timeStyle: 'short'});
  }

  function fmtNum(x, digits) {
    if (x === null || x === undefined || Number.isNaN(Number(x))) return '\u2013';
    return Number(x).toFixed(digits);
  }

  const DECISION_LABEL = {include: 'Include', exclude: 'Exclude', maybe: 'Maybe'};
  const STATUS_LABEL = {
    unscreened: 'Not screened',
    awaiting: 'Awaiting votes',
    included: 'Included',
    excluded: 'Excluded',
    maybe: 'Maybe',
    conflict: 'Conflict',
  };

  function decisionBadge(decision) {
    const d = str(decision);
    const mark = d === 'include' ? '\u2713 ' : d === 'exclude' ? '\u2717 ' : d === 'maybe' ? '? ' : '';
    return el('span', {className: 'badge badge-' + (d || 'none'), text: mark + (DECISION_LABEL[d] || d || '\u2014')});
  }

  function statusBadge(status) {
    const s = str(status);
    return el('span', {className: 'badge status-' + (s || 'none'), text: STATUS_LABEL[s] || s || '\u2014'});
  }

  // -------------------------------------------------------------------------
  // Token and API.

  const TOKEN_KEY = 'litrev.serve.token';

  function readToken() {
    const hash = location.hash || '';
    const m = hash.match(/(?:^#|&)token=([^&]*)/);
    if (m) {
      let t = '';
      try {
        t = decodeURIComponent(m[1]);
      } catch (e) {
        t = '';
      }
      // Out of the address bar (and the history) at once.
      history.replaceState(null, '', location.pathname + location.search);
      if (t) {
        sessionStorage.setItem(TOKEN_KEY, t);
        return t;
      }
      sessionStorage.removeItem(TOKEN_KEY);
      return null;
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  let token = null;

  class ApiError extends Error {
    constructor(status, message) {
      super(message);
      this.status = status;
    }
  }

  async function request(path, method, body) {
    const headers = {Authorization: 'Bearer ' + token};
    const init = {method, headers, cache: 'no-store', credentials: 'omit', redirect: 'error'};
    if (body !== undefined) {
      headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    try {
      return await fetch(path, init);
    } catch (e) {
      throw new ApiError(0, 'The litrev server cannot be reached. Is `litrev serve` still running?');
    }
  }

  async function errorOf(res) {
    let msg = '';
    try {
      const data = JSON.parse(await res.text());
      if (data && typeof data.error === 'string') msg = data.error;
    } catch (e) {
      // not JSON
    }
    if (!msg) msg = 'The server answered ' + res.status + (res.statusText ? ' ' + res.statusText : '');
    return new ApiError(res.status, msg);
  }

  // JSON from the API. Throws ApiError with the server's message.
  async function api(path, opts) {
    const o = opts || {};
    const res = await request(path, o.method || (o.body !== undefined ? 'POST' : 'GET'), o.body);
    if (!res.ok) throw await errorOf(res);
    let data = null;
    const text = await res.text();
    if (text) {
      try {
        data = JSON.parse(text);
      } catch (e) {
        throw new ApiError(res.status, 'The server sent an answer this page cannot read.');
      }
    }
    if (!o.quiet) clearError();
    return data;
  }

  function post(path, body) {
    return api(path, {method: 'POST', body});
  }

  function qs(params) {
    const u = new URLSearchParams();
    for (const [k, v] of Object.entries(params)) {
      if (v !== undefined && v !== null && v !== '') u.set(k, String(v));
    }
    return u.toString();
  }

  // An image from the API as an object URL, or null when there is nothing to
  // draw (404).
  async function apiImage(path) {
    const res = await request(path, 'GET');
    if (res.status === 404) return null;
    if (!res.ok) throw await errorOf(res);
    const blob = await res.blob();
    return URL.createObjectURL(blob);
  }

  const objectUrls = new Map(); // img id -> object URL

  async function loadImage(imgId, figureId, emptyId, path) {
    const img = $(imgId);
    let url = null;
    try {
      url = await apiImage(path);
    } catch (e) {
      showError(e.message);
    }
    const old = objectUrls.get(imgId);
    if (old) URL.revokeObjectURL(old);
    objectUrls.delete(imgId);
    if (url) {
      objectUrls.set(imgId, url);
      img.src = url;
    } else {
      img.removeAttribute('src');
    }
    show($(figureId), !!url);
    return !!url;
  }

  // -------------------------------------------------------------------------
  // Messages.

  function showError(msg) {
    const e = $('error');
    e.textContent = msg;
    show(e, true);
  }

  function clearError() {
    const e = $('error');
    if (!e.hidden || e.textContent) {
      e.textContent = '';
      show(e, false);
    }
  }

  function report(err) {
    if (err instanceof ApiError && err.status === 403 && !session) {
      noAccess();
      return;
    }
    showError(err && err.message ? err.message : String(err));
  }

  let ackTimer = null;
  function showAck(text) {
    const a = $('ack');
    clearTimeout(ackTimer);
    a.textContent = text;
    show(a, true);
    a.classList.remove('ack-fade');
    // Fade, but keep the text, after a while; the next action clears it.
    ackTimer = setTimeout(() => a.classList.add('ack-fade'), 6000);
  }

  function clearAck() {
    const a = $('ack');
    clearTimeout(ackTimer);
    a.textContent = '';
    a.classList.remove('ack-fade');
    show(a, false);
  }

  let hintTimer = null;
  function hint(text) {
    const h = $('hint');
    clearTimeout(hintTimer);
    h.textContent = text;
    if (text) hintTimer = setTimeout(() => (h.textContent = ''), 5000);
  }

  function noAccess() {
    sessionStorage.removeItem(TOKEN_KEY);
    show($('loading'), false);
    show($('app'), false);
    show($('error'), false);
    show($('no-access'), true);
    document.title = 'litrev: link not valid';
  }

  // -------------------------------------------------------------------------
  // Highlighting of the protocol's terms.

  // A term: words in a row (separated by spaces or hyphens in the text), the
  // last one a prefix when the term ends in '*'.
  function parseTerms(list, cls) {
    const out = [];
    for (const raw of list || []) {
      let t = String(raw).trim();
      let prefix = false;
      while (t.endsWith('*') || t.endsWith(' ')) {
        if (t.endsWith('*')) prefix = true;
        t = t.slice(0, -1);
      }
      const words = [];
      for (const m of t.matchAll(WORD_RE)) words.push(m[0].toLowerCase());
      if (words.length) out.push({words, prefix, cls});
    }
    return out;
  }

  const WORD_RE = /[\p{L}\p{N}\p{M}]+/gu;
  let highlightTerms = [];

  function matchAt(text, toks, i, term) {
    const n = term.words.length;
    if (i + n > toks.length) return 0;
    for (let k = 0; k < n; k++) {
      const tok = toks[i + k];
      const w = term.words[k];
      const last = k === n - 1;
      if (last && term.prefix ? !tok.lower.startsWith(w) : tok.lower !== w) return 0;
      if (k > 0) {
        const gap = text.slice(toks[i + k - 1].end, tok.start);
        if (!/^[\s\-\u2010\u2011\u2013]+$/u.test(gap)) return 0;
      }
    }
    return n;
  }

  // Text as nodes: plain text, and <mark class="hl-include|hl-exclude"> for
  // the protocol's highlight terms.
  function highlighted(text) {
    const s = str(text);
    const frag = document.createDocumentFragment();
    if (!highlightTerms.length || !s) {
      frag.appendChild(document.createTextNode(s));
      return frag;
    }
    const toks = [];
    for (const m of s.matchAll(WORD_RE)) toks.push({start: m.index, end: m.index + m[0].length, lower: m[0].toLowerCase()});
    let pos = 0;
    for (let i = 0; i < toks.length; ) {
      let best = 0;
      let cls = '';
      for (const term of highlightTerms) {
        const n = matchAt(s, toks, i, term);
        if (n > best) {
          best = n;
          cls = term.cls;
        }
      }
      if (!best) {
        i++;
        continue;
      }
      const start = toks[i].start;
      const end = toks[i + best - 1].end;
      if (start > pos) frag.appendChild(document.createTextNode(s.slice(pos, start)));
      frag.appendChild(el('mark', {className: cls, text: s.slice(start, end)}));
      pos = end;
      i += best;
    }
    if (pos < s.length) frag.appendChild(document.createTextNode(s.slice(pos)));
    return frag;
  }

  // A search snippet: parts [{text, match}].
  function snippetNodes(parts) {
    const frag = document.createDocumentFragment();
    if (typeof parts === 'string') {
      frag.appendChild(document.createTextNode(parts));
      return frag;
    }
    for (const p of parts || []) {
      if (p && p.match) frag.appendChild(el('mark', {className: 'hit-match', text: str(p.text)}));
      else frag.appendChild(document.createTextNode(str(p && p.text)));
    }
    return frag;
  }

  // -------------------------------------------------------------------------
  // Records.

  function authorName(a) {
    if (typeof a === 'string') return a;
    if (!a || typeof a !== 'object') return '';
    if (a.name) return str(a.name);
    if (a.collective) return str(a.collective);
    const last = str(a.last || a.family || a.last_name);
    const first = str(a.initials || a.given || a.fore || a.first);
    return [last, first].filter(Boolean).join(' ');
  }

  function authorsLine(authors) {
    const names = (authors || []).map(authorName).filter(Boolean);
    if (names.length <= 6) return names.join(', ');
    return `${names.slice(0, 3).join(', ')}, \u2026 ${names[names.length - 1]} (${names.length} authors)`;
  }

  function itemText(x, ...fields) {
    if (typeof x === 'string') return x;
    if (!x || typeof x !== 'object') return '';
    for (const f of fields) if (x[f]) return str(x[f]);
    return '';
  }

  function meshText(m) {
    if (typeof m === 'string') return m;
    if (!m || typeof m !== 'object') return '';
    let major = !!m.major;
    for (const q of m.qualifiers || []) if (q && q.major) major = true;
    return str(m.descriptor || m.name || m.text) + (major ? '*' : '');
  }

  function stageName(stage) {
    const s = session && session.stages.find((x) => x.stage === stage);
    const name = s ? s.name : stage;
    if (name === 'title-abstract' || stage === 'ta') return 'Title and abstract';
    if (name === 'full-text' || stage === 'ft') return 'Full text';
    return name;
  }

  function stageInfo(stage) {
    return (session && session.stages.find((x) => x.stage === stage)) || null;
  }

  function voteText(v) {
    if (!v) return '';
    let s = DECISION_LABEL[v.decision] || str(v.decision);
    if (v.reason) s += ' \u2014 ' + v.reason;
    if (v.note) s += ' (note: ' + v.note + ')';
    return s;
  }

  // Fills `meta` (a <dl>) with the record's bibliographic fields.
  function fillMeta(meta, rec, members) {
    meta.replaceChildren();
    const add = (label, value, withHighlight) => {
      if (!value) return;
      meta.appendChild(el('dt', {text: label}));
      meta.appendChild(el('dd', null, withHighlight ? highlighted(value) : value));
    };
    add('Authors', authorsLine(rec.authors));
    add('Journal', str(rec.journal));
    add('Year', str(rec.year));
    add('Types', (rec.publication_types || []).map((t) => itemText(t, 'name', 'text')).filter(Boolean).join('; '), true);
    add('MeSH', (rec.mesh || []).map(meshText).filter(Boolean).join('; '), true);
    add('Keywords', (rec.keywords || []).map((k) => itemText(k, 'text', 'name')).filter(Boolean).join('; '), true);
    if (rec.language && !/^(en|eng|english)$/i.test(rec.language)) add('Language', str(rec.language));
    const ids = [];
    if (rec.pmid) ids.push('PMID ' + rec.pmid);
    if (rec.doi) ids.push('DOI ' + rec.doi);
    add('Identifiers', ids.join(' \u00b7 '));
    if (members && members.length > 1) add('Same report', members.slice(1).join(', '));
  }

  // Fills `box` with the abstract, paragraph by paragraph.
  function fillAbstract(box, abstract) {
    box.replaceChildren();
    let sections = [];
    if (Array.isArray(abstract)) {
      sections = abstract.map((s) => (typeof s === 'string' ? {label: '', text: s} : {label: str(s && s.label), text: str(s && s.text)}));
    } else if (abstract) {
      // A structured abstract arrives as one string, "BACKGROUND: ...
      // METHODS: ...": a paragraph per section.
      const label = /(^|[.!?)\]]\s+)([A-Z][A-Z /&,-]{3,60}):\s+/g;
      for (const chunk of str(abstract).split(/\n+/)) {
        const t = chunk.trim();
        if (!t) continue;
        const cuts = [];
        for (const m of t.matchAll(label)) cuts.push({at: m.index + m[1].length, label: m[2], text: m.index + m[0].length});
        if (!cuts.length || cuts[0].at > 0) sections.push({label: '', text: t.slice(0, cuts.length ? cuts[0].at : t.length).trim()});
        cuts.forEach((c, i) => sections.push({label: c.label.trim(), text: t.slice(c.text, i + 1 < cuts.length ? cuts[i + 1].at : t.length).trim()}));
      }
      sections = sections.filter((x) => x.label || x.text);
    }
    if (!sections.length) {
      box.appendChild(el('p', {className: 'muted', text: '(no abstract)'}));
      return;
    }
    for (const s of sections) {
      const p = el('p');
      if (s.label) p.appendChild(el('strong', {className: 'abs-label', text: s.label + ': '}));
      p.appendChild(highlighted(s.text));
      box.appendChild(p);
    }
  }

  // -------------------------------------------------------------------------
  // Session and tabs.

  let session = null;
  let activeView = 'screen';
  const views = {
    screen: {tab: 'tab-screen', panel: 'screen'},
    search: {tab: 'tab-search', panel: 'search-view'},
    conflicts: {tab: 'tab-conflicts', panel: 'conflicts-view'},
    rob: {tab: 'tab-rob', panel: 'rob-view'},
    progress: {tab: 'tab-progress', panel: 'progress-view'},
  };

  function isAdjudicator() {
    return session && session.role === 'adjudicator';
  }

  function selectView(name, focusTab) {
    if (!views[name] || (name === 'conflicts' && !isAdjudicator())) name = 'screen';
    if (name !== activeView) {
      clearAck();
      hint('');
    }
    activeView = name;
    sessionStorage.setItem('litrev.serve.view', name);
    for (const [k, v] of Object.entries(views)) {
      const tab = $(v.tab);
      const on = k === name;
      if (tab) {
        tab.setAttribute('aria-selected', on ? 'true' : 'false');
        tab.tabIndex = on ? 0 : -1;
        tab.classList.toggle('active', on);
        if (on && focusTab) tab.focus();
      }
      show($(v.panel), on);
    }
    updateKeysHelp();
    if (name === 'screen') screenShown();
    else if (name === 'conflicts') loadConflicts();
    else if (name === 'rob') robShown();
    else if (name === 'progress') loadProgress();
    else if (name === 'search') $('search-input').focus();
  }

  function setupTabs() {
    const tabs = [...document.querySelectorAll('.tab')].filter((t) => t.isConnected && !t.hidden);
    for (const t of tabs) {
      t.addEventListener('click', () => selectView(t.dataset.view));
      t.addEventListener('keydown', (ev) => {
        const i = tabs.indexOf(t);
        let j = -1;
        if (ev.key === 'ArrowRight') j = (i + 1) % tabs.length;
        else if (ev.key === 'ArrowLeft') j = (i - 1 + tabs.length) % tabs.length;
        else if (ev.key === 'Home') j = 0;
        else if (ev.key === 'End') j = tabs.length - 1;
        if (j >= 0) {
          ev.preventDefault();
          selectView(tabs[j].dataset.view, true);
        }
      });
    }
  }

  function updateKeysHelp() {
    const f = $('keys-help');
    f.replaceChildren();
    if (activeView !== 'screen') return;
    const keys = [
      ['i', 'include'],
      ['e', 'exclude'],
      ['m', 'maybe'],
      ['n', 'note'],
      ['b', 'back'],
      ['s', 'skip / forward'],
      ['c', 'criteria'],
    ];
    f.appendChild(document.createTextNode('Keys: '));
    keys.forEach(([k, what], idx) => {
      if (idx) f.appendChild(document.createTextNode(' \u00b7 '));
      f.appendChild(el('kbd', {text: k}));
      f.appendChild(document.createTextNode(' ' + what));
    });
  }

  async function start() {
    token = readToken();
    if (!token) {
      noAccess();
      return;
    }
    try {
      session = await api('/api/session');
    } catch (e) {
      show($('loading'), false);
      if (e instanceof ApiError && e.status === 403) noAccess();
      else showError(e.message);
      return;
    }
    if (!session || typeof session !== 'object') {
      showError('The server sent no session.');
      return;
    }
    session.stages = Array.isArray(session.stages) ? session.stages : [];
    session.criteria = session.criteria || {include: [], exclude: []};
    session.highlight = session.highlight || {include: [], exclude: []};
    highlightTerms = [
      ...parseTerms(session.highlight.include, 'hl-include'),
      ...parseTerms(session.highlight.exclude, 'hl-exclude'),
    ];

    const title = str(session.title) || 'Systematic review';
    $('review-title').textContent = title;
    document.title = title + ' \u2014 litrev';
    const roleName = session.role === 'adjudicator' ? 'adjudicator' : 'screener';
    $('signed-in').textContent = `Signed in as ${str(session.reviewer)} (${roleName})`;
    if (isAdjudicator()) show($('tab-conflicts'), true);
    else $('tab-conflicts').remove();

    fillCriteria();
    setupScreen();
    setupSearch();
    if (isAdjudicator()) setupConflicts();
    setupRob();
    setupProgress();
    setupTabs();

    // Errors show under the header from now on.
    $('app').insertBefore($('error'), document.querySelector('.status-line'));
    show($('loading'), false);
    show($('app'), true);
    selectView(sessionStorage.getItem('litrev.serve.view') || 'screen');
  }

  function fillCriteria() {
    const inc = $('criteria-include');
    const exc = $('criteria-exclude');
    for (const c of session.criteria.include || []) inc.appendChild(el('li', null, highlighted(c)));
    for (const c of session.criteria.exclude || []) exc.appendChild(el('li', null, highlighted(c)));
    if (!inc.children.length) inc.appendChild(el('li', {className: 'muted', text: 'No inclusion criteria in the protocol.'}));
    if (!exc.children.length) exc.appendChild(el('li', {className: 'muted', text: 'No exclusion criteria in the protocol.'}));
  }

  // Fills a <select> with the review's stages.
  function fillStageSelect(sel, selected) {
    sel.replaceChildren();
    for (const s of session.stages) sel.appendChild(option(s.stage, stageName(s.stage), s.stage === selected));
    if (!sel.value && session.stages.length) sel.value = session.stages[0].stage;
  }

  // Fills a reason <select> for `stage`: the stage's reasons, after "no
  // reason" (or a prompt when a reason is required).
  function fillReasonSelect(sel, stage) {
    const info = stageInfo(stage);
    const reasons = (info && info.exclusion_reasons) || [];
    sel.replaceChildren();
    sel.appendChild(option('', info && info.reason_required ? 'Choose a reason\u2026' : 'No reason given', true));
    for (const r of reasons) sel.appendChild(option(r, r));
    return reasons.length;
  }

  // -------------------------------------------------------------------------
  // Screening.

  const scr = {
    stage: '',
    order: 'key',
    queue: null, // the last /api/queue answer
    backPos: -1, // -1: the head of the queue; else an index into backList()
    stacks: {}, // stage -> keys voted on in this session, latest first
    skipped: new Set(), // keys skipped in this session (client side only)
    key: null, // the record on screen
    data: null, // its /api/record answer
    mode: 'record', // record | exclude | note
    busy: false,
    seq: 0, // drops answers to superseded requests
    loaded: false,
  };

  function setupScreen() {
    const stageSel = $('stage-select');
    const savedStage = sessionStorage.getItem('litrev.serve.stage');
    const stageOk = session.stages.some((s) => s.stage === savedStage);
    scr.stage = stageOk ? savedStage : session.stages.length ? session.stages[0].stage : 'ta';
    fillStageSelect(stageSel, scr.stage);
    const savedOrder = sessionStorage.getItem('litrev.serve.order');
    scr.order = ['key', 'random', 'prioritised'].includes(savedOrder) ? savedOrder : 'key';
    $('order-select').value = scr.order;

    stageSel.addEventListener('change', () => {
      scr.stage = stageSel.value;
      sessionStorage.setItem('litrev.serve.stage', scr.stage);
      scr.backPos = -1;
      scr.skipped.clear();
      closePanels();
      loadQueue();
    });
    $('order-select').addEventListener('change', () => {
      scr.order = $('order-select').value;
      sessionStorage.setItem('litrev.serve.order', scr.order);
      scr.backPos = -1;
      scr.skipped.clear();
      loadQueue();
    });

    $('btn-include').addEventListener('click', () => vote('include'));
    $('btn-maybe').addEventListener('click', () => vote('maybe'));
    $('btn-exclude').addEventListener('click', () => openExclude());
    $('btn-exclude-confirm').addEventListener('click', () => confirmExclude());
    $('btn-exclude-cancel').addEventListener('click', () => closePanels(true));
    $('btn-note').addEventListener('click', () => openNote());
    $('btn-note-save').addEventListener('click', () => saveNote());
    $('btn-note-cancel').addEventListener('click', () => closePanels(true));
    $('btn-back').addEventListener('click', () => goBack());
    $('btn-forward').addEventListener('click', () => goForward());
    $('btn-criteria').addEventListener('click', () => toggleCriteria());

    document.addEventListener('keydown', onScreenKey);
  }

  function screenShown() {
    if (!scr.loaded) {
      scr.loaded = true;
      loadQueue();
    }
  }

  function backList() {
    const out = [];
    const seen = new Set();
    const stack = scr.stacks[scr.stage] || [];
    const recent = (scr.queue && scr.queueStage === scr.stage && Array.isArray(scr.queue.recent) && scr.queue.recent) || [];
    for (const k of [...stack, ...recent]) {
      if (!seen.has(k)) {
        seen.add(k);
        out.push(k);
      }
    }
    return out;
  }

  function setProgress(done, remaining) {
    if (done === undefined || remaining === undefined) return;
    $('progress').textContent = `${done} done, ${remaining} remaining`;
  }

  function headKey() {
    const items = (scr.queue && scr.queue.items) || [];
    const next = items.find((it) => !scr.skipped.has(it.key));
    if (next) return next;
    // Everything left was skipped: start over with what is left.
    if (items.length) {
      scr.skipped.clear();
      return items[0];
    }
    return null;
  }

  async function loadQueue() {
    const seq = ++scr.seq;
    try {
      const q = await api('/api/queue?' + qs({stage: scr.stage, order: scr.order}));
      if (seq !== scr.seq) return;
      scr.queue = q || {items: []};
      scr.queueStage = scr.stage;
      scr.queue.items = Array.isArray(scr.queue.items) ? scr.queue.items : [];
      setProgress(scr.queue.done, scr.queue.remaining);
      await showCurrent(seq);
    } catch (e) {
      if (seq === scr.seq) report(e);
    }
  }

  // Shows the head of the queue, or the record looked back at.
  async function showCurrent(seq) {
    if (scr.backPos >= 0) {
      const list = backList();
      if (scr.backPos < list.length) {
        await showRecord(list[scr.backPos], null, seq);
        return;
      }
      scr.backPos = -1;
    }
    const head = headKey();
    if (!head) {
      scr.key = null;
      scr.data = null;
      $('record-key').textContent = '';
      show($('record'), false);
      show($('revisit'), false);
      show($('queue-empty'), true);
      closePanels();
      updateButtons();
      return;
    }
    await showRecord(head.key, head.members, seq);
  }

  async function showRecord(key, members, seq) {
    const data = await api('/api/record?' + qs({key, stage: scr.stage}));
    if (seq !== undefined && seq !== scr.seq) return;
    const changed = scr.key !== key;
    scr.key = key;
    scr.data = data;
    renderRecord(data, members);
    show($('queue-empty'), false);
    show($('record'), true);
    show($('revisit'), scr.backPos >= 0);
    if (changed) {
      closePanels();
      window.scrollTo(0, 0);
    }
    updateButtons();
  }

  function renderRecord(data, members) {
    const rec = (data && data.record) || {};
    $('record-key').textContent = str(data && data.key);
    const mem = (data && data.members) || members || [];
    $('record-members').textContent = '';
    $('record-title').replaceChildren(highlighted(rec.title || '(no title)'));
    fillMeta($('record-meta'), rec, mem);
    fillAbstract($('record-abstract'), rec.abstract);
    const mine = data && data.mine;
    const mv = $('my-vote');
    mv.replaceChildren();
    if (mine) {
      mv.appendChild(el('span', {className: 'my-vote-label', text: 'Your vote: '}));
      mv.appendChild(decisionBadge(mine.decision));
      if (mine.reason) mv.appendChild(el('span', {text: ' \u2014 ' + mine.reason}));
      if (mine.note) mv.appendChild(el('span', {className: 'muted', text: ' (note: ' + mine.note + ')'}));
      if (mine.ts) mv.appendChild(el('span', {className: 'muted', text: ' \u00b7 ' + fmtTime(mine.ts)}));
    }
    show(mv, !!mine);
  }

  function updateButtons() {
    const has = !!scr.key;
    for (const id of ['btn-include', 'btn-exclude', 'btn-maybe', 'btn-note', 'btn-exclude-confirm', 'btn-note-save']) {
      $(id).disabled = scr.busy || !has;
    }
    $('btn-back').disabled = scr.busy;
  }

  function setBusy(b) {
    scr.busy = b;
    document.body.classList.toggle('busy', b);
    updateButtons();
  }

  async function vote(decision, reason) {
    if (!scr.key || scr.busy) return;
    const key = scr.key;
    // The queue's order goes with the vote: the ledger records how the
    // record was presented (serve.md, /api/decide).
    const body = {key, stage: scr.stage, decision, order: scr.order};
    if (reason) body.reason = reason;
    clearAck();
    hint('');
    setBusy(true);
    let ok = false;
    try {
      const r = await post('/api/decide', body);
      ok = true;
      showAck('Recorded');
      const stack = (scr.stacks[scr.stage] = (scr.stacks[scr.stage] || []).filter((k) => k !== key));
      stack.unshift(key);
      scr.skipped.delete(key);
      scr.backPos = -1;
      closePanels();
      if (r) setProgress(r.done, r.remaining);
    } catch (e) {
      report(e);
    }
    if (ok) {
      await loadQueue();
    }
    setBusy(false);
  }

  function openExclude() {
    if (!scr.key || scr.busy) return;
    closePanels();
    const info = stageInfo(scr.stage);
    const n = fillReasonSelect($('reason-select'), scr.stage);
    const sel = $('reason-select');
    const text = $('reason-text');
    show(sel, n > 0);
    show(text, n === 0);
    const quick = $('reason-quick');
    quick.replaceChildren();
    ((info && info.exclusion_reasons) || []).forEach((r, i) => {
      const b = el('button', {className: 'btn btn-small btn-reason', attrs: {type: 'button'}, on: {click: () => {
        sel.value = r;
        confirmExclude();
      }}});
      if (i < 9) b.appendChild(el('kbd', {text: String(i + 1)}));
      b.appendChild(document.createTextNode(r));
      quick.appendChild(b);
    });
    show(quick, n > 0);
    text.value = '';
    text.placeholder = info && info.reason_required ? 'Reason (required)' : 'Reason (optional)';
    $('reason-label').htmlFor = n > 0 ? 'reason-select' : 'reason-text';
    $('reason-hint').textContent =
      n > 0
        ? `Click a reason or press its number (1\u2013${Math.min(n, 9)}) to exclude with it; or choose in the list and press Enter. Esc cancels.`
        : 'Type a reason if you like, then press Enter. Esc cancels.';
    show($('exclude-panel'), true);
    scr.mode = 'exclude';
    (n > 0 ? sel : text).focus();
  }

  function confirmExclude() {
    if (scr.mode !== 'exclude') return;
    const sel = $('reason-select');
    const reason = sel.hidden ? $('reason-text').value.trim() : sel.value;
    vote('exclude', reason);
  }

  function openNote() {
    if (!scr.key || scr.busy) return;
    closePanels();
    $('note-text').value = '';
    show($('note-panel'), true);
    scr.mode = 'note';
    $('note-text').focus();
  }

  async function saveNote() {
    if (scr.mode !== 'note' || !scr.key || scr.busy) return;
    const note = $('note-text').value.trim();
    if (!note) {
      hint('Empty note: nothing saved.');
      closePanels(true);
      return;
    }
    clearAck();
    setBusy(true);
    try {
      await post('/api/note', {key: scr.key, stage: scr.stage, note});
      showAck('Note saved');
      closePanels(true);
    } catch (e) {
      report(e);
    }
    setBusy(false);
  }

  function closePanels(refocus) {
    const wasOpen = scr.mode !== 'record';
    show($('exclude-panel'), false);
    show($('note-panel'), false);
    scr.mode = 'record';
    if (refocus && wasOpen) {
      const a = document.activeElement;
      if (a && a !== document.body) a.blur();
    }
  }

  function goBack() {
    if (scr.busy) return;
    const list = backList();
    if (scr.backPos + 1 >= list.length) {
      hint(list.length ? 'This is the first record you voted on at this stage.' : 'No earlier vote to go back to at this stage.');
      return;
    }
    scr.backPos += 1;
    clearAck();
    const seq = ++scr.seq;
    showRecord(list[scr.backPos], null, seq).catch(report);
  }

  function goForward() {
    if (scr.busy) return;
    if (scr.backPos >= 0) {
      scr.backPos -= 1;
      const seq = ++scr.seq;
      showCurrent(seq).catch(report);
      return;
    }
    // At the head of the queue: skip this record for now.
    if (!scr.key) return;
    const items = (scr.queue && scr.queue.items) || [];
    if (items.filter((it) => !scr.skipped.has(it.key)).length <= 1) {
      hint('Nothing else to skip to.');
      return;
    }
    scr.skipped.add(scr.key);
    hint('Skipped: it stays in your queue.');
    const seq = ++scr.seq;
    showCurrent(seq).catch(report);
  }

  function toggleCriteria() {
    const c = $('criteria');
    const open = c.hidden;
    show(c, open);
    $('btn-criteria').setAttribute('aria-expanded', open ? 'true' : 'false');
    document.body.classList.toggle('criteria-open', open);
  }

  function isTyping(target) {
    if (!target || !(target instanceof Element)) return false;
    const tag = target.tagName;
    return tag === 'INPUT' || tag === 'TEXTAREA' || tag === 'SELECT' || target.isContentEditable;
  }

  function onScreenKey(ev) {
    if (activeView !== 'screen' || !session) return;
    if (ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    if (scr.mode === 'exclude') {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closePanels(true);
        hint('Exclusion cancelled.');
      } else if (ev.key === 'Enter') {
        if (ev.target instanceof HTMLButtonElement) return; // the button's own click
        ev.preventDefault();
        confirmExclude();
      } else if (/^[1-9]$/.test(ev.key) && !$('reason-select').hidden) {
        const sel = $('reason-select');
        const i = Number(ev.key); // option 0 is "no reason"
        if (i < sel.options.length) {
          ev.preventDefault();
          sel.selectedIndex = i;
          confirmExclude();
        }
      }
      return;
    }
    if (scr.mode === 'note') {
      if (ev.key === 'Escape') {
        ev.preventDefault();
        closePanels(true);
        hint('Note cancelled.');
      } else if (ev.key === 'Enter' && !ev.shiftKey && ev.target === $('note-text')) {
        ev.preventDefault();
        saveNote();
      }
      return;
    }
    if (isTyping(ev.target)) return;
    if (ev.key === 'Escape' && !$('criteria').hidden) {
      toggleCriteria();
      return;
    }
    const k = ev.key.length === 1 ? ev.key.toLowerCase() : '';
    const actions = {
      i: () => vote('include'),
      e: () => openExclude(),
      m: () => vote('maybe'),
      n: () => openNote(),
      b: () => goBack(),
      s: () => goForward(),
      c: () => toggleCriteria(),
    };
    if (actions[k]) {
      ev.preventDefault();
      if (scr.busy) return;
      if (!scr.key && 'iemn'.includes(k)) {
        hint('Nothing to vote on here: b goes back to your earlier votes.');
        return;
      }
      actions[k]();
    }
  }

  // -------------------------------------------------------------------------
  // Search.

  const srch = {query: '', syntax: 'auto', offset: 0, limit: 20, total: 0, seq: 0, detailKey: null, detailStage: '', hits: new Map()};

  function setupSearch() {
    $('search-go').addEventListener('click', () => runSearch(0));
    $('search-input').addEventListener('keydown', (ev) => {
      if (ev.key === 'Enter') {
        ev.preventDefault();
        runSearch(0);
      }
    });
    $('search-more').addEventListener('click', () => runSearch(srch.offset + srch.limit));
    srch.detailStage = session.stages.length ? session.stages[0].stage : 'ta';
  }

  async function runSearch(offset) {
    const q = $('search-input').value.trim();
    if (!q) {
      $('search-summary').textContent = 'Type something to search for.';
      return;
    }
    const syntax = $('search-syntax').value || 'auto';
    const seq = ++srch.seq;
    $('search-go').disabled = true;
    try {
      const r = await api('/api/search?' + qs({q, syntax, offset, limit: srch.limit}));
      if (seq !== srch.seq) return;
      srch.query = q;
      srch.syntax = syntax;
      srch.offset = offset;
      srch.total = Number(r.total) || 0;
      renderHits(r, offset === 0);
    } catch (e) {
      if (seq !== srch.seq) return;
      report(e);
      if (offset === 0) {
        $('search-results').replaceChildren();
        srch.hits.clear();
        $('search-summary').textContent = '';
        show($('search-more'), false);
      }
    } finally {
      if (seq === srch.seq) $('search-go').disabled = false;
    }
  }

  function renderHits(r, fresh) {
    const list = $('search-results');
    if (fresh) {
      list.replaceChildren();
      srch.hits.clear();
    }
    const summary = $('search-summary');
    summary.replaceChildren();
    summary.appendChild(document.createTextNode(srch.total === 1 ? '1 record matches.' : `${srch.total} records match.`));
    if (r.suggestion) {
      summary.appendChild(document.createTextNode(' Did you mean '));
      summary.appendChild(
        el('button', {
          className: 'linklike',
          text: str(r.suggestion),
          attrs: {type: 'button'},
          on: {
            click: () => {
              $('search-input').value = str(r.suggestion);
              runSearch(0);
            },
          },
        }),
      );
      summary.appendChild(document.createTextNode('?'));
    }
    for (const h of r.hits || []) {
      srch.hits.set(h.key, h);
      list.appendChild(hitItem(h));
    }
    show($('search-more'), list.children.length < srch.total && (r.hits || []).length > 0);
  }

  function hitItem(h) {
    const li = el('li', {className: 'hit', dataset: {key: h.key}});
    const open = () => openDetail(h.key);
    const title = el('button', {className: 'hit-title', attrs: {type: 'button'}}, highlighted(h.title || '(no title)'));
    li.appendChild(title);
    const bits = [];
    if (h.year) bits.push(str(h.year));
    if (h.journal) bits.push(str(h.journal));
    const authors = Array.isArray(h.authors) ? authorsLine(h.authors) : str(h.authors);
    if (authors) bits.push(authors);
    li.appendChild(el('p', {className: 'hit-meta'}, el('span', {className: 'hit-key', text: h.key}), bits.length ? ' \u00b7 ' + bits.join(' \u00b7 ') : ''));
    if (h.snippet && (typeof h.snippet === 'string' ? h.snippet : h.snippet.length)) {
      li.appendChild(el('p', {className: 'snippet'}, snippetNodes(h.snippet)));
    }
    li.appendChild(statusLine(h.status));
    li.addEventListener('click', open);
    return li;
  }

  function statusLine(status) {
    const p = el('p', {className: 'hit-status'});
    if (!status || typeof status !== 'object' || !Object.keys(status).length) {
      p.appendChild(el('span', {className: 'muted', text: 'Status hidden while screening is blind.'}));
      return p;
    }
    let any = false;
    for (const s of session.stages) {
      if (status[s.stage] === undefined) continue;
      any = true;
      p.appendChild(el('span', {className: 'status-stage', text: stageName(s.stage) + ': '}));
      p.appendChild(statusBadge(status[s.stage] || 'unscreened'));
      p.appendChild(document.createTextNode(' '));
    }
    if (!any) p.appendChild(el('span', {className: 'muted', text: 'Status hidden while screening is blind.'}));
    return p;
  }

  async function openDetail(key, keepScroll) {
    srch.detailKey = key;
    for (const li of $('search-results').children) li.classList.toggle('selected', li.dataset.key === key);
    const panel = $('search-detail');
    try {
      const data = await api('/api/record?' + qs({key, stage: srch.detailStage}));
      if (srch.detailKey !== key) return;
      renderDetail(panel, data);
      show(panel, true);
      if (!keepScroll && window.matchMedia('(max-width: 900px)').matches) panel.scrollIntoView({block: 'start'});
    } catch (e) {
      report(e);
    }
  }

  function renderDetail(panel, data) {
    panel.replaceChildren();
    const rec = data.record || {};
    const hit = srch.hits.get(data.key);
    panel.appendChild(
      el('div', {className: 'detail-head'},
        el('span', {className: 'record-key', text: data.key}),
        el('button', {className: 'btn btn-plain btn-small', text: 'Close', attrs: {type: 'button'}, on: {click: () => {
          show(panel, false);
          srch.detailKey = null;
          for (const li of $('search-results').children) li.classList.remove('selected');
        }}}),
      ),
    );
    panel.appendChild(el('h2', {className: 'record-title'}, highlighted(rec.title || '(no title)')));
    const meta = el('dl', {className: 'record-meta'});
    fillMeta(meta, rec, data.members);
    panel.appendChild(meta);

    // Status at each stage (when not blinded).
    if (data.status) panel.appendChild(el('p', {className: 'detail-status'}, el('span', {className: 'status-stage', text: stageName(srch.detailStage) + ': '}), statusBadge(data.status)));
    else if (hit && hit.status) panel.appendChild(statusLine(hit.status));

    // Vote on it.
    panel.appendChild(detailVote(data, hit));

    const abs = el('div', {className: 'record-abstract'});
    fillAbstract(abs, rec.abstract);
    panel.appendChild(el('h3', {text: 'Abstract'}));
    panel.appendChild(abs);

    panel.appendChild(el('h3', {text: 'Decision history'}));
    panel.appendChild(historyTable(data.history || []));
  }

  function inStage(stage, hit, data) {
    if (stage === 'ta' || stage === (session.stages[0] && session.stages[0].stage)) return true;
    const st = (hit && hit.status) || null;
    if (st && st.ta !== undefined) return st.ta === 'included';
    if (data && data.mine) return true;
    return true; // blinded: unknown; the server refuses a vote when it is not in the stage
  }

  function detailVote(data, hit) {
    const box = el('div', {className: 'detail-vote'});
    const row = el('div', {className: 'detail-vote-row'});
    const stageSel = el('select', {className: 'detail-stage', attrs: {'aria-label': 'Stage'}});
    fillStageSelect(stageSel, srch.detailStage);
    stageSel.addEventListener('change', () => {
      srch.detailStage = stageSel.value;
      openDetail(data.key, true);
    });
    row.appendChild(el('label', {className: 'field-inline', text: 'Your vote at '}, stageSel));
    box.appendChild(row);
    if (data.mine) {
      box.appendChild(el('p', {className: 'my-vote'}, el('span', {className: 'my-vote-label', text: 'Your vote: '}), decisionBadge(data.mine.decision), data.mine.reason ? ' \u2014 ' + data.mine.reason : '', data.mine.note ? el('span', {className: 'muted', text: ' (note: ' + data.mine.note + ')'}) : ''));
    }
    if (!inStage(srch.detailStage, hit, data)) {
      box.appendChild(el('p', {className: 'muted', text: `This record is not in the ${stageName(srch.detailStage).toLowerCase()} stage.`}));
      return box;
    }
    const reasonSel = el('select', {className: 'detail-reason', attrs: {'aria-label': 'Reason for excluding'}});
    const nReasons = fillReasonSelect(reasonSel, srch.detailStage);
    const reasonText = el('input', {className: 'text-input detail-reason-text', attrs: {type: 'text', placeholder: 'Reason for excluding', 'aria-label': 'Reason for excluding', maxlength: '500'}});
    const buttons = [];
    const doVote = async (decision) => {
      const body = {key: data.key, stage: srch.detailStage, decision};
      if (decision === 'exclude') {
        const reason = nReasons ? reasonSel.value : reasonText.value.trim();
        if (reason) body.reason = reason;
      }
      clearAck();
      buttons.forEach((b) => (b.disabled = true));
      try {
        await post('/api/decide', body);
        showAck('Recorded');
        if (srch.detailStage === scr.stage) {
          const stack = (scr.stacks[scr.stage] = (scr.stacks[scr.stage] || []).filter((k) => k !== data.key));
          stack.unshift(data.key);
          scr.loaded = false; // reload the queue when the screening view shows again
        }
        await openDetail(data.key, true);
      } catch (e) {
        report(e);
        buttons.forEach((b) => (b.disabled = false));
      }
    };
    const bi = el('button', {className: 'btn btn-include detail-include', text: '\u2713 Include', attrs: {type: 'button'}, on: {click: () => doVote('include')}});
    const bx = el('button', {className: 'btn btn-exclude detail-exclude', text: '\u2717 Exclude', attrs: {type: 'button'}, on: {click: () => doVote('exclude')}});
    const bm = el('button', {className: 'btn btn-maybe detail-maybe', text: '? Maybe', attrs: {type: 'button'}, on: {click: () => doVote('maybe')}});
    buttons.push(bi, bx, bm);
    box.appendChild(el('div', {className: 'detail-vote-row'}, bi, bm, el('span', {className: 'exclude-group'}, bx, nReasons ? reasonSel : reasonText)));
    return box;
  }

  const EVENT_LABEL = {
    'screen.decision': 'Vote',
    'screen.resolve': 'Adjudication',
    'screen.note': 'Note',
    'screen.retrieval': 'Full text',
  };

  function historyTable(events) {
    if (!events.length) return el('p', {className: 'muted', text: 'No decisions yet (or none you can see while screening is blind).'});
    const table = el('table', {className: 'data history'});
    table.appendChild(el('thead', null, el('tr', null, ['When', 'Who', 'What', 'Stage', 'Decision', 'Reason', 'Note'].map((h) => el('th', {text: h, attrs: {scope: 'col'}})))));
    const tbody = el('tbody');
    for (const ev of events) {
      tbody.appendChild(
        el('tr', null,
          el('td', {text: fmtTime(ev.ts)}),
          el('td', {text: str(ev.actor)}),
          el('td', {text: EVENT_LABEL[ev.type] || str(ev.type)}),
          el('td', {text: ev.stage ? stageName(ev.stage) : ''}),
          el('td', null, ev.decision ? decisionBadge(ev.decision) : ''),
          el('td', {text: str(ev.reason)}),
          el('td', {text: str(ev.note)}),
        ),
      );
    }
    table.appendChild(tbody);
    return el('div', {className: 'table-wrap'}, table);
  }

  // -------------------------------------------------------------------------
  // Conflicts (adjudicators).

  const conf = {stage: '', seq: 0};

  function setupConflicts() {
    conf.stage = session.stages.length ? session.stages[0].stage : 'ta';
    fillStageSelect($('conflicts-stage'), conf.stage);
    $('conflicts-stage').addEventListener('change', () => {
      conf.stage = $('conflicts-stage').value;
      loadConflicts();
    });
    $('conflicts-refresh').addEventListener('click', () => loadConflicts());
  }

  async function loadConflicts() {
    if (!isAdjudicator()) return;
    const seq = ++conf.seq;
    try {
      const r = await api('/api/conflicts?' + qs({stage: conf.stage}));
      if (seq !== conf.seq) return;
      const box = $('conflicts');
      box.replaceChildren();
      for (const item of (r && r.items) || []) box.appendChild(conflictCard(item));
      updateConflictCount();
    } catch (e) {
      if (seq === conf.seq) report(e);
    }
  }

  function updateConflictCount() {
    const n = $('conflicts').querySelectorAll('.conflict').length;
    $('conflicts-count').textContent = n === 0 ? 'No records to adjudicate at this stage.' : n === 1 ? '1 record to adjudicate' : `${n} records to adjudicate`;
  }

  // The server's reason for a conflict ("include/exclude", "all maybe", a
  // reason mismatch ...) in words.
  function whyText(why) {
    const w = str(why).trim();
    const words = {
      'all maybe': 'Every screener voted maybe.',
      maybe: 'The votes differ: maybe and a decision.',
      'include/exclude': 'The votes differ: include and exclude.',
      'reasons differ': 'Both excluded, for different reasons.',
    };
    return words[w.toLowerCase()] || w;
  }

  function conflictCard(item) {
    const stage = conf.stage;
    const card = el('article', {className: 'conflict', dataset: {key: item.key}});
    card.appendChild(el('p', {className: 'record-keyline'}, el('span', {className: 'record-key', text: item.key}), item.year ? ' \u00b7 ' + item.year : ''));
    card.appendChild(el('h3', {className: 'conflict-title'}, highlighted(item.title || '(no title)')));
    if (item.why) card.appendChild(el('p', {className: 'why', text: whyText(item.why)}));

    const votes = el('div', {className: 'votes'});
    for (const v of item.votes || []) {
      votes.appendChild(
        el('div', {className: 'vote vote-' + str(v.decision)},
          el('p', {className: 'vote-who', text: str(v.reviewer)}),
          el('p', null, decisionBadge(v.decision)),
          v.reason ? el('p', {className: 'vote-reason'}, el('span', {className: 'muted', text: 'Reason: '}), str(v.reason)) : null,
          v.note ? el('p', {className: 'vote-note'}, el('span', {className: 'muted', text: 'Note: '}), str(v.note)) : null,
          v.ts ? el('p', {className: 'muted vote-ts', text: fmtTime(v.ts)}) : null,
        ),
      );
    }
    card.appendChild(votes);

    // The abstract, on demand.
    const absBox = el('div', {className: 'record-abstract conflict-abstract', attrs: {hidden: true}});
    const absBtn = el('button', {className: 'btn btn-plain btn-small', text: 'Show abstract', attrs: {type: 'button', 'aria-expanded': 'false'}});
    absBtn.addEventListener('click', async () => {
      if (!absBox.hidden) {
        show(absBox, false);
        absBtn.textContent = 'Show abstract';
        absBtn.setAttribute('aria-expanded', 'false');
        return;
      }
      try {
        if (!absBox.dataset.loaded) {
          const data = await api('/api/record?' + qs({key: item.key, stage}));
          const rec = (data && data.record) || {};
          const meta = el('dl', {className: 'record-meta'});
          fillMeta(meta, rec, data.members);
          const abs = el('div');
          fillAbstract(abs, rec.abstract);
          absBox.replaceChildren(meta, abs);
          absBox.dataset.loaded = '1';
        }
        show(absBox, true);
        absBtn.textContent = 'Hide abstract';
        absBtn.setAttribute('aria-expanded', 'true');
      } catch (e) {
        report(e);
      }
    });
    card.appendChild(absBtn);
    card.appendChild(absBox);

    // Resolve.
    const info = stageInfo(stage);
    const reasons = (info && info.exclusion_reasons) || [];
    let reasonCtl;
    if (reasons.length) {
      reasonCtl = el('select', {className: 'resolve-reason'});
      fillReasonSelect(reasonCtl, stage);
    } else {
      reasonCtl = el('input', {className: 'text-input resolve-reason', attrs: {type: 'text', maxlength: '500', placeholder: info && info.reason_required ? 'Reason (required to exclude)' : 'Reason (optional)'}});
    }
    const noteCtl = el('input', {className: 'text-input resolve-note', attrs: {type: 'text', maxlength: '2000', placeholder: 'Note (optional)'}});
    const bi = el('button', {className: 'btn btn-include resolve-include', text: '\u2713 Include', attrs: {type: 'button'}});
    const bx = el('button', {className: 'btn btn-exclude resolve-exclude', text: '\u2717 Exclude', attrs: {type: 'button'}});
    const doResolve = async (decision) => {
      const body = {key: item.key, stage, decision};
      const reason = str(reasonCtl.value).trim();
      if (decision === 'exclude' && reason) body.reason = reason;
      const note = noteCtl.value.trim();
      if (note) body.note = note;
      bi.disabled = bx.disabled = true;
      clearAck();
      try {
        await post('/api/resolve', body);
        showAck('Recorded');
        card.remove();
        updateConflictCount();
      } catch (e) {
        report(e);
        bi.disabled = bx.disabled = false;
      }
    };
    bi.addEventListener('click', () => doResolve('include'));
    bx.addEventListener('click', () => doResolve('exclude'));
    card.appendChild(
      el('div', {className: 'resolve'},
        el('span', {className: 'resolve-label', text: 'Your decision:'}),
        bi,
        bx,
        el('label', {className: 'field-inline'}, 'Reason ', reasonCtl),
        el('label', {className: 'field-inline resolve-note-wrap'}, 'Note ', noteCtl),
      ),
    );
    return card;
  }

  // -------------------------------------------------------------------------
  // Risk of bias.

  const ANSWER_LABEL = {
    Y: 'Yes',
    PY: 'Probably yes',
    PN: 'Probably no',
    N: 'No',
    NI: 'No information',
    NA: 'Not applicable',
    SY: 'Strong yes',
    WY: 'Weak yes',
    SN: 'Strong no',
    WN: 'Weak no',
  };

  const rob = {
    tools: [],
    items: [],
    tool: null, // the tool definition
    state: null, // the body of evaluate/save
    stash: {}, // answers set aside while their question is not asked
    open: {}, // domain -> override controls shown
    evalSeq: 0,
    evaluation: null,
    loaded: false,
    dom: null, // element references of the form
  };

  function setupRob() {
    $('rob-tool').addEventListener('change', () => {
      selectRobTool($('rob-tool').value);
    });
    $('rob-study').addEventListener('input', () => fillResultList());
    $('rob-study').addEventListener('change', () => {
      fillResultList();
      const it = rob.items.find((x) => x.tool === rob.tool.id && x.study === $('rob-study').value);
      if (it && !$('rob-record').value && it.record) $('rob-record').value = it.record;
    });
    for (const id of ['rob-study', 'rob-result', 'rob-record']) {
      $(id).addEventListener('keydown', (ev) => {
        if (ev.key === 'Enter') {
          ev.preventDefault();
          openAssessment();
        }
      });
    }
    $('rob-open').addEventListener('click', () => openAssessment());
    $('rob-several').addEventListener('change', () => {
      if (!rob.state) return;
      rob.state.several_concerns_high = $('rob-several').checked;
      robChanged();
    });
    $('rob-save').addEventListener('click', () => saveAssessment());
  }

  async function robShown() {
    if (rob.loaded) {
      refreshRobPlots();
      return;
    }
    try {
      const [t, it] = await Promise.all([api('/api/rob/tools'), api('/api/rob/items')]);
      rob.tools = (t && t.tools) || [];
      rob.items = (it && it.items) || [];
      rob.loaded = true;
    } catch (e) {
      report(e);
      return;
    }
    const sel = $('rob-tool');
    sel.replaceChildren();
    for (const tool of rob.tools) sel.appendChild(option(tool.id, str(tool.name || tool.id) + (tool.status === 'draft' ? ' (draft)' : '')));
    // RoB 2 by default: "rob2" names the parallel-group (ITT) variant
    // everywhere else in litrev, else the first tool of the RoB 2 family.
    const first = rob.tools.find((x) => x.id === 'rob2-parallel-itt') || rob.tools.find((x) => x.family === 'rob2') || rob.tools[0];
    if (first) {
      sel.value = first.id;
      selectRobTool(first.id);
    }
  }

  function selectRobTool(id) {
    rob.tool = rob.tools.find((x) => x.id === id) || null;
    rob.state = null;
    show($('rob-form'), false);
    fillStudyList();
    fillResultList();
    renderRobItems();
    refreshRobPlots();
  }

  function fillStudyList() {
    const dl = $('rob-studies');
    dl.replaceChildren();
    const seen = new Set();
    for (const it of rob.items) {
      if (rob.tool && it.tool !== rob.tool.id) continue;
      if (seen.has(it.study)) continue;
      seen.add(it.study);
      dl.appendChild(option(it.study, it.study));
    }
  }

  function fillResultList() {
    const dl = $('rob-results');
    dl.replaceChildren();
    const study = $('rob-study').value;
    const seen = new Set();
    for (const it of rob.items) {
      if (rob.tool && it.tool !== rob.tool.id) continue;
      if (study && it.study !== study) continue;
      if (!it.result || seen.has(it.result)) continue;
      seen.add(it.result);
      dl.appendChild(option(it.result, it.result));
    }
  }

  function renderRobItems() {
    const box = $('rob-items');
    box.replaceChildren();
    const mine = rob.items.filter((it) => rob.tool && it.tool === rob.tool.id);
    if (!mine.length) return;
    box.appendChild(el('p', {className: 'muted', text: 'Assessments of this tool in the review (click one to open it):'}));
    const ul = el('ul', {className: 'chips'});
    for (const it of mine) {
      const who = (it.assessors || []).join(', ');
      const label = it.study + (it.result ? ' \u2014 ' + it.result : '');
      const extra = [who ? 'by ' + who : '', it.consensus ? 'agreed' : ''].filter(Boolean).join('; ');
      ul.appendChild(
        el('li', null,
          el('button', {className: 'chip', attrs: {type: 'button'}, on: {click: () => {
            $('rob-study').value = it.study;
            $('rob-result').value = str(it.result);
            $('rob-record').value = str(it.record);
            fillResultList();
            openAssessment();
          }}}, el('span', {text: label}), extra ? el('span', {className: 'chip-extra', text: ' (' + extra + ')'}) : null),
        ),
      );
    }
    box.appendChild(ul);
  }

  async function openAssessment() {
    if (!rob.tool) return;
    const study = $('rob-study').value.trim();
    const result = $('rob-result').value.trim();
    if (!study) {
      showError('Type the study label first (e.g. the first author and year).');
      $('rob-study').focus();
      return;
    }
    let saved = null;
    try {
      saved = await api('/api/rob/assessment?' + qs({tool: rob.tool.id, study, result}));
      // The assessment itself, or {"assessment": ... | null}.
      if (saved && typeof saved === 'object' && 'assessment' in saved && !('answers' in saved)) saved = saved.assessment;
    } catch (e) {
      report(e);
      return;
    }
    const record = $('rob-record').value.trim() || str(saved && saved.record);
    $('rob-record').value = record;
    rob.state = {
      tool: rob.tool.id,
      study,
      result,
      record,
      answers: Object.assign({}, (saved && saved.answers) || {}),
      notes: Object.assign({}, (saved && saved.notes) || {}),
      levels: Object.assign({}, (saved && saved.levels) || {}),
      overall: (saved && saved.overall) || null,
      several_concerns_high: !!(saved && saved.several_concerns_high),
    };
    // Answers may come as {answer, note}.
    for (const [q, a] of Object.entries(rob.state.answers)) {
      if (a && typeof a === 'object') {
        if (a.note && !rob.state.notes[q]) rob.state.notes[q] = a.note;
        rob.state.answers[q] = a.answer;
      }
    }
    rob.stash = {};
    rob.open = {};
    rob.evaluation = null;
    buildRobForm(!!saved);
    show($('rob-form'), true);
    evaluateNow();
  }

  function levelLabel(id) {
    if (!id) return '';
    const l = rob.tool && (rob.tool.levels || []).find((x) => x.id === id);
    return l ? l.label : id;
  }

  function levelClass(id) {
    const s = str(id).toLowerCase();
    if (/except|some|moderate|unclear/.test(s)) return 'lvl-some';
    if (/low/.test(s)) return 'lvl-low';
    if (/at_risk/.test(s)) return 'lvl-high';
    if (/some|moderate|unclear/.test(s)) return 'lvl-some';
    if (/high|serious|critical|very/.test(s)) return 'lvl-high';
    if (/no_?info|^ni$/.test(s)) return 'lvl-ni';
    return 'lvl-other';
  }

  function levelSelect(current, placeholder, overall) {
    const sel = el('select', {className: 'level-select'});
    sel.appendChild(option('', placeholder, !current));
    for (const l of rob.tool.levels || []) {
      if (l.overall_only && !overall) continue;
      sel.appendChild(option(l.id, l.label, l.id === current));
    }
    return sel;
  }

  // The level choice of a domain (an assessor's judgement or an override) or
  // of the overall judgement: a level select and a justification.
  function levelChoice(get, set, labels) {
    const cur = get() || {level: '', justification: ''};
    const wrap = el('div', {className: 'level-choice'});
    const title = el('p', {className: 'level-choice-title', text: labels.title});
    const sel = levelSelect(cur.level, labels.placeholder, labels.overall);
    const just = el('textarea', {className: 'justification', attrs: {rows: '2', maxlength: '4000', placeholder: 'Justification (required for an override)'}});
    just.value = str(cur.justification);
    const update = () => {
      const level = sel.value;
      const j = just.value;
      if (!level && !j.trim()) set(null);
      else set({level, justification: j});
      robChanged();
    };
    sel.addEventListener('change', update);
    just.addEventListener('input', update);
    const selLabel = el('label', {className: 'field'}, labels.selectLabel, sel);
    const justLabel = el('label', {className: 'field field-wide'}, 'Justification', just);
    append(wrap, [title, el('div', {className: 'level-choice-row'}, selLabel, justLabel)]);
    return {wrap, title, sel, just};
  }

  function buildRobForm(resumed) {
    const tool = rob.tool;
    const st = rob.state;
    $('rob-heading').textContent = `${tool.name || tool.id}: ${st.study}${st.result ? ' \u2014 ' + st.result : ''}`;
    $('rob-tool-note').textContent = resumed ? 'Your saved assessment was loaded; changes are kept when you press Save.' : 'A new assessment: answer the questions, then press Save.';
    const box = $('rob-domains');
    box.replaceChildren();
    rob.dom = {domains: {}, overall: null};
    for (const d of tool.domains || []) {
      const sec = el('section', {className: 'rob-domain', dataset: {domain: d.id}, attrs: {'aria-label': d.name}});
      sec.appendChild(el('h3', null, el('span', {className: 'domain-id', text: d.id}), ' ', str(d.name),
        d.kind === 'applicability' ? el('span', {className: 'domain-kind', text: ' (applicability: not part of the overall risk of bias)'}) : null));
      const ol = el('ol', {className: 'questions'});
      const qrefs = {};
      for (const q of d.questions || []) {
        const li = el('li', {className: 'question', dataset: {q: q.id}});
        li.appendChild(el('p', {className: 'q-text'}, el('span', {className: 'q-id', text: q.id}), ' ', str(q.text)));
        const answers = el('div', {className: 'answers', attrs: {role: 'group', 'aria-label': 'Answer to ' + q.id}});
        const buttons = {};
        for (const a of q.answers || []) {
          const b = el('button', {className: 'ans', attrs: {type: 'button', 'aria-pressed': 'false', title: ANSWER_LABEL[a] || a}, dataset: {a}},
            el('span', {className: 'ans-code', text: a}),
            el('span', {className: 'ans-word', text: ANSWER_LABEL[a] || ''}),
          );
          b.addEventListener('click', () => {
            if (rob.state.answers[q.id] === a) delete rob.state.answers[q.id];
            else rob.state.answers[q.id] = a;
            delete rob.stash[q.id];
            refreshAnswerButtons(q.id);
            robChanged();
          });
          buttons[a] = b;
          answers.appendChild(b);
        }
        li.appendChild(answers);
        const note = el('input', {className: 'text-input q-note', attrs: {type: 'text', maxlength: '4000', placeholder: 'Note: quote, page (optional)', 'aria-label': 'Note on ' + q.id}});
        note.value = str(st.notes[q.id]);
        note.addEventListener('input', () => {
          if (note.value.trim()) rob.state.notes[q.id] = note.value;
          else delete rob.state.notes[q.id];
          robChanged();
        });
        li.appendChild(note);
        const pending = el('p', {className: 'q-pending muted', text: 'Depends on an earlier answer.', attrs: {hidden: true}});
        li.appendChild(pending);
        ol.appendChild(li);
        qrefs[q.id] = {li, buttons, note, pending};
      }
      if ((d.questions || []).length) sec.appendChild(ol);
      else sec.appendChild(el('p', {className: 'muted', text: 'This domain has no signalling questions: judge it yourself below.'}));

      const judgement = el('div', {className: 'judgement'});
      sec.appendChild(judgement);
      const choice = levelChoice(
        () => rob.state.levels[d.id],
        (v) => {
          if (v) rob.state.levels[d.id] = v;
          else delete rob.state.levels[d.id];
        },
        {title: 'Override the judgement', placeholder: 'No override', selectLabel: 'Level'},
      );
      const overrideBtn = el('button', {className: 'btn btn-plain btn-small override-toggle', text: 'Override\u2026', attrs: {type: 'button'}});
      overrideBtn.addEventListener('click', () => {
        rob.open[d.id] = !rob.open[d.id];
        if (!rob.open[d.id]) {
          delete rob.state.levels[d.id];
          choice.sel.value = '';
          choice.just.value = '';
          robChanged();
        }
        refreshDomainChoice(d.id);
      });
      sec.appendChild(overrideBtn);
      sec.appendChild(choice.wrap);
      box.appendChild(sec);
      rob.dom.domains[d.id] = {sec, qrefs, judgement, choice, overrideBtn, status: ''};
      for (const q of d.questions || []) refreshAnswerButtons(q.id);
      refreshDomainChoice(d.id);
    }

    // Overall.
    const oc = $('rob-overall-choice');
    oc.replaceChildren();
    const overall = levelChoice(
      () => rob.state.overall,
      (v) => (rob.state.overall = v),
      {title: 'Override the overall judgement', placeholder: 'No override', selectLabel: 'Level', overall: true},
    );
    const overallBtn = el('button', {className: 'btn btn-plain btn-small override-toggle', text: 'Override\u2026', attrs: {type: 'button'}});
    overallBtn.addEventListener('click', () => {
      rob.open.__overall = !rob.open.__overall;
      if (!rob.open.__overall) {
        rob.state.overall = null;
        overall.sel.value = '';
        overall.just.value = '';
        robChanged();
      }
      refreshOverallChoice();
    });
    oc.appendChild(overallBtn);
    oc.appendChild(overall.wrap);
    rob.dom.overall = {choice: overall, btn: overallBtn, status: ''};
    refreshOverallChoice();

    show($('rob-several-wrap'), tool.family === 'rob2');
    $('rob-several').checked = !!st.several_concerns_high;
    $('rob-overall-judgement').replaceChildren();
    show($('rob-problem'), false);
    setSaved(resumed ? 'Saved earlier' : 'Not saved yet', resumed);
  }

  function refreshAnswerButtons(qid) {
    for (const d of Object.values(rob.dom.domains)) {
      const r = d.qrefs[qid];
      if (!r) continue;
      const cur = rob.state.answers[qid];
      for (const [a, b] of Object.entries(r.buttons)) {
        const on = a === cur;
        b.setAttribute('aria-pressed', on ? 'true' : 'false');
        b.classList.toggle('on', on);
      }
    }
  }

  function refreshDomainChoice(did) {
    const d = rob.dom.domains[did];
    const assessor = d.status === 'assessor';
    const has = !!rob.state.levels[did];
    const visible = assessor || has || !!rob.open[did];
    show(d.choice.wrap, visible);
    show(d.overrideBtn, !assessor);
    d.overrideBtn.textContent = visible ? 'Remove override' : 'Override\u2026';
    d.choice.title.textContent = assessor ? 'Your judgement (the tool has no algorithm for this domain)' : 'Override the judgement';
    d.choice.just.placeholder = assessor ? 'Justification' : 'Justification (required for an override)';
    d.choice.sel.options[0].textContent = assessor ? 'Choose a level\u2026' : 'No override';
  }

  function refreshOverallChoice() {
    const o = rob.dom.overall;
    const assessor = o.status === 'assessor';
    const visible = assessor || !!rob.state.overall || !!rob.open.__overall;
    show(o.choice.wrap, visible);
    show(o.btn, !assessor);
    o.btn.textContent = visible ? 'Remove override' : 'Override\u2026';
    o.choice.title.textContent = assessor ? 'Your overall judgement (the tool has no rule for it)' : 'Override the overall judgement';
    o.choice.sel.options[0].textContent = assessor ? 'Choose a level\u2026' : 'No override';
  }

  function robBody() {
    const s = rob.state;
    const notes = {};
    for (const [k, v] of Object.entries(s.notes)) if (str(v).trim()) notes[k] = v;
    const levels = {};
    for (const [k, v] of Object.entries(s.levels)) if (v && (v.level || str(v.justification).trim())) levels[k] = {level: v.level, justification: str(v.justification)};
    const overall = s.overall && (s.overall.level || str(s.overall.justification).trim()) ? {level: s.overall.level, justification: str(s.overall.justification)} : null;
    return {
      tool: s.tool,
      study: s.study,
      result: s.result,
      record: s.record,
      answers: Object.assign({}, s.answers),
      notes,
      levels,
      overall,
      several_concerns_high: !!s.several_concerns_high,
    };
  }

  const evaluateSoon = debounce(() => evaluateNow(), 150);

  function setSaved(text, saved) {
    const e = $('rob-saved');
    e.textContent = text;
    e.classList.toggle('unsaved', !saved);
  }

  function robChanged() {
    setSaved('Not saved yet', false);
    evaluateSoon();
  }

  async function evaluateNow() {
    evaluateSoon.cancel();
    if (!rob.state) return;
    const seq = ++rob.evalSeq;
    let r;
    try {
      r = await post('/api/rob/evaluate', robBody());
    } catch (e) {
      if (seq === rob.evalSeq) report(e);
      return;
    }
    if (seq !== rob.evalSeq || !rob.state) return;
    rob.evaluation = r;
    if (applyEvaluation(r)) evaluateNow();
  }

  // Shows an evaluation. Returns true when answers to questions that are no
  // longer asked were set aside (the caller evaluates again).
  function applyEvaluation(r) {
    let stale = false;
    for (const d of (r && r.domains) || []) {
      const dom = rob.dom.domains[d.id];
      if (!dom) continue;
      for (const q of d.questions || []) {
        const ref = dom.qrefs[q.id];
        if (!ref) continue;
        const state = q.state;
        const have = rob.state.answers[q.id];
        if (state === 'not_asked') {
          if (have && have !== 'NA') {
            rob.stash[q.id] = have;
            delete rob.state.answers[q.id];
            stale = true;
            refreshAnswerButtons(q.id);
          }
          show(ref.li, false);
        } else {
          if (state === 'asked' && !have && rob.stash[q.id]) {
            rob.state.answers[q.id] = rob.stash[q.id];
            delete rob.stash[q.id];
            stale = true;
            refreshAnswerButtons(q.id);
          }
          show(ref.li, true);
          const pending = state === 'undetermined';
          ref.li.classList.toggle('undetermined', pending);
          show(ref.pending, pending);
          for (const b of Object.values(ref.buttons)) b.disabled = pending;
          ref.note.disabled = pending;
        }
      }
      const j = d.judgement || {};
      dom.status = str(j.status);
      renderJudgement(dom.judgement, j, rob.state.levels[d.id]);
      refreshDomainChoice(d.id);
    }
    const o = (r && r.overall) || {};
    rob.dom.overall.status = str(o.status);
    renderJudgement($('rob-overall-judgement'), o, rob.state.overall, true);
    refreshOverallChoice();
    const p = $('rob-problem');
    p.textContent = r && r.problem ? str(r.problem) : '';
    show(p, !!(r && r.problem));
    return stale;
  }

  function renderJudgement(box, j, choice, overall) {
    box.replaceChildren();
    const chosen = choice && choice.level ? choice.level : '';
    // `computed`: the algorithm's level; `level`: the one that stands.
    const computed = str(j.computed !== undefined ? j.computed : j.level);
    const lead = el('span', {className: 'judgement-label', text: 'Judgement: '});
    if (j.status === 'judged' || computed) {
      const standing = chosen || computed;
      box.appendChild(lead);
      box.appendChild(el('span', {className: 'level ' + levelClass(standing), text: levelLabel(standing)}));
      if (chosen && computed && chosen !== computed) {
        box.appendChild(el('span', {className: 'muted', text: ` (overridden; by the rules it would be ${levelLabel(computed)})`}));
      }
      if (j.rule) box.appendChild(el('p', {className: 'rule', text: str(j.rule)}));
    } else if (j.status === 'assessor') {
      box.appendChild(lead);
      if (chosen) box.appendChild(el('span', {className: 'level ' + levelClass(chosen), text: levelLabel(chosen)}));
      else box.appendChild(el('span', {className: 'level lvl-pending', text: 'Your judgement is needed'}));
      if (j.rule) box.appendChild(el('p', {className: 'rule', text: str(j.rule)}));
    } else {
      box.appendChild(lead);
      box.appendChild(el('span', {className: 'level lvl-pending', text: 'Not yet complete'}));
      if (j.missing && j.missing.length) box.appendChild(el('p', {className: 'rule', text: (overall ? 'Still to judge: ' : 'Still to answer: ') + j.missing.join(', ')}));
    }
  }

  async function saveAssessment() {
    if (!rob.state) return;
    evaluateSoon.cancel();
    $('rob-save').disabled = true;
    clearAck();
    try {
      const r = await post('/api/rob/save', robBody());
      setSaved('Saved' + (r && r.ts ? ' at ' + fmtTime(r.ts) : ''), true);
      showAck('Saved');
      if (r && r.evaluation) {
        rob.evaluation = r.evaluation;
        applyEvaluation(r.evaluation);
      }
      try {
        const it = await api('/api/rob/items', {quiet: true});
        rob.items = (it && it.items) || rob.items;
        fillStudyList();
        fillResultList();
        renderRobItems();
      } catch (e) {
        // the list stays as it was
      }
      refreshRobPlots();
    } catch (e) {
      report(e);
    } finally {
      $('rob-save').disabled = false;
    }
  }

  async function refreshRobPlots() {
    if (!rob.tool) return;
    const tool = rob.tool.id;
    const a = await loadImage('rob-img-traffic', 'rob-fig-traffic', null, '/api/rob.svg?' + qs({tool, kind: 'traffic-light'}));
    const b = await loadImage('rob-img-summary', 'rob-fig-summary', null, '/api/rob.svg?' + qs({tool, kind: 'summary'}));
    show($('rob-plots-empty'), !a && !b);
  }

  // -------------------------------------------------------------------------
  // Progress.

  function setupProgress() {
    $('progress-refresh').addEventListener('click', () => loadProgress());
  }

  async function loadProgress() {
    let r;
    try {
      r = await api('/api/progress');
    } catch (e) {
      report(e);
      return;
    }
    const box = $('progress-stages');
    box.replaceChildren();
    for (const s of (r && r.stages) || []) {
      const sec = el('section', {className: 'progress-stage'});
      sec.appendChild(el('h2', {text: `${stageName(s.stage)}: ${s.records} record${s.records === 1 ? '' : 's'}`}));
      const counts = el('ul', {className: 'counts'});
      const order = ['included', 'excluded', 'conflict', 'maybe', 'awaiting', 'unscreened'];
      const bs = s.by_status || {};
      const keys = [...order.filter((k) => k in bs), ...Object.keys(bs).filter((k) => !order.includes(k))];
      for (const k of keys) counts.appendChild(el('li', null, statusBadge(k), ' ', el('strong', {text: str(bs[k])})));
      if (keys.length) sec.appendChild(counts);
      if (!(s.reviewers || []).length) {
        sec.appendChild(el('p', {className: 'muted', text: 'No reviewer screens at this stage yet.'}));
        box.appendChild(sec);
        continue;
      }
      const table = el('table', {className: 'data'});
      table.appendChild(el('thead', null, el('tr', null, ['Reviewer', 'Done', 'Remaining', 'In conflict'].map((h) => el('th', {text: h, attrs: {scope: 'col'}})))));
      const tb = el('tbody');
      for (const rv of s.reviewers || []) {
        const me = rv.reviewer === session.reviewer;
        tb.appendChild(
          el('tr', {className: me ? 'me' : ''},
            el('th', {text: str(rv.reviewer) + (me ? ' (you)' : ''), attrs: {scope: 'row'}}),
            el('td', {className: 'num', text: str(rv.done)}),
            el('td', {className: 'num', text: str(rv.remaining)}),
            el('td', {className: 'num', text: str(rv.conflicts)}),
          ),
        );
      }
      table.appendChild(tb);
      sec.appendChild(el('div', {className: 'table-wrap'}, table));
      box.appendChild(sec);
    }

    const ag = $('progress-agreement');
    ag.replaceChildren();
    const rows = (r && r.agreement) || [];
    if (!rows.length) {
      ag.appendChild(el('p', {className: 'muted', text: 'No records screened by two reviewers yet.'}));
    } else {
      const table = el('table', {className: 'data'});
      table.appendChild(el('thead', null, el('tr', null, ['Stage', 'Reviewers', 'Records both voted on', 'Cohen\u2019s kappa (95% CI)', 'PABAK', 'Observed agreement'].map((h) => el('th', {text: h, attrs: {scope: 'col'}})))));
      const tb = el('tbody');
      for (const a of rows) {
        const undefinedK = a.undefined || a.kappa === null || a.kappa === undefined;
        const kappa = undefinedK ? 'not defined' : `${fmtNum(a.kappa, 2)} (${fmtNum(a.ci_lb, 2)} to ${fmtNum(a.ci_ub, 2)})`;
        const po = a.p_observed === null || a.p_observed === undefined ? '\u2013' : `${(Number(a.p_observed) * 100).toFixed(0)}%`;
        tb.appendChild(
          el('tr', null,
            el('td', {text: stageName(a.stage)}),
            el('td', {text: `${str(a.a)} and ${str(a.b)}`}),
            el('td', {className: 'num', text: str(a.n)}),
            el('td', {className: 'num', text: kappa}),
            el('td', {className: 'num', text: fmtNum(a.pabak, 2)}),
            el('td', {className: 'num', text: po}),
          ),
        );
      }
      table.appendChild(tb);
      ag.appendChild(el('div', {className: 'table-wrap'}, table));
      ag.appendChild(el('p', {className: 'muted small', text: 'Maybe counts as its own category. PABAK: prevalence- and bias-adjusted kappa.'}));
    }
    if (r && r.blinded) {
      // Blind screening: the server shows this reviewer only their own figures.
      ag.appendChild(el('p', {className: 'muted', text: 'Screening is blind: the other screeners\u2019 progress, the agreement between screeners and the PRISMA flow are shown to adjudicators.'}));
      show($('prisma-fig'), false);
      show($('prisma-empty'), false);
      return;
    }
    const ok = await loadImage('prisma-img', 'prisma-fig', null, '/api/prisma.svg');
    show($('prisma-empty'), !ok);
  }

  // -------------------------------------------------------------------------

  // A link opened in a tab that already shows the page changes only the
  // fragment: take the new token and start again.
  window.addEventListener('hashchange', () => {
    if (/(?:^#|&)token=/.test(location.hash)) {
      readToken();
      location.reload();
    }
  });

  if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
  else start();
})();
