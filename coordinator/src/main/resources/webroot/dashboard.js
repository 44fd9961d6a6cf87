// The clusterchat dashboard: polls the coordinator's GET /api/cluster every second and updates the page in place.
// Plain browser JavaScript, no libraries and no build step. Everything from the server is put in the page as
// text (textContent, attributes), never as HTML.
'use strict';

(() => {
  const POLL_MILLIS = 1000;
  const REQUEST_TIMEOUT_MILLIS = 3000;
  const RATE_HISTORY = 60; // points in each sparkline: a minute at one poll a second
  const TOKEN_KEY = 'clusterchat.adminToken';
  // Display order and titles of the roles; a role not listed here (a newer node) comes after them.
  const ROLES = [
    ['coordinator', 'Coordinators'],
    ['gateway', 'Gateways'],
    ['session-store', 'Session stores'],
    ['auth-node', 'Auth nodes'],
    ['persistence-node', 'Persistence nodes'],
  ];
  const DASH = '\u2014';
  const OWNER_COLOURS = 8; // owner-0 .. owner-7 in dashboard.css

  const $ = (id) => document.getElementById(id);
  let token = null;
  let pollTimer = null;
  let failingSince = null;
  const rateHistory = { sends: [], deliveries: [] };

  // ---- token ---------------------------------------------------------------------------------------------

  // A token in the fragment (#token=...) wins: tests and bookmarks use it; fragments never reach the server.
  // It is moved into sessionStorage and removed from the address bar so it is not left on screen.
  function initialToken() {
    const fragment = new URLSearchParams(location.hash.slice(1));
    const fromFragment = fragment.get('token');
    if (fromFragment) {
      sessionStorage.setItem(TOKEN_KEY, fromFragment);
      window.history.replaceState(null, '', location.pathname + location.search);
      return fromFragment;
    }
    return sessionStorage.getItem(TOKEN_KEY);
  }

  function signIn(newToken) {
    token = newToken;
    sessionStorage.setItem(TOKEN_KEY, token);
    $('login').hidden = true;
    $('sign-out').hidden = false;
    setState('loading');
    restartPolling();
  }

  function signOut(reason) {
    token = null;
    sessionStorage.removeItem(TOKEN_KEY);
    clearTimeout(pollTimer);
    $('sign-out').hidden = true;
    $('cluster').hidden = true;
    $('login').hidden = false;
    $('token-input').value = '';
    if (reason) {
      setState('unauthorized', reason);
    } else {
      setState('signed-out');
    }
    $('token-input').focus();
  }

  // ---- polling -------------------------------------------------------------------------------------------

  function restartPolling() {
    clearTimeout(pollTimer);
    poll();
  }

  // One request at a time: the next poll is scheduled when this one ends, so a slow coordinator is never
  // sent a pile of requests.
  async function poll() {
    if (!token) {
      return;
    }
    try {
      const response = await api('GET', 'api/cluster');
      if (response.status === 401) {
        signOut('Unauthorized: the coordinator refused the admin token. Enter the right one.');
        return;
      }
      if (!response.ok) {
        throw new Error('the coordinator answered HTTP ' + response.status);
      }
      render(await response.json());
      failingSince = null;
      setState('live');
    } catch (e) {
      failingSince = failingSince || new Date();
      const shown = !$('cluster').hidden;
      setState('disconnected', 'Disconnected from the coordinator since ' + clock(failingSince) + ' ('
        + describe(e) + '); retrying every second.'
        + (shown ? ' The figures below are from the last successful update.' : ''));
    }
    if (token) {
      pollTimer = setTimeout(poll, POLL_MILLIS);
    }
  }

  async function api(method, path, body) {
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), REQUEST_TIMEOUT_MILLIS);
    try {
      const headers = { Authorization: 'Bearer ' + token };
      if (body !== undefined) {
        headers['Content-Type'] = 'application/json';
      }
      return await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        cache: 'no-store',
        signal: abort.signal,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  function describe(error) {
    if (error.name === 'AbortError') {
      return 'no answer within ' + REQUEST_TIMEOUT_MILLIS / 1000 + ' s';
    }
    return error.message || String(error);
  }

  function setState(state, message) {
    document.body.dataset.state = state;
    const banner = $('banner');
    banner.hidden = !message;
    banner.textContent = message || '';
    banner.className = 'banner ' + state;
  }

  // ---- rendering -----------------------------------------------------------------------------------------

  function render(cluster) {
    const nodes = Array.isArray(cluster.nodes) ? cluster.nodes : [];
    const regions = cluster.regions || {};
    const rates = cluster.rates || {};
    const gateways = nodes.filter((n) => n.role === 'gateway');

    $('cluster').hidden = false;
    $('updated').textContent = 'updated ' + clock(new Date());
    setNumber($('total-nodes'), nodes.length);
    setNumber($('total-gateways'), gateways.length);
    setNumber($('total-connections'), gateways.reduce((sum, g) => sum + (g.connections || 0), 0));
    renderRate('sends', rates.sendsPerSecond);
    renderRate('deliveries', rates.deliveriesPerSecond);
    renderRegions(regions, gateways);
    renderRoles(nodes);
    renderStore(cluster.store || {});
    renderGroups(cluster.groups);
    renderRegionChoices(Object.keys(regions).sort());
  }

  function setNumber(element, value, text) {
    element.dataset.value = String(value);
    element.textContent = text ?? value.toLocaleString('en');
  }

  function renderRate(name, value) {
    const rate = typeof value === 'number' && isFinite(value) ? value : 0;
    setNumber($('rate-' + name), rate, rate.toFixed(rate < 10 ? 1 : 0));
    const points = rateHistory[name];
    points.push(rate);
    if (points.length > RATE_HISTORY) {
      points.shift();
    }
    // Scaled to the largest rate in the window; a flat line at the bottom when idle.
    const max = Math.max(1, ...points);
    const offset = RATE_HISTORY - points.length;
    $('spark-' + name).firstElementChild.setAttribute('points', points
      .map((p, i) => (offset + i) + ',' + (19 - (p / max) * 18).toFixed(1)).join(' '));
  }

  // Regions: one card per region of the API's "regions", plus any region a gateway names; in each, a bar per
  // gateway, its length the gateway's share of the busiest gateway of the region (to see dispatch balance).
  function renderRegions(regions, gateways) {
    const names = new Set(Object.keys(regions));
    gateways.forEach((g) => g.region && names.add(g.region));
    const sorted = [...names].sort();
    $('no-regions').hidden = sorted.length > 0;
    syncChildren($('regions'), sorted, (r) => r, createRegion, (card, region) => {
      const own = gateways.filter((g) => g.region === region).sort(byNode);
      const summary = regions[region] || {};
      const connections = summary.connections ?? own.reduce((sum, g) => sum + (g.connections || 0), 0);
      const count = summary.gateways ?? own.length;
      card.dataset.connections = String(connections);
      card.querySelector('.region-summary').textContent =
        plural(count, 'gateway') + ' \u00b7 ' + plural(connections, 'connection');
      const accepting = own.some((g) => g.state === 'accepting');
      card.classList.toggle('no-live', !accepting);
      card.querySelector('.region-warning').hidden = accepting;
      const busiest = Math.max(1, ...own.map((g) => g.connections || 0));
      syncChildren(card.querySelector('ul'), own, (g) => g.node, createGatewayBar, (item, g) => {
        const n = g.connections || 0;
        item.dataset.connections = String(n);
        item.dataset.state = g.state || '';
        item.querySelector('.bar-fill').style.width = (100 * n / busiest).toFixed(1) + '%';
        item.querySelector('.count').textContent = n.toLocaleString('en');
        setBadge(item.querySelector('.badge'), g.state);
      });
    });
  }

  function createRegion(region) {
    const card = el('article', { class: 'region-card', 'data-region': region, 'aria-label': 'region ' + region });
    card.append(
      el('h3', {}, region),
      el('p', { class: 'region-summary' }),
      el('p', { class: 'region-warning', hidden: '' }, 'No gateway of this region accepts clients.'),
      el('ul', { class: 'gateways' }));
    return card;
  }

  function createGatewayBar(g) {
    const item = el('li', { 'data-gateway': g.node });
    const bar = el('span', { class: 'bar', 'aria-hidden': 'true' }, el('span', { class: 'bar-fill' }));
    item.append(el('span', { class: 'name' }, g.node), bar, el('span', { class: 'count' }),
      el('span', { class: 'badge' }));
    return item;
  }

  // Nodes by role: a table per role present, with the columns that mean something for that role.
  function renderRoles(nodes) {
    const byRole = new Map();
    nodes.forEach((n) => {
      const role = n.role || 'unknown';
      byRole.has(role) || byRole.set(role, []);
      byRole.get(role).push(n);
    });
    const known = ROLES.map(([role]) => role);
    const order = [...known.filter((r) => byRole.has(r)), ...[...byRole.keys()].filter((r) => !known.includes(r)).sort()];
    syncChildren($('roles'), order, (r) => r, createRoleTable, (section, role) => {
      const members = byRole.get(role).sort(byNode);
      section.querySelector('.role-count').textContent = '(' + members.length + ')';
      syncChildren(section.querySelector('tbody'), members, (n) => n.node,
        (n) => createNodeRow(n, role === 'gateway'), updateNodeRow);
    });
  }

  function createRoleTable(role) {
    const gateway = role === 'gateway';
    const section = el('section', { class: 'role', 'data-role': role });
    const title = (ROLES.find(([r]) => r === role) || [role, role])[1];
    const heading = el('h3', { id: 'role-' + role }, title + ' ', el('span', { class: 'role-count' }));
    const columns = gateway
      ? ['Node', 'Region', 'Clients connect to', 'Connections', 'State', 'Uptime', 'Cluster address', 'Actions']
      : ['Node', 'Region', 'State', 'Uptime', 'Cluster address'];
    const numeric = ['Connections', 'Uptime'];
    const head = el('tr', {}, ...columns.map((c) => el('th', { scope: 'col', class: numeric.includes(c) ? 'num' : '' }, c)));
    const table = el('table', { 'aria-labelledby': 'role-' + role }, el('thead', {}, head), el('tbody'));
    section.append(heading, el('div', { class: 'table-wrap' }, table));
    return section;
  }

  function createNodeRow(n, gateway) {
    const row = el('tr', { 'data-node': n.node, 'data-role': n.role || '' });
    const cell = (name) => el('td', { class: name });
    const name = el('th', { scope: 'row', class: 'c-node' }, n.node);
    if (n.role === 'coordinator') {
      // The leading coordinator runs the cluster-wide jobs (drains); any coordinator answers.
      name.append(' ', el('span', { class: 'leader-tag', title: 'runs the cluster-wide jobs (drains)', hidden: '' },
        'leader'));
    }
    row.append(name, cell('c-region'));
    if (gateway) {
      row.append(cell('c-endpoint'), cell('c-connections num'));
    }
    row.append(el('td', { class: 'c-state' }, el('span', { class: 'badge' })), cell('c-uptime num'), cell('c-address'));
    if (gateway) {
      const drain = el('button', { type: 'button', class: 'drain', 'data-drain': n.node }, 'Drain');
      drain.setAttribute('aria-label', 'Drain ' + n.node);
      drain.addEventListener('click', () => drainGateway(n.node, row));
      row.append(el('td', { class: 'c-actions' }, drain));
    }
    return row;
  }

  function updateNodeRow(row, n) {
    row.dataset.state = n.state || '';
    text(row, '.c-region', n.region || DASH);
    text(row, '.c-uptime', formatUptime(n.uptime));
    text(row, '.c-address', n.address || DASH);
    setBadge(row.querySelector('.badge'), n.state);
    const leader = row.querySelector('.leader-tag');
    if (leader) {
      leader.hidden = n.leader !== true;
    }
    if (row.querySelector('.c-connections')) {
      row.dataset.connections = String(n.connections ?? 0);
      text(row, '.c-connections', n.connections == null ? DASH : n.connections.toLocaleString('en'));
      text(row, '.c-endpoint', n.host ? n.host + ':' + n.port : DASH);
      const drain = row.querySelector('.drain');
      drain.disabled = n.state !== 'accepting';
      drain.title = drain.disabled ? 'only an accepting gateway can be drained' : '';
    }
  }

  // Store shards: per persistence-node the shards it owns (as ranges) and its databases; per shard its owner,
  // epoch, queue depth and commit time. A shard no live report names has no owner (a hand-over, or its node gone).
  function renderStore(store) {
    const shards = Array.isArray(store.table) ? store.table : [];
    const owners = (Array.isArray(store.nodes) ? store.nodes : []).slice().sort(byNode);
    const owned = shards.filter((s) => s.node != null).length;
    const colour = new Map(owners.map((n, i) => [n.node, 'owner-' + (i % OWNER_COLOURS)]));
    const summary = $('store-summary');
    summary.dataset.shards = String(store.shards || 0);
    summary.dataset.owned = String(owned);
    summary.textContent = shards.length === 0 ? ''
      : plural(shards.length, 'shard') + ' \u00b7 ' + owned.toLocaleString('en') + ' owned \u00b7 '
        + plural(owners.length, 'persistence-node');
    $('no-store').hidden = shards.length > 0;
    $('store-panel').hidden = shards.length === 0;
    syncChildren($('shard-map'), shards, (s) => s.shard, (s) => el('span', {}, String(s.shard)), (cell, s) => {
      cell.className = s.node == null ? 'unowned' : colour.get(s.node) || '';
      cell.title = 'shard ' + s.shard + ': ' + (s.node == null ? 'no owner' : s.node + ', epoch ' + s.epoch);
    });
    syncChildren($('store-nodes'), owners, (n) => n.node, createStoreNodeRow, (row, n) => {
      row.dataset.owned = n.owned || '';
      row.dataset.count = String(n.count ?? 0);
      row.querySelector('.swatch').className = 'swatch ' + colour.get(n.node);
      text(row, '.c-owned', n.owned || 'none');
      text(row, '.c-count', String(n.count ?? 0));
      text(row, '.c-queue', (n.queue ?? 0).toLocaleString('en'));
      text(row, '.c-databases', (Array.isArray(n.databases) ? n.databases : []).join('\n') || DASH);
    });
    syncChildren($('store-shards'), shards, (s) => s.shard, createShardRow, (row, s) => {
      row.dataset.owner = s.node ?? '';
      row.dataset.epoch = s.epoch == null ? '' : String(s.epoch);
      row.dataset.queue = s.queue == null ? '' : String(s.queue);
      text(row, '.c-owner', s.node ?? 'no owner');
      text(row, '.c-epoch', s.epoch == null ? DASH : String(s.epoch));
      text(row, '.c-queue', s.queue == null ? DASH : s.queue.toLocaleString('en'));
      text(row, '.c-mean', millis(s.commitMillisMean, s.commits));
      text(row, '.c-max', millis(s.commitMillisMax, s.commits));
    });
  }

  function createStoreNodeRow(n) {
    const row = el('tr', { 'data-store-node': n.node });
    row.append(el('th', { scope: 'row' }, el('span', { class: 'swatch', 'aria-hidden': 'true' }), n.node),
      el('td', { class: 'c-owned' }), el('td', { class: 'c-count num' }), el('td', { class: 'c-queue num' }),
      el('td', { class: 'c-databases' }));
    return row;
  }

  function createShardRow(s) {
    const row = el('tr', { 'data-shard': String(s.shard) });
    row.append(el('th', { scope: 'row', class: 'num' }, String(s.shard)), el('td', { class: 'c-owner' }),
      el('td', { class: 'c-epoch num' }), el('td', { class: 'c-queue num' }), el('td', { class: 'c-mean num' }),
      el('td', { class: 'c-max num' }));
    return row;
  }

  // A commit time in ms; a dash for a shard without an owner.
  function millis(value, commits) {
    if (commits == null || typeof value !== 'number' || !isFinite(value)) {
      return DASH;
    }
    return value.toFixed(value < 10 ? 2 : 1);
  }

  // Groups: how many the store holds, and the largest by members (null while no persistence-node answered).
  function renderGroups(groups) {
    const known = groups != null && typeof groups.groups === 'number';
    const largest = known && Array.isArray(groups.largest) ? groups.largest : [];
    setNumber($('total-groups'), known ? groups.groups : 0, known ? undefined : DASH);
    $('no-groups').hidden = largest.length > 0;
    $('groups-panel').hidden = largest.length === 0;
    syncChildren($('groups-largest'), largest, (g) => g.group, createGroupRow, (row, g) => {
      row.dataset.members = String(g.members);
      text(row, '.c-members', g.members.toLocaleString('en'));
      text(row, '.c-latest', g.latest.toLocaleString('en'));
    });
  }

  function createGroupRow(g) {
    const row = el('tr', { 'data-group': g.group });
    row.append(el('th', { scope: 'row' }, g.group), el('td', { class: 'c-members num' }),
      el('td', { class: 'c-latest num' }));
    return row;
  }

  function renderRegionChoices(regions) {
    const select = $('notice-region');
    const wanted = ['', ...regions];
    const have = [...select.options].map((o) => o.value);
    if (wanted.join('\n') === have.join('\n')) {
      return; // unchanged: leave the user's selection alone
    }
    const chosen = select.value;
    syncChildren(select, wanted, (r) => r, (r) => el('option', { value: r }, r || 'every region'), () => {});
    select.value = wanted.includes(chosen) ? chosen : '';
  }

  // ---- actions -------------------------------------------------------------------------------------------

  async function drainGateway(node, row) {
    const clients = row.dataset.connections || '0';
    if (!confirm('Drain ' + node + '? It stops accepting clients and moves its ' + clients
      + ' connected clients to the other gateways of its region, then exits.')) {
      return;
    }
    await act('Drain of ' + node, 'POST', 'api/gateways/' + encodeURIComponent(node) + '/drain');
  }

  async function act(what, method, path, body) {
    const status = $('action-status');
    status.className = 'action-status';
    status.textContent = what + ': sending\u2026';
    try {
      const response = await api(method, path, body);
      if (response.status === 401) {
        signOut('Unauthorized: the coordinator refused the admin token. Enter the right one.');
        return false;
      }
      const detail = await response.text();
      const ok = response.ok;
      status.className = 'action-status ' + (ok ? 'ok' : 'failed');
      status.textContent = what + (ok ? ': accepted' : ': failed, HTTP ' + response.status)
        + (detail ? ' \u2014 ' + detail.slice(0, 200) : '') + ' (' + clock(new Date()) + ')';
      return ok;
    } catch (e) {
      status.className = 'action-status failed';
      status.textContent = what + ': failed (' + describe(e) + ')';
      return false;
    }
  }

  function wireForms() {
    $('login-form').addEventListener('submit', (event) => {
      event.preventDefault();
      const value = $('token-input').value.trim();
      if (value) {
        signIn(value);
      }
    });
    $('sign-out').addEventListener('click', () => signOut());
    $('notice-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const text = $('notice-text').value.trim();
      const region = $('notice-region').value;
      const body = region ? { text, region } : { text };
      if (text && await act('Notice to ' + (region || 'every region'), 'POST', 'api/notice', body)) {
        $('notice-text').value = '';
      }
    });
    $('kick-form').addEventListener('submit', async (event) => {
      event.preventDefault();
      const address = $('kick-address').value.trim();
      if (address && await act('Kick of ' + address, 'POST', 'api/users/' + encodeURIComponent(address) + '/kick')) {
        $('kick-address').value = '';
      }
    });
  }

  // ---- helpers -------------------------------------------------------------------------------------------

  // Makes parent's children match items, in order, reusing the child made for the same key (data-key) so a
  // focused button or a selection survives the next poll; creates missing children, removes stale ones.
  function syncChildren(parent, items, keyOf, create, update) {
    const existing = new Map([...parent.children].map((child) => [child.dataset.key, child]));
    let previous = null;
    for (const item of items) {
      const key = String(keyOf(item));
      let child = existing.get(key);
      if (child) {
        existing.delete(key);
      } else {
        child = create(item);
        child.dataset.key = key;
      }
      update(child, item);
      const expected = previous ? previous.nextElementSibling : parent.firstElementChild;
      if (child !== expected) {
        parent.insertBefore(child, expected);
      }
      previous = child;
    }
    existing.forEach((child) => child.remove());
  }

  function el(tag, attributes = {}, ...children) {
    const element = document.createElement(tag);
    Object.entries(attributes).forEach(([name, value]) => element.setAttribute(name, value));
    element.append(...children);
    return element;
  }

  function text(parent, selector, value) {
    const target = parent.querySelector(selector);
    if (target.textContent !== value) {
      target.textContent = value;
    }
  }

  function setBadge(badge, state) {
    badge.textContent = state || 'unknown';
    badge.className = 'badge ' + (state || 'unknown');
  }

  function byNode(a, b) {
    return String(a.node).localeCompare(String(b.node), 'en', { numeric: true });
  }

  function plural(n, word) {
    return n.toLocaleString('en') + ' ' + word + (n === 1 ? '' : 's');
  }

  function clock(date) {
    return date.toLocaleTimeString('en-GB', { hour12: false });
  }

  function formatUptime(millis) {
    if (typeof millis !== 'number' || !isFinite(millis) || millis < 0) {
      return DASH;
    }
    let s = Math.floor(millis / 1000);
    const d = Math.floor(s / 86400);
    s -= d * 86400;
    const h = Math.floor(s / 3600);
    s -= h * 3600;
    const m = Math.floor(s / 60);
    s -= m * 60;
    if (d > 0) return d + 'd ' + h + 'h';
    if (h > 0) return h + 'h ' + m + 'm';
    if (m > 0) return m + 'm ' + s + 's';
    return s + 's';
  }

  // ---- start ---------------------------------------------------------------------------------------------

  wireForms();
  const saved = initialToken();
  if (saved) {
    signIn(saved);
  } else {
    signOut();
  }
})();
