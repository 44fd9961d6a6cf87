// The browser chat client: sign in or register, conversations with unread counts, 1:1 and group chat, live
// pushes, and after a drop or a RECONNECT: RESUME, then SYNC what came meanwhile and resend what was not confirmed.
// It speaks PROTOCOL.md over WebSocket (connection.js); every message the page shows came from a gateway.
//
// Read state: the inbox has one cursor (ACK <seq> means "everything up to seq"), but a person reads one
// conversation at a time. So the page ACKs only the longest read prefix of the inbox, and keeps which later
// messages were read here in memory: unread counts stay true on the user's other devices, and a message nobody
// looked at is never acknowledged. Groups have a cursor each, which ACK <group> <seq> moves when the group is read.

import { Connection, GatewayError } from './connection.js';

const TEXT_LIMIT_BYTES = 4000;            // PROTOCOL.md: message text at most 4000 bytes
const SYNC_PAGE = 1000;                   // SYNC's largest limit
const SYNC_PAGES_MAX = 20;                // catch up at most 20,000 messages at once; the rest on the next SYNC
const HISTORY_LIMIT = 50;                 // HISTORY shown when a conversation is first opened
const ADDRESS = /^[a-z0-9_.-]{1,32}@[a-z0-9-]{1,16}$/;
const GROUP = /^#[a-z0-9_.-]{1,32}(@[a-z0-9-]{1,16})?$/;
const SESSION_KEY = 'clusterchat.session';
const KNOWN_KEY = 'clusterchat.conversations.';
const KNOWN_MAX = 200;

const $ = (id) => document.getElementById(id);
const encoder = new TextEncoder();

const state = {
  me: null,            // alice@bj
  token: null,         // for RESUME
  region: null,        // the region whose gateways this tab uses
  conn: null,
  acked: 0,            // the inbox cursor (the server's, as far as this tab knows)
  inbox: new Map(),    // seq -> { peer, read } for seqs above acked
  highestSeq: 0,       // the highest inbox seq this tab has seen
  convs: new Map(),    // key (peer address or #group@region) -> conversation
  active: null,        // the key of the open conversation
  outbox: [],          // sends not yet confirmed: resent with the same id after a reconnect
};

// ---- signing in ----------------------------------------------------------------------------------------------

$('sign-in-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const register = event.submitter && event.submitter.value === 'register';
  const address = $('address').value.trim().toLowerCase();
  const password = $('password').value;
  if (!ADDRESS.test(address)) {
    return signInError('Enter your address as name@region, like alice@bj.');
  }
  if (password.length < 8 || password.length > 128) {
    return signInError('The password has 8 to 128 characters.');
  }
  signInError(null);
  setBusy(true);
  const [name, region] = address.split('@');
  try {
    const conn = await connect(region);
    if (register) {
      await conn.request({ op: 'register', name, password });
    }
    const { reply } = await conn.request({ op: 'login', user: address, password });
    $('password').value = '';
    await signedIn(reply);
  } catch (e) {
    stopConnection();
    signInError(describe(e, register));
  } finally {
    setBusy(false);
  }
});

async function connect(region) {
  stopConnection();
  state.region = region;
  const conn = new Connection(region);
  state.conn = conn;
  setState('connecting', 'Connecting to region ' + region + '…');
  conn.addEventListener('msg', (e) => onMessage(e.detail));
  conn.addEventListener('gmsg', (e) => onGroupEntry(e.detail));
  conn.addEventListener('gevent', (e) => onGroupEntry(e.detail));
  conn.addEventListener('sent', (e) => onSentElsewhere(e.detail));
  conn.addEventListener('notice', (e) => showNotice('Notice: ' + e.detail.text));
  conn.addEventListener('reconnect', () => setState('reconnecting', 'Moving to another gateway…'));
  conn.addEventListener('offline', (e) => setState('reconnecting', 'Reconnecting (' + e.detail.reason + ')…'));
  conn.addEventListener('online', () => resume());
  conn.addEventListener('closed', (e) => {
    if (e.detail.reason !== 'signed out') {
      setState('closed', e.detail.reason === 'kicked' ? 'Signed out by an operator.'
        : 'The gateway closed the connection (' + e.detail.reason + ').');
      showSignIn('The gateway closed the connection (' + e.detail.reason + '). Sign in again.');
    }
  });
  await conn.open();
  return conn;
}

/** After LOGIN or RESUME: remember the session, then catch up. */
async function signedIn(reply) {
  const first = state.me !== reply.address;
  state.me = reply.address;
  state.token = reply.token;
  sessionStorage.setItem(SESSION_KEY, JSON.stringify({ token: state.token, region: state.region }));
  if (first) {
    resetConversations();
    for (const key of knownConversations()) {
      conversation(key);
    }
  }
  $('me').textContent = state.me;
  $('me').hidden = false;
  $('sign-out').hidden = false;
  $('sign-in').hidden = true;
  $('chat').hidden = false;
  setState('online', 'Online at ' + state.conn.node);
  state.acked = Math.max(state.acked, reply.acked);
  await catchUp();
}

/** A new connection after a drop or a RECONNECT: RESUME with the token, then catch up. */
async function resume() {
  const conn = state.conn;
  try {
    const { reply } = await conn.request({ op: 'resume', token: state.token });
    await signedIn(reply);
  } catch (e) {
    if (e instanceof GatewayError && e.code === 401) {
      stopConnection();
      showSignIn('Your session expired. Sign in again.');
    }
    // Otherwise the connection dropped again: its next 'online' resumes.
  }
}

/** The inbox after our cursor, every group's counts, the open groups' new entries, then what we still owe. */
async function catchUp() {
  const conn = state.conn;
  let after = Math.max(state.acked, state.highestSeq);
  for (let page = 0; page < SYNC_PAGES_MAX; page++) {
    // The msg items come as 'msg' events (onMessage), the same as pushes.
    const { reply } = await conn.request({ op: 'sync', after, limit: SYNC_PAGE });
    after = Math.max(after, state.highestSeq);
    if (reply.count < SYNC_PAGE || after >= reply.latest) {
      break;
    }
  }
  const { items } = await conn.request({ op: 'groups' });
  const member = new Set();
  for (const item of items) {
    const group = conversation(item.group);
    member.add(item.group);
    group.member = true;
    group.latest = Math.max(group.latest, item.latest);
    group.read = Math.max(group.read, item.read);
    group.members = item.members;
    if (group.loaded && group.lastSeq < group.latest) {
      await syncGroup(group);
    }
  }
  for (const c of state.convs.values()) {
    if (c.kind === 'group' && !member.has(c.key)) {
      c.member = false;
    }
  }
  for (const entry of [...state.outbox]) {
    trySend(entry);
  }
  const active = state.convs.get(state.active);
  if (active) {
    await load(active);
    markRead(active);
  }
  renderList();
  renderHead();
}

$('sign-out').addEventListener('click', () => {
  stopConnection();
  sessionStorage.removeItem(SESSION_KEY);
  showSignIn(null);
});

function stopConnection() {
  if (state.conn) {
    state.conn.close();
    state.conn = null;
  }
}

function showSignIn(message) {
  state.me = null;
  state.token = null;
  state.acked = 0;
  state.highestSeq = 0;
  state.inbox.clear();
  state.outbox = [];
  resetConversations();
  $('chat').hidden = true;
  $('sign-in').hidden = false;
  $('me').hidden = true;
  $('sign-out').hidden = true;
  document.body.dataset.node = '';
  if (document.body.dataset.state !== 'closed') {
    setState('signed-out', 'Signed out');
  }
  signInError(message);
}

// ---- what the gateway pushes ---------------------------------------------------------------------------------

/** A message in our inbox, pushed or from SYNC. */
function onMessage(m) {
  const peer = m.from === state.me ? m.to : m.from;
  const c = conversation(peer);
  state.highestSeq = Math.max(state.highestSeq, m.seq);
  if (m.seq > state.acked && !state.inbox.has(m.seq)) {
    state.inbox.set(m.seq, { peer, read: false });
  }
  add(c, { msg: m.msg, from: m.from, ts: m.ts, text: m.text, status: 'received' });
  if (isReading(c)) {
    markRead(c);
  }
  renderList();
}

/** A group message (gmsg) or membership change (gevent), pushed or from SYNC. */
function onGroupEntry(e) {
  const c = conversation(e.group);
  c.latest = Math.max(c.latest, e.seq);
  c.lastSeq = Math.max(c.lastSeq, e.seq);
  if (e.op === 'gmsg') {
    add(c, { msg: e.msg, from: e.from, ts: e.ts, text: e.text, status: e.from === state.me ? 'sent' : 'received' });
  } else {
    add(c, { msg: 'event-' + e.seq, from: e.by, ts: e.ts, text: eventText(e), status: 'event' });
    if (e.user === state.me) {
      c.member = e.event !== 'leave' && e.event !== 'remove';
      renderHead();
    }
  }
  if (isReading(c)) {
    markRead(c);
  }
  renderList();
}

/** PROTOCOL.md's SENT: this user sent a message from another tab or device. */
function onSentElsewhere(s) {
  const c = conversation(s.to);
  add(c, { msg: s.msg, from: state.me, ts: s.ts, text: s.text, status: 'sent' });
  renderList();
}

function eventText(e) {
  const who = e.user === state.me ? 'you' : e.user;
  switch (e.event) {
    case 'create': return e.by + ' created the group';
    case 'join': return who + ' joined';
    case 'invite': return e.by + ' invited ' + who;
    case 'leave': return who + ' left';
    case 'remove': return e.by + ' removed ' + who;
    default: return e.by + ' ' + e.event + ' ' + e.user;
  }
}

// ---- reading -------------------------------------------------------------------------------------------------

function isReading(c) {
  return state.active === c.key && document.visibilityState === 'visible';
}

/** Marks what this conversation has as read, and moves the server's cursor as far as that allows. */
function markRead(c) {
  if (!state.conn || !state.conn.online) {
    return;
  }
  if (c.kind === 'group') {
    if (c.member && c.lastSeq > c.read) {
      c.read = c.lastSeq;
      state.conn.request({ op: 'ack', group: c.key, seq: c.lastSeq }).catch(() => {});
    }
    renderList();
    return;
  }
  for (const entry of state.inbox.values()) {
    if (entry.peer === c.key) {
      entry.read = true;
    }
  }
  let cursor = state.acked;
  while (state.inbox.has(cursor + 1) && state.inbox.get(cursor + 1).read) {
    cursor++;
    state.inbox.delete(cursor);
  }
  if (cursor > state.acked) {
    state.acked = cursor;
    state.conn.request({ op: 'ack', seq: cursor }).catch(() => {});
  }
  renderList();
}

document.addEventListener('visibilitychange', () => {
  const c = state.convs.get(state.active);
  if (c && isReading(c)) {
    markRead(c);
  }
});

function unread(c) {
  if (c.kind === 'group') {
    return Math.max(0, c.latest - c.read);
  }
  let count = 0;
  for (const entry of state.inbox.values()) {
    if (entry.peer === c.key && !entry.read) {
      count++;
    }
  }
  return count;
}

// ---- conversations -------------------------------------------------------------------------------------------

function conversation(key) {
  let c = state.convs.get(key);
  if (!c) {
    const group = key.startsWith('#');
    c = {
      key, kind: group ? 'group' : 'user', messages: [], byId: new Map(), loaded: false,
      latest: 0, read: 0, lastSeq: 0, members: 0, member: group, lastTs: 0,
    };
    state.convs.set(key, c);
    rememberConversation(key);
  }
  return c;
}

function resetConversations() {
  state.convs.clear();
  state.active = null;
  $('messages').replaceChildren();
  renderList();
  renderHead();
}

/** Adds a message (once: by its msg id) in time order; updates it in place if it is there. */
function add(c, m) {
  const known = m.msg && c.byId.get(m.msg);
  if (known) {
    return known;
  }
  let at = c.messages.length;
  while (at > 0 && c.messages[at - 1].ts > m.ts && c.messages[at - 1].status !== 'sending') {
    at--;
  }
  c.messages.splice(at, 0, m);
  if (m.msg) {
    c.byId.set(m.msg, m);
  }
  c.lastTs = Math.max(c.lastTs, m.ts);
  if (state.active === c.key) {
    const before = c.messages[at + 1];
    $('messages').insertBefore(messageItem(c, m), before ? before.element : null);
    scrollToEnd();
  }
  return m;
}

/** The first look at a conversation: its recent history, and for a group the entries after our read cursor. */
async function load(c) {
  if (c.loaded || !state.conn || !state.conn.online) {
    return;
  }
  if (c.kind === 'group' && !c.member) {
    return;
  }
  const { items } = await state.conn.request({ op: 'history', peer: c.key, limit: HISTORY_LIMIT });
  for (const h of items) {
    add(c, { msg: h.msg, from: h.from, ts: h.ts, text: h.text, status: h.from === state.me ? 'sent' : 'received' });
  }
  if (c.kind === 'group') {
    await syncGroup(c);
  }
  c.loaded = true;
}

async function syncGroup(c) {
  let after = Math.max(c.lastSeq, c.read);
  for (let page = 0; page < SYNC_PAGES_MAX; page++) {
    const { reply } = await state.conn.request({ op: 'sync', group: c.key, after, limit: SYNC_PAGE });
    after = Math.max(after, c.lastSeq);
    if (reply.count < SYNC_PAGE || after >= reply.latest) {
      break;
    }
  }
}

async function open(key) {
  const c = conversation(key);
  state.active = key;
  document.body.dataset.view = 'conversation';
  document.body.dataset.conversation = key;
  $('group-panel').hidden = true;
  $('members-button').setAttribute('aria-expanded', 'false');
  renderHead();
  renderMessages(c);
  renderList();
  $('composer-text').focus();
  try {
    await load(c);
  } catch (e) {
    composerError(describe(e));
  }
  if (state.active === key) {
    markRead(c);
  }
}

$('conversations').addEventListener('click', (event) => {
  const button = event.target.closest('button[data-conv]');
  if (button) {
    open(button.dataset.conv);
  }
});

$('back').addEventListener('click', () => {
  document.body.dataset.view = 'list';
  const button = document.querySelector('button[data-conv="' + CSS.escape(state.active || '') + '"]');
  (button || $('new-address')).focus();
});

$('new-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const action = event.submitter ? event.submitter.value : 'open';
  let key = $('new-address').value.trim().toLowerCase();
  newError(null);
  if (key.startsWith('#') || action !== 'open') {
    key = key.startsWith('#') ? key : '#' + key;
    if (!GROUP.test(key)) {
      return newError('A group is #name or #name@region, like #team@bj.');
    }
    if (!key.includes('@')) {
      key += '@' + state.conn.gatewayRegion;
    }
  } else {
    key = key.includes('@') ? key : key + '@' + state.conn.gatewayRegion;
    if (!ADDRESS.test(key)) {
      return newError('A user is name@region, like bob@sh.');
    }
  }
  try {
    if (action === 'create') {
      const mode = $('create-open').checked ? 'open' : 'invite';
      const { reply } = await state.conn.request({ op: 'create', group: key, mode });
      key = reply.group;
      conversation(key).member = true;
    } else if (action === 'join') {
      const { reply } = await state.conn.request({ op: 'join', group: key });
      const c = conversation(reply.group);
      c.member = true;
      c.latest = Math.max(c.latest, reply.latest);
      key = reply.group;
    } else if (key.startsWith('#') && !(state.convs.get(key) || {}).member) {
      return newError('You are not a member of ' + key + ': join it, or ask a member to invite you.');
    }
    $('new-address').value = '';
    await open(key);
  } catch (e) {
    newError(describe(e));
  }
});

$('members-button').addEventListener('click', async () => {
  const panel = $('group-panel');
  panel.hidden = !panel.hidden;
  $('members-button').setAttribute('aria-expanded', String(!panel.hidden));
  if (!panel.hidden) {
    await showMembers(state.active);
  }
});

async function showMembers(key) {
  groupError(null);
  try {
    const { items, reply } = await state.conn.request({ op: 'members', group: key, offset: 0, limit: 1000 });
    const list = $('members');
    list.replaceChildren(...items.map((m) => {
      const li = document.createElement('li');
      li.textContent = m.address + (m.role === 'owner' ? ' (owner)' : '');
      li.dataset.member = m.address;
      return li;
    }));
    if (reply.total > items.length) {
      const li = document.createElement('li');
      li.textContent = 'and ' + (reply.total - items.length) + ' more';
      list.append(li);
    }
  } catch (e) {
    groupError(describe(e));
  }
}

$('invite-form').addEventListener('submit', async (event) => {
  event.preventDefault();
  const user = $('invite-address').value.trim().toLowerCase();
  groupError(null);
  try {
    await state.conn.request({ op: 'invite', group: state.active, user });
    $('invite-address').value = '';
    await showMembers(state.active);
  } catch (e) {
    groupError(describe(e));
  }
});

$('leave-button').addEventListener('click', async () => {
  const key = state.active;
  try {
    await state.conn.request({ op: 'leave', group: key });
    const c = conversation(key);
    c.member = false;
    c.read = c.latest;
    renderHead();
    renderList();
  } catch (e) {
    composerError(describe(e));
  }
});

// ---- sending -------------------------------------------------------------------------------------------------

$('composer').addEventListener('submit', (event) => {
  event.preventDefault();
  const text = $('composer-text').value;
  if (text.trim() === '' || !state.active) {
    return;
  }
  if (encoder.encode(text).length > TEXT_LIMIT_BYTES) {
    return composerError('A message has at most ' + TEXT_LIMIT_BYTES + ' bytes.');
  }
  composerError(null);
  $('composer-text').value = '';
  const c = conversation(state.active);
  // The id makes a resend after a reconnect idempotent: the gateway stores and delivers it once.
  const id = 'w' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  const m = add(c, { msg: null, id, from: state.me, ts: Date.now(), text, status: 'sending' });
  const entry = { id, to: c.key, text, conv: c, message: m };
  state.outbox.push(entry);
  trySend(entry);
  renderList();
});

$('composer-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

async function trySend(entry) {
  if (!state.conn || !state.conn.online || entry.inFlight) {
    return;
  }
  entry.inFlight = true;
  try {
    const { reply } = await state.conn.request({ op: 'send', id: entry.id, to: entry.to, text: entry.text });
    settle(entry);
    const c = entry.conv;
    const m = entry.message;
    if (c.byId.has(reply.msg)) {
      // A SYNC after a reconnect brought it first (a message to oneself, or a group's own entry): keep that one.
      remove(c, m);
      return;
    }
    m.msg = reply.msg;
    m.ts = reply.ts;
    m.status = 'sent';
    c.byId.set(reply.msg, m);
    c.lastTs = Math.max(c.lastTs, reply.ts);
    update(m);
    renderList();
  } catch (e) {
    entry.inFlight = false;
    if (e instanceof GatewayError) {
      // Refused, and nothing was stored (PROTOCOL.md): say why, and let the user try again.
      settle(entry);
      entry.message.status = 'failed';
      entry.message.error = describe(e);
      update(entry.message);
    }
    // Otherwise the connection went: the message stays in the outbox and is resent after RESUME.
  }
}

function settle(entry) {
  state.outbox = state.outbox.filter((e) => e !== entry);
}

function retry(m) {
  const c = conversation(state.active);
  m.status = 'sending';
  m.error = null;
  update(m);
  const entry = { id: m.id, to: c.key, text: m.text, conv: c, message: m };
  state.outbox.push(entry);
  trySend(entry);
}

// ---- rendering -----------------------------------------------------------------------------------------------

function renderList() {
  const list = $('conversations');
  const convs = [...state.convs.values()]
    .filter((c) => c.kind === 'user' || c.member || c.messages.length > 0)
    .sort((a, b) => b.lastTs - a.lastTs || a.key.localeCompare(b.key));
  let total = 0;
  const items = convs.map((c) => {
    const count = unread(c);
    total += count;
    const li = document.createElement('li');
    const button = document.createElement('button');
    button.type = 'button';
    button.dataset.conv = c.key;
    button.dataset.unread = String(count);
    if (state.active === c.key) {
      button.setAttribute('aria-current', 'true');
    }
    const name = document.createElement('span');
    name.className = 'name';
    name.textContent = c.key;
    const last = [...c.messages].reverse().find((m) => m.status !== 'event') || c.messages[c.messages.length - 1];
    const preview = document.createElement('span');
    preview.className = 'preview';
    preview.textContent = last ? (last.from === state.me ? 'You: ' : '') + last.text
      : c.kind === 'group' ? c.members + ' members' : '';
    button.append(name, preview);
    if (count > 0) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      badge.textContent = String(count);
      badge.setAttribute('aria-label', count + ' unread');
      button.append(badge);
    }
    li.append(button);
    return li;
  });
  list.replaceChildren(...items);
  $('no-conversations').hidden = items.length > 0;
  document.title = total > 0 ? '(' + total + ') clusterchat' : 'clusterchat';
}

function renderHead() {
  const c = state.convs.get(state.active);
  $('conversation-title').textContent = c ? c.key : 'No conversation open';
  $('members-button').hidden = !c || c.kind !== 'group' || !c.member;
  $('leave-button').hidden = !c || c.kind !== 'group' || !c.member;
  $('composer').hidden = !c || (c.kind === 'group' && !c.member);
  $('empty-conversation').hidden = Boolean(c);
  if (c && c.kind === 'group' && !c.member) {
    $('empty-conversation').hidden = false;
    $('empty-conversation').textContent = 'You are not a member of ' + c.key + '.';
  } else {
    $('empty-conversation').textContent = 'Pick a conversation, or start one.';
  }
}

function renderMessages(c) {
  const log = $('log');
  log.setAttribute('aria-busy', 'true');
  $('messages').replaceChildren(...c.messages.map((m) => messageItem(c, m)));
  log.setAttribute('aria-busy', 'false');
  scrollToEnd();
}

function messageItem(c, m) {
  const li = document.createElement('li');
  m.element = li;
  fillMessage(c, li, m);
  return li;
}

function fillMessage(c, li, m) {
  li.className = m.status === 'event' ? 'event' : m.from === state.me ? 'mine' : 'theirs';
  li.dataset.status = m.status;
  li.dataset.from = m.from;
  if (m.msg) {
    li.dataset.msg = m.msg;
  }
  const parts = [];
  if (c.kind === 'group' && m.status !== 'event' && m.from !== state.me) {
    const from = document.createElement('span');
    from.className = 'from';
    from.textContent = m.from;
    parts.push(from);
  }
  const text = document.createElement('p');
  text.className = 'text';
  text.textContent = m.text;
  parts.push(text);
  const meta = document.createElement('span');
  meta.className = 'meta';
  const time = document.createElement('time');
  time.dateTime = new Date(m.ts).toISOString();
  time.textContent = new Date(m.ts).toLocaleTimeString([], { hour: '2-digit', minute: '2-digit' });
  meta.append(time);
  if (m.status === 'sending') {
    meta.append(' · sending…');
  } else if (m.status === 'failed') {
    meta.append(' · not sent: ' + m.error + ' ');
    const again = document.createElement('button');
    again.type = 'button';
    again.className = 'link';
    again.textContent = 'Try again';
    again.addEventListener('click', () => retry(m));
    meta.append(again);
  }
  parts.push(meta);
  li.replaceChildren(...parts);
}

function update(m) {
  const c = state.convs.get(state.active);
  if (m.element && c && c.messages.includes(m)) {
    fillMessage(c, m.element, m);
  }
}

function remove(c, m) {
  c.messages = c.messages.filter((x) => x !== m);
  if (m.element) {
    m.element.remove();
  }
}

function scrollToEnd() {
  const log = $('log');
  log.scrollTop = log.scrollHeight;
}

// ---- small things --------------------------------------------------------------------------------------------

function setState(name, text) {
  document.body.dataset.state = name;
  document.body.dataset.node = state.conn && state.conn.node ? state.conn.node : '';
  $('status').textContent = text;
}

function setBusy(busy) {
  $('login-button').disabled = busy;
  $('register-button').disabled = busy;
}

function showNotice(text) {
  $('notice').textContent = text;
  $('notice').hidden = false;
}

function signInError(text) {
  message('sign-in-error', text);
}

function newError(text) {
  message('new-error', text);
}

function groupError(text) {
  message('group-error', text);
}

function composerError(text) {
  message('composer-error', text);
}

function message(id, text) {
  $(id).textContent = text || '';
  $(id).hidden = !text;
}

/** PROTOCOL.md's error codes, said for people. */
function describe(e, registering) {
  if (!(e instanceof GatewayError)) {
    return 'No connection to the cluster (' + e.message + '). Try again in a moment.';
  }
  switch (e.code) {
    case 401: return 'Wrong name or password.';
    case 403: return 'Not allowed: ' + e.message + '.';
    case 404: return registering ? e.message : 'Not found: ' + e.message + '.';
    case 409: return 'That name is taken in its region.';
    case 413: return 'Too long: ' + e.message + '.';
    case 429: return 'Too many tries; wait a little.';
    case 503: return 'The cluster is busy or a node is down; nothing was stored. Try again.';
    default: return e.message;
  }
}

function knownConversations() {
  try {
    return JSON.parse(localStorage.getItem(KNOWN_KEY + state.me) || '[]');
  } catch (e) {
    return [];
  }
}

/** Conversations are remembered per user on this browser, so the list survives a reload (the inbox does not). */
function rememberConversation(key) {
  if (!state.me) {
    return;
  }
  const known = knownConversations().filter((k) => k !== key);
  known.unshift(key);
  localStorage.setItem(KNOWN_KEY + state.me, JSON.stringify(known.slice(0, KNOWN_MAX)));
}

// A reload of a signed-in tab: RESUME with the tab's token, no password asked.
(async function start() {
  const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  if (!saved) {
    return;
  }
  try {
    const conn = await connect(saved.region);
    state.token = saved.token;
    const { reply } = await conn.request({ op: 'resume', token: saved.token });
    await signedIn(reply);
  } catch (e) {
    stopConnection();
    sessionStorage.removeItem(SESSION_KEY);
    showSignIn(null);
  }
})();
