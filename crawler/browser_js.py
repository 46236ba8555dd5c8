"""JavaScript the browser pass evaluates in pages. Each is a function taking one argument object
and returning plain JSON; all of them only read the page (the click tests live in browser.py)."""

# A short, stable CSS selector for an element: #id when unique, else a tag:nth-of-type path up
# to the nearest ancestor with a unique id or tag.class (or <body>), at most six steps.
CSS_PATH = r"""
function zwgkCssPath(el) {
  if (!(el instanceof Element)) return '';
  const esc = (s) => (window.CSS && CSS.escape) ? CSS.escape(s) : s.replace(/([^\w-])/g, '\\$1');
  const unique = (sel) => { try { return document.querySelectorAll(sel).length === 1; } catch (e) { return false; } };
  const parts = [];
  let node = el;
  while (node && node.nodeType === 1 && parts.length < 6) {
    if (node.id && unique('#' + esc(node.id))) { parts.unshift('#' + esc(node.id)); break; }
    const tag = node.tagName.toLowerCase();
    if (tag === 'body' || tag === 'html') { parts.unshift(tag); break; }
    const classes = Array.from(node.classList || []).filter((c) => /^[A-Za-z_][\w-]*$/.test(c)).slice(0, 2);
    if (classes.length) {
      const byClass = tag + '.' + classes.map(esc).join('.');
      const rest = parts.length ? ' > ' + parts.join(' > ') : '';
      if (unique(byClass + rest)) { parts.unshift(byClass); break; }
    }
    let part = tag;
    const parent = node.parentElement;
    if (parent) {
      const same = Array.from(parent.children).filter((c) => c.tagName === node.tagName);
      if (same.length > 1) part += ':nth-of-type(' + (same.indexOf(node) + 1) + ')';
    }
    parts.unshift(part);
    node = parent;
  }
  return parts.join(' > ');
}
function zwgkVisible(el) {
  const r = el.getBoundingClientRect();
  if (r.width < 1 || r.height < 1) return false;
  for (let n = el; n && n.nodeType === 1; n = n.parentElement) {
    const s = getComputedStyle(n);
    if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) < 0.05) return false;
  }
  return true;
}
"""


def _with_helpers(body: str) -> str:
    """One function expression: the helpers declared inside, then `body` called with the arg."""
    return "(arg) => {\n" + CSS_PATH + "\nreturn (" + body.strip() + ")(arg);\n}"


# Entries (无障碍/长者模式 …), toolbar globals and elements, the viewport meta.
PROBE = _with_helpers(r"""
({names, globals, selectors, maxLen}) => {
  const wanted = names.map((n) => n.replace(/\s+/g, ''));
  const hits = [];
  for (const el of document.querySelectorAll('a,button,span,li,div,em,i,b,p,img,input,label,font,strong')) {
    let t = el.tagName === 'IMG' ? (el.alt || el.title || '')
          : el.tagName === 'INPUT' ? (el.value || el.title || '') : (el.innerText || el.textContent || '');
    t = t.replace(/\s+/g, '');
    if (!t && el.tagName === 'A') t = (el.title || el.getAttribute('aria-label') || '').replace(/\s+/g, '');
    if (!t || t.length > maxLen) continue;
    if (!wanted.some((w) => t.includes(w))) continue;
    hits.push(el);
  }
  // Keep the innermost matching elements (the <a>, not the <div> around it).
  const inner = hits.filter((el) => !hits.some((o) => o !== el && el.contains(o)));
  const entries = inner.slice(0, 40).map((el) => {
    const t = el.tagName === 'IMG' ? (el.alt || el.title) : (el.innerText || el.textContent || el.title || '');
    return {text: t.replace(/\s+/g, ' ').trim().slice(0, 40), selector: zwgkCssPath(el),
            visible: zwgkVisible(el), tag: el.tagName.toLowerCase()};
  });
  const foundGlobals = globals.filter((g) => {
    try { return g.split('.').reduce((o, k) => (o == null ? undefined : o[k]), window) !== undefined; }
    catch (e) { return false; }
  });
  const foundElements = selectors.filter((s) => { try { return !!document.querySelector(s); } catch (e) { return false; } });
  const vp = document.querySelector('meta[name="viewport" i]');
  return {entries, globals: foundGlobals, elements: foundElements, viewport: vp ? (vp.content || '') : '',
          title: document.title || ''};
}
""")

# Boxes positioned fixed (or absolute and moving) that are visible on load. Two looks `gap` ms
# apart tell a 飘窗 (moving floating window) from a still one.
OVERLAYS = _with_helpers(r"""
async ({minArea, gap}) => {
  const vw = window.innerWidth, vh = window.innerHeight;
  const look = () => {
    const out = new Map();
    for (const el of document.querySelectorAll('body *')) {
      const s = getComputedStyle(el);
      if (s.position !== 'fixed' && s.position !== 'absolute') continue;
      if (s.display === 'none' || s.visibility === 'hidden' || parseFloat(s.opacity) < 0.1) continue;
      const r = el.getBoundingClientRect();
      const w = Math.max(0, Math.min(r.right, vw) - Math.max(r.left, 0));
      const h = Math.max(0, Math.min(r.bottom, vh) - Math.max(r.top, 0));
      if (w * h < minArea * vw * vh) continue;
      out.set(el, {pos: s.position, left: r.left, top: r.top, w, h});
    }
    return out;
  };
  const first = look();
  await new Promise((res) => setTimeout(res, gap));
  const second = look();
  const boxes = [];
  for (const [el, b] of second) {
    const a = first.get(el);
    const moving = !!a && (Math.abs(a.left - b.left) > 2 || Math.abs(a.top - b.top) > 2);
    if (b.pos === 'absolute' && !moving) continue;        // dropdowns, banners in the flow
    let fixedAncestor = false;
    for (let p = el.parentElement; p; p = p.parentElement) { if (second.has(p)) { fixedAncestor = true; break; } }
    if (fixedAncestor) continue;
    const text = (el.innerText || '').replace(/\s+/g, ' ').trim();
    const closable = !!el.querySelector('[class*="close" i],[id*="close" i],[onclick*="close" i],[title*="关闭"]')
      || /关闭|×|✕/.test(text);
    boxes.push({selector: zwgkCssPath(el), text: text.slice(0, 60), left: b.left, top: b.top,
                width: b.w, height: b.h, coverage: (b.w * b.h) / (vw * vh), position: b.pos, moving, closable});
  }
  return {viewport: [vw, vh], boxes};
}
""")

# Elements whose text is cut off by overflow:hidden/clip, and how much wider than the layout
# viewport the document is. Called at 100% and at 200%; the difference is what zoom clipped.
CLIPPING = _with_helpers(r"""
({limit}) => {
  const clipped = [];
  for (const el of document.querySelectorAll('body *')) {
    const s = getComputedStyle(el);
    const hx = s.overflowX === 'hidden' || s.overflowX === 'clip';
    const hy = s.overflowY === 'hidden' || s.overflowY === 'clip';
    if (!hx && !hy) continue;
    if (s.textOverflow === 'ellipsis') continue;              // a deliberate one-line title
    const cutX = hx && el.scrollWidth > el.clientWidth + 2;
    const cutY = hy && el.scrollHeight > el.clientHeight + 2;
    if (!cutX && !cutY) continue;
    const text = (el.innerText || '').replace(/\s+/g, ' ').trim();
    if (!text || !zwgkVisible(el)) continue;
    clipped.push([zwgkCssPath(el), text.slice(0, 40)]);
    if (clipped.length >= limit) break;
  }
  const de = document.documentElement;
  const width = Math.max(de.scrollWidth, document.body ? document.body.scrollWidth : 0);
  return {clipped, overflow: Math.max(0, width - de.clientWidth), width: de.clientWidth};
}
""")

# Median computed font size (px) of visible elements that hold text of their own.
FONT_SIZE = _with_helpers(r"""
() => {
  const sizes = [];
  for (const el of document.querySelectorAll('body *')) {
    if (['SCRIPT', 'STYLE', 'NOSCRIPT'].includes(el.tagName)) continue;
    let own = '';
    for (const n of el.childNodes) if (n.nodeType === 3) own += n.textContent;
    if (own.trim().length < 2) continue;
    const r = el.getBoundingClientRect();
    if (r.width < 1 || r.height < 1) continue;
    sizes.push(parseFloat(getComputedStyle(el).fontSize) || 0);
    if (sizes.length >= 2000) break;
  }
  if (!sizes.length) return 0;
  sizes.sort((a, b) => a - b);
  return sizes[Math.floor(sizes.length / 2)];
}
""")

# Count DOM mutations and newly visible elements from the moment it is installed.
WATCH_START = r"""
() => {
  window.__zwgkMutations = 0;
  const obs = new MutationObserver((list) => { window.__zwgkMutations += list.length; });
  obs.observe(document.documentElement, {subtree: true, childList: true, attributes: true, characterData: true});
  window.__zwgkObserver = obs;
  let n = 0;
  for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect(); if (r.width > 0 && r.height > 0) n++; }
  window.__zwgkVisibleBefore = n;
  return true;
}
"""

WATCH_STOP = r"""
() => {
  if (window.__zwgkObserver) window.__zwgkObserver.disconnect();
  let n = 0;
  for (const el of document.querySelectorAll('body *')) { const r = el.getBoundingClientRect(); if (r.width > 0 && r.height > 0) n++; }
  return {mutations: window.__zwgkMutations || 0, newVisible: Math.max(0, n - (window.__zwgkVisibleBefore || 0))};
}
"""

# Run axe-core (already injected) with WCAG tags; keep only what the evidence needs.
AXE_RUN = r"""
async ({tags, maxNodes}) => {
  const r = await axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']});
  const rules = new Set();
  for (const k of ['violations', 'passes', 'incomplete', 'inapplicable']) for (const x of (r[k] || [])) rules.add(x.id);
  return {
    version: (r.testEngine && r.testEngine.version) || axe.version || '',
    rulesRun: rules.size,
    violations: r.violations.map((v) => ({
      id: v.id, impact: v.impact || '', help: v.help, helpUrl: v.helpUrl, tags: v.tags,
      nodeCount: v.nodes.length,
      nodes: v.nodes.slice(0, maxNodes).map((n) => [
        n.target.map((t) => Array.isArray(t) ? t.join(' ') : t).join(' '),
        (n.html || '').slice(0, 200), (n.failureSummary || '').slice(0, 300)]),
    })),
  };
}
"""
