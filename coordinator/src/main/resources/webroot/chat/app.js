// The browser chat client: sign in or register, conversations with unread counts, 1:1 and group chat, live
// pushes, and after a drop or a RECONNECT: RESUME, then SYNC what came meanwhile and resend what was not confirmed.
// It speaks PROTOCOL.md over WebSocket (connection.js); every message the page shows came from a gateway.
//
// Read state: the inbox has one cursor (ACK <seq> means "everything up to seq"), but a person reads one
// conversation at a time. So the page ACKs only the longest read prefix of the inbox, and keeps which later
// messages were read here in memory: unread counts stay true on the user's other devices, and a message nobody
// looked at is never acknowledged. Groups have a cursor each, which ACK <group> <seq> moves when the group is read.
// ACKs are coalesced: at most one in flight per cursor, then the newest value (a catch-up of 1000 messages is a
// handful of ACKs, not 1000 frames against the rate limit).

import { Connection, GatewayError } from './connection.js';

const TEXT_LIMIT_BYTES = 4000;            // PROTOCOL.md: message text at most 4000 bytes
const FRAME_LIMIT_BYTES = 8192;           // PROTOCOL.md: max-line, which bounds a whole JSON frame
const SYNC_PAGE = 1000;                   // SYNC's largest limit
const SYNC_PAGES_MAX = 20;                // catch up at most 20,000 entries at once; the rest on the next catch-up
const HISTORY_LIMIT = 50;                 // HISTORY shown when a conversation is first opened
const KEPT_PER_CONVERSATION = 500;        // messages a conversation keeps in memory (older ones: HISTORY)
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
  ready: false,        // signed in and caught up on the current connection: new sends may go
  acked: 0,            // the inbox cursor as this tab would have it (the longest read prefix)
  inboxAck: { atServer: 0, inFlight: false },  // the cursor the gateway confirmed, and an ACK on its way
  inbox: new Map(),    // seq -> { peer, read } for seqs above acked
  highestSeq: 0,       // the highest inbox seq this tab has seen
  gapSync: null,       // a SYNC asked for because a push skipped seqs
  convs: new Map(),    // key (peer address or #group@region) -> conversation
  active: null,        // the key of the open conversation
  outbox: [],          // sends not yet confirmed: resent with the same id after a reconnect
  listQueued: false,
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
  let reply;
  try {
    const conn = await connect(region);
    if (register) {
      await conn.request({ op: 'register', name, password });
    }
    reply = (await conn.request({ op: 'login', user: address, password })).reply;
    $('password').value = '';
  } catch (e) {
    stopConnection();
    setState('signed-out', 'Signed out');
    signInError(describe(e, register));
    return;
  } finally {
    setBusy(false);
  }
  await signedIn(reply);
});

async function connect(region) {
  stopConnection();
  state.region = region;
  const conn = new Connection(region);
  state.conn = conn;
  setState('connecting', 'Connecting to region ' + region + '…');
  // Events of a connection this tab has given up (signed out) are not ours any more.
  const on = (type, handler) => conn.addEventListener(type, (e) => {
    if (state.conn === conn) {
      handler(e.detail);
    }
  });
  on('msg', onMessage);
  on('gmsg', onGroupEntry);
  on('gevent', onGroupEntry);
  on('sent', onSentElsewhere);
  on('notice', (notice) => showNotice('Notice: ' + notice.text));
  on('reconnect', () => setState('reconnecting', 'Moving to another gateway…'));
  on('offline', (why) => {
    state.ready = false;
    setState('reconnecting', 'Reconnecting (' + why.reason + ')…');
  });
  on('online', () => resume(conn));
  on('closed', (why) => {
    if (why.reason !== 'signed out') {
      const text = why.reason === 'kicked' ? 'Signed out by an operator.'
        : 'The gateway closed the connection (' + why.reason + ').';
      setState('closed', text);
      showSignIn(text + ' Sign in again.');
    }
  });
  await conn.open();
  return conn;
}

/** After LOGIN or RESUME: remember the session, then catch up; a failed catch-up starts over on a new connection. */
async function signedIn(reply) {
  const conn = state.conn;
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
  setState('connecting', 'Catching up at ' + conn.node + '…');
  // Another device may have read further: what is at or below the server's cursor is read.
  state.inboxAck.atServer = reply.acked;
  state.acked = Math.max(state.acked, reply.acked);
  for (const seq of state.inbox.keys()) {
    if (seq <= state.acked) {
      state.inbox.delete(seq);
    }
  }
  try {
    await catchUp(conn, first);
  } catch (e) {
    if (state.conn === conn) {
      // A backend did not answer (503), or the connection went: a new connection RESUMEs and tries again.
      conn.drop('catch-up failed: ' + (e.message || e));
    }
    return;
  }
  if (state.conn !== conn) {
    return;
  }
  state.ready = true;
  conn.settled();
  setState('online', 'Online at ' + conn.node);
  // What was not confirmed goes first, in the order it was written; what is typed from now on follows it.
  for (const entry of [...state.outbox]) {
    trySend(entry);
  }
  ackInbox();
  for (const c of state.convs.values()) {
    ackGroup(c);
  }
}

/** A new connection after a drop or a RECONNECT: RESUME with the token, then catch up. */
async function resume(conn) {
  let reply;
  try {
    reply = (await conn.request({ op: 'resume', token: state.token })).reply;
  } catch (e) {
    if (e instanceof GatewayError && e.code === 401) {
      stopConnection();
      showSignIn('Your session expired. Sign in again.');
    } else if (e instanceof GatewayError && state.conn === conn) {
      // 503 or 429: this connection is of no use; the next one tries again after the backoff.
      conn.drop('resume failed: ' + e.message);
    }
    // Otherwise the connection dropped again: its next 'online' resumes.
    return;
  }
  await signedIn(reply);
}

/** The inbox after our cursor, every group's counts, the loaded groups' new entries, the open conversation. */
async function catchUp(conn, first) {
  // Gap-free seqs: a page of `count` items covers after+1 .. after+count, whatever pushes came meanwhile. It starts
  // at the read prefix, not at the highest seq seen: a push lost on the way is fetched too (ids weed out the rest).
  let after = state.acked;
  for (let page = 0; page < SYNC_PAGES_MAX; page++) {
    // The msg items come as 'msg' events (onMessage), the same as pushes.
    const { reply } = await conn.request({ op: 'sync', after, limit: SYNC_PAGE });
    after += reply.count;
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
    group.read = item.read;
    group.ack.atServer = item.read;
    group.members = item.members;
    if (group.loaded && group.lastSeq < group.latest) {
      await syncGroup(conn, group);
    }
  }
  for (const c of state.convs.values()) {
    if (c.kind === 'group' && !member.has(c.key)) {
      c.member = false;
    }
    if (c.kind === 'user' && !first) {
      // What this user sent from other devices while we were away came as SENT to them, not to us: HISTORY has it.
      c.loaded = false;
    }
  }
  const active = state.convs.get(state.active);
  if (active) {
    await load(conn, active);
    markRead(active);
  }
  renderList();
  renderHead();
}

$('sign-out').addEventListener('click', () => {
  stopConnection();
  sessionStorage.removeItem(SESSION_KEY);
  // A shared computer keeps no trace of whom this user talks to.
  if (state.me) {
    localStorage.removeItem(KNOWN_KEY + state.me);
  }
  showSignIn(null);
});

function stopConnection() {
  state.ready = false;
  if (state.conn) {
    state.conn.close();
    state.conn = null;
  }
}

function showSignIn(message) {
  state.me = null;
  state.token = null;
  state.ready = false;
  state.acked = 0;
  state.inboxAck = { atServer: 0, inFlight: false };
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
  if (state.ready && m.seq > state.highestSeq + 1) {
    // A push went missing (pushes are at most once): SYNC what lies between.
    syncGap(state.highestSeq);
  }
  state.highestSeq = Math.max(state.highestSeq, m.seq);
  if (m.seq > state.acked && !state.inbox.has(m.seq)) {
    // A message to oneself was written here: nothing to read.
    state.inbox.set(m.seq, { peer, read: m.from === state.me });
  }
  add(c, { msg: m.msg, from: m.from, ts: m.ts, text: m.text, status: 'received' });
  if (isReading(c)) {
    markRead(c);
  } else {
    ackInbox();
  }
  queueList();
}

function syncGap(after) {
  if (state.gapSync) {
    return;
  }
  const conn = state.conn;
  state.gapSync = conn.request({ op: 'sync', after, limit: SYNC_PAGE })
    .catch(() => {})
    .finally(() => {
      state.gapSync = null;
    });
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
  const mine = e.op === 'gmsg' ? e.from === state.me : e.by === state.me;
  if (isReading(c) || (mine && c.read >= e.seq - 1)) {
    // What this user wrote (here or on another device) is not unread for them.
    c.read = Math.max(c.read, e.seq);
    ackGroup(c);
  }
  queueList();
}

/** PROTOCOL.md's SENT: this user sent a message from another tab or device. */
function onSentElsewhere(s) {
  const c = conversation(s.to);
  add(c, { msg: s.msg, from: state.me, ts: s.ts, text: s.text, status: 'sent' });
  queueList();
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
  if (c.kind === 'group') {
    if (c.member && c.lastSeq > c.read) {
      c.read = c.lastSeq;
    }
    ackGroup(c);
    queueList();
    return;
  }
  for (const entry of state.inbox.values()) {
    if (entry.peer === c.key) {
      entry.read = true;
    }
  }
  ackInbox();
  queueList();
}

/** Moves the inbox cursor over the read prefix, and tells the gateway. */
function ackInbox() {
  while (state.inbox.has(state.acked + 1) && state.inbox.get(state.acked + 1).read) {
    state.acked++;
    state.inbox.delete(state.acked);
  }
  sendAck(state.inboxAck, state.acked, { op: 'ack', seq: state.acked }, ackInbox);
}

function ackGroup(c) {
  if (c.member) {
    sendAck(c.ack, c.read, { op: 'ack', group: c.key, seq: c.read }, () => ackGroup(c));
  }
}

/**
 * Tells the gateway a read cursor at {@code seq}: one ACK in flight per cursor ({@code track}), and when it is
 * answered {@code again} sends the newest value if reading went on meanwhile. A failed ACK waits for the next read
 * or the next sign-in (RESUME).
 */
function sendAck(track, seq, frame, again) {
  const conn = state.conn;
  if (track.inFlight || !conn || !conn.online || seq <= track.atServer) {
    return;
  }
  track.inFlight = true;
  conn.request(frame)
    .then(() => {
      track.inFlight = false;
      track.atServer = Math.max(track.atServer, seq);
      if (state.conn === conn && conn.online && state.ready) {
        again();
      }
    })
    .catch(() => {
      // Not at once again: an ACK the gateway refuses (429, say) would be sent in a loop.
      track.inFlight = false;
    });
}

document.addEventListener('visibilitychange', () => {
  const c = state.convs.get(state.active);
  if (c && isReading(c)) {
    markRead(c);
  }
});

function unread(c) {
  if (c.kind === 'group') {
    return c.member ? Math.max(0, c.latest - c.read) : 0;
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
      latest: 0, read: 0, ack: { atServer: 0, inFlight: false }, lastSeq: 0, members: 0, member: group, lastTs: 0,
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

/** Adds a message (once: by its msg id) in time order; keeps the newest KEPT_PER_CONVERSATION. */
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
  while (c.messages.length > KEPT_PER_CONVERSATION && c.messages[0].status !== 'sending') {
    // The oldest go, ids and all (HISTORY has them; what it shows again on the next open is the newest 50).
    const old = c.messages.shift();
    c.byId.delete(old.msg);
    if (old.element) {
      old.element.remove();
      old.element = null;
    }
  }
  return m;
}

/** The first look at a conversation: its recent history, and for a group the entries after our read cursor. */
async function load(conn, c) {
  if (c.loaded || !conn || !conn.online) {
    return;
  }
  if (c.kind === 'group' && !c.member) {
    return;
  }
  const { items } = await conn.request({ op: 'history', peer: c.key, limit: HISTORY_LIMIT });
  for (const h of items) {
    add(c, { msg: h.msg, from: h.from, ts: h.ts, text: h.text, status: h.from === state.me ? 'sent' : 'received' });
  }
  if (c.kind === 'group') {
    await syncGroup(conn, c);
  }
  c.loaded = true;
}

async function syncGroup(conn, c) {
  // A member's log starts at its own joining entry: a page may start above `after`, so it is asked again from
  // after+count; entries seen twice are recognised by their ids.
  let after = c.read;
  for (let page = 0; page < SYNC_PAGES_MAX; page++) {
    const { reply } = await conn.request({ op: 'sync', group: c.key, after, limit: SYNC_PAGE });
    after += reply.count;
    if (reply.count < SYNC_PAGE || after >= reply.latest) {
      break;
    }
  }
}

async function open(key) {
  const previous = state.convs.get(state.active);
  if (previous && previous.key !== key) {
    // The DOM of a conversation not shown is not kept.
    for (const m of previous.messages) {
      m.element = null;
    }
  }
  const c = conversation(key);
  state.active = key;
  document.body.dataset.view = 'conversation';
  document.body.dataset.conversation = key;
  $('group-panel').hidden = true;
  $('members-button').setAttribute('aria-expanded', 'false');
  renderHead();
  renderMessages(c);
  renderList();
  if (!window.matchMedia('(pointer: coarse)').matches) {
    // Not on a touch screen, where focusing the box would pop up the keyboard at every open.
    $('composer-text').focus();
  }
  try {
    await load(state.conn, c);
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
  if (!state.conn || !state.conn.online) {
    return newError('Not connected right now; try again in a moment.');
  }
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
  const c = conversation(state.active);
  // The id makes a resend after a reconnect idempotent: the gateway stores and delivers it once.
  const id = 'w' + Date.now().toString(36) + '-' + Math.random().toString(36).slice(2, 12);
  if (encoder.encode(text).length > TEXT_LIMIT_BYTES) {
    return composerError('A message has at most ' + TEXT_LIMIT_BYTES + ' bytes.');
  }
  // The whole frame must fit a gateway line too; JSON writes control characters six bytes long.
  if (encoder.encode(JSON.stringify({ op: 'send', id, to: c.key, text })).length > FRAME_LIMIT_BYTES) {
    return composerError('This message is too long to send.');
  }
  composerError(null);
  $('composer-text').value = '';
  const m = add(c, { msg: null, id, from: state.me, ts: Date.now(), text, status: 'sending' });
  const entry = { id, to: c.key, text, conv: c, message: m };
  state.outbox.push(entry);
  trySend(entry);
  queueList();
});

$('composer-text').addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
    event.preventDefault();
    $('composer').requestSubmit();
  }
});

async function trySend(entry) {
  const conn = state.conn;
  // Until the catch-up is done, a new message waits: it must not overtake older ones still in the outbox.
  if (!state.ready || !conn || !conn.online || entry.inFlight) {
    return;
  }
  entry.inFlight = true;
  try {
    const { reply } = await conn.request({ op: 'send', id: entry.id, to: entry.to, text: entry.text });
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
    queueList();
    if (c.kind === 'group') {
      learnOwnEntries(conn, c);
    }
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

/**
 * A group SEND's reply has no seq, and the sender is not pushed its own entry; but unread is latest minus the read
 * cursor (PROTOCOL.md), so the cursor must pass our own entries. A SYNC after the last seq seen names them, and
 * onGroupEntry moves the cursor over them. One at a time per group; sends meanwhile are covered by the next.
 */
function learnOwnEntries(conn, c) {
  if (c.learning) {
    c.learnAgain = true;
    return;
  }
  c.learning = true;
  c.learnAgain = false;
  conn.request({ op: 'sync', group: c.key, after: c.lastSeq, limit: SYNC_PAGE })
    .catch(() => {})
    .finally(() => {
      c.learning = false;
      if (c.learnAgain && state.conn === conn && conn.online) {
        learnOwnEntries(conn, c);
      }
    });
}

function settle(entry) {
  state.outbox = state.outbox.filter((e) => e !== entry);
}

function retry(c, m) {
  m.status = 'sending';
  m.error = null;
  update(m);
  const entry = { id: m.id, to: c.key, text: m.text, conv: c, message: m };
  state.outbox.push(entry);
  trySend(entry);
}

// ---- rendering -----------------------------------------------------------------------------------------------

/** Pushes come in bursts (a catch-up is up to 1000 at once): the list is drawn once per frame. */
function queueList() {
  if (!state.listQueued) {
    state.listQueued = true;
    requestAnimationFrame(() => {
      state.listQueued = false;
      renderList();
    });
  }
}

function renderList() {
  const list = $('conversations');
  const focused = document.activeElement && document.activeElement.dataset
    ? document.activeElement.dataset.conv : undefined;
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
    const last = lastMessage(c);
    const preview = document.createElement('span');
    preview.className = 'preview';
    preview.textContent = last ? (last.from === state.me ? 'You: ' : '') + last.text
      : c.kind === 'group' ? c.members + ' members' : '';
    button.append(name, preview);
    if (count > 0) {
      const badge = document.createElement('span');
      badge.className = 'badge';
      const number = document.createElement('span');
      number.setAttribute('aria-hidden', 'true');
      number.textContent = String(count);
      const words = document.createElement('span');
      words.className = 'visually-hidden';
      words.textContent = ', ' + count + ' unread';
      badge.append(number, words);
      button.append(badge);
    }
    li.append(button);
    return li;
  });
  list.replaceChildren(...items);
  if (focused) {
    // The list is drawn anew: a keyboard user keeps their place in it.
    const again = list.querySelector('button[data-conv="' + CSS.escape(focused) + '"]');
    if (again) {
      again.focus();
    }
  }
  $('no-conversations').hidden = items.length > 0;
  document.title = total > 0 ? '(' + total + ') clusterchat' : 'clusterchat';
}

function lastMessage(c) {
  for (let i = c.messages.length - 1; i >= 0; i--) {
    if (c.messages[i].status !== 'event') {
      return c.messages[i];
    }
  }
  return c.messages[c.messages.length - 1];
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
  // A conversation's whole history is not news: the live region announces only what arrives after this.
  log.setAttribute('aria-live', 'off');
  $('messages').replaceChildren(...c.messages.map((m) => messageItem(c, m)));
  scrollToEnd();
  setTimeout(() => log.setAttribute('aria-live', 'polite'), 0);
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
  if (m.status !== 'event') {
    const from = document.createElement('span');
    if (c.kind === 'group' && m.from !== state.me) {
      from.className = 'from';
      from.textContent = m.from;
    } else {
      // Alignment and colour say who wrote it; a screen reader says it in words.
      from.className = 'visually-hidden';
      from.textContent = m.from === state.me ? 'You:' : m.from + ':';
    }
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
    again.addEventListener('click', () => retry(c, m));
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
    m.element = null;
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

// The page works now: the sign-in buttons were off until this script ran, so a password is never sent by a form.
setBusy(false);

// A reload of a signed-in tab: RESUME with the tab's token, no password asked.
(async function start() {
  const saved = JSON.parse(sessionStorage.getItem(SESSION_KEY) || 'null');
  if (!saved) {
    return;
  }
  let reply;
  try {
    const conn = await connect(saved.region);
    state.token = saved.token;
    reply = (await conn.request({ op: 'resume', token: saved.token })).reply;
  } catch (e) {
    stopConnection();
    sessionStorage.removeItem(SESSION_KEY);
    showSignIn(e instanceof GatewayError && e.code === 401 ? 'Your session expired. Sign in again.' : null);
    return;
  }
  await signedIn(reply);
})();
