// Two people chat in the browser client (the coordinator's /chat/), each in a region of its own, in Debian's
// headless chromium driven by Playwright. Run by ChatBrowserTest (a whole cluster in one JVM) and by the local
// cluster's scenario (the README's cluster); either can be run by hand against a running cluster:
//
//   CHAT_URL=http://127.0.0.1:8080/chat/ node chat-scenario.mjs
//
// Environment:
//   CHAT_URL      the page (required)
//   CHROMIUM      the browser (default /usr/bin/chromium)
//   SCREENSHOTS   a directory for screenshots (default: none)
//   HARNESS=1     the harness drives the cluster: at "HARNESS <action>" on stdout this script waits for one line on
//                 stdin ("ok" or "fail <why>"). Actions: "flood" (bob@sh sends FLOOD messages "flood <i>" to
//                 alice@bj over TCP), "drain" (drain alice's gateway; another of bj is up), "restart-gateway"
//                 (alice's gateway dies; another of bj takes its place).
//   USERS_SUFFIX  appended to the user names (default: a random one, so runs against one cluster do not collide;
//                 empty on a fresh cluster: alice@bj, bob@sh and #team@bj)
//
// Every line it prints is a step ("STEP ..."), a fact the harness checks ("FACT key value"), a harness request,
// or "PASS" at the very end; a failed check exits 1 with the reason.

import assert from 'node:assert/strict';
import { createInterface } from 'node:readline';
import { chromium } from 'playwright-core';
import axe from 'axe-core';

const CHAT_URL = process.env.CHAT_URL;
assert.ok(CHAT_URL, 'set CHAT_URL, e.g. http://127.0.0.1:8080/chat/');
const SCREENSHOTS = process.env.SCREENSHOTS || null;
const HARNESS = process.env.HARNESS === '1';
const SUFFIX = process.env.USERS_SUFFIX ?? Math.random().toString(36).slice(2, 8);
const PASSWORD = 's3cret-pass';
const WAIT_MS = 20000;
/** As many messages as the harness's "flood" sends: more than the rate limit's burst of 200 frames. */
const FLOOD = 250;

const alice = 'alice' + SUFFIX + '@bj';
const bob = 'bob' + SUFFIX + '@sh';
const team = '#team' + SUFFIX + '@bj';

const stdin = createInterface({ input: process.stdin });
const harnessAnswers = [];
const harnessWaiters = [];
stdin.on('line', (line) => {
  const waiter = harnessWaiters.shift();
  if (waiter) {
    waiter(line);
  } else {
    harnessAnswers.push(line);
  }
});

function step(text) {
  console.log('STEP ' + text);
}

function fact(key, value) {
  console.log('FACT ' + key + ' ' + value);
}

async function harness(action) {
  console.log('HARNESS ' + action);
  const answer = harnessAnswers.shift() || await new Promise((resolve) => harnessWaiters.push(resolve));
  assert.equal(answer, 'ok', 'the harness could not ' + action + ': ' + answer);
}

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage', '--disable-background-networking',
    '--no-first-run', '--disable-quic', '--disable-component-update', '--disable-sync'],
});

let exitCode = 0;
try {
  await run();
  console.log('PASS');
} catch (e) {
  console.log('FAIL ' + (e.stack || e));
  exitCode = 1;
} finally {
  await browser.close();
  stdin.close();
}
process.exit(exitCode);

async function run() {
  // Alice on a desktop-sized window in the light scheme, Bob on a phone-sized one in the dark scheme.
  const desktop = await browser.newContext({ viewport: { width: 1280, height: 800 }, colorScheme: 'light' });
  const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true,
    colorScheme: 'dark' });
  const errors = [];
  // Alice's WebSocket goes through Playwright, which counts her frames and can cut her off the network.
  const wire = { acks: 0, tooMany: 0, refuse: false, server: null };
  const a = await page(desktop, 'alice', errors, (p) => p.routeWebSocket(/\/ws$/, (ws) => {
    if (wire.refuse) {
      ws.close();
      return;
    }
    const server = ws.connectToServer();
    wire.server = server;
    ws.onMessage((frame) => {
      if (String(frame).startsWith('{"op":"ack"')) {
        wire.acks++;
      }
      server.send(frame);
    });
    server.onMessage((frame) => {
      if (String(frame).includes('"code":429')) {
        wire.tooMany++;
      }
      ws.send(frame);
    });
  }));
  const b = await page(phone, 'bob', errors);
  await accessible(a, 'sign-in');
  await accessible(b, 'sign-in-phone-dark');

  step('a wrong password is refused and says so');
  await a.fill('#address', alice);
  await a.fill('#password', 'not-the-password');
  await a.click('#login-button');
  await a.locator('#sign-in-error', { hasText: 'Wrong name or password' }).waitFor({ timeout: WAIT_MS });
  assert.equal(await a.evaluate(() => document.body.dataset.state), 'signed-out');

  step('both register, each in a region of its own');
  await signIn(a, alice, 'register');
  await signIn(b, bob, 'register');
  fact('alice-node', await a.evaluate(() => document.body.dataset.node));
  fact('bob-node', await b.evaluate(() => document.body.dataset.node));

  step('alice writes to bob across regions; bob sees an unread count before he opens it');
  await openConversation(a, bob);
  await send(a, 'hello from Beijing');
  await waitUnread(b, alice, 1);
  await shoot(b, 'chat-phone-list.png');
  await accessible(b, 'list-phone-dark');
  await openConversation(b, alice);
  await waitMessage(b, 'hello from Beijing', 'received');
  await waitUnread(b, alice, 0);

  step('bob answers; alice gets it live');
  await send(b, 'hi from Shanghai');
  await waitMessage(a, 'hi from Shanghai', 'received');
  await shoot(b, 'chat-phone.png');
  await accessible(b, 'conversation-phone-dark');

  step("alice's second tab gets what her first tab sends (SENT)");
  const a2 = await page(desktop, 'alice-tab-2', errors);
  await signIn(a2, alice, 'login');
  await openConversation(a2, bob);
  await waitMessage(a2, 'hi from Shanghai', 'received');
  await send(a, 'sent from tab one');
  await waitMessage(a2, 'sent from tab one', 'sent');
  step('a reload keeps the tab signed in (RESUME) and its conversations');
  await a2.reload();
  await a2.waitForFunction(() => document.body.dataset.state === 'online', null, { timeout: WAIT_MS });
  assert.equal(await a2.textContent('#me'), alice);
  await a2.locator('button[data-conv="' + bob + '"]').waitFor({ timeout: WAIT_MS });
  await a2.close();

  step('a group: alice creates it open, bob joins, both write');
  await newConversation(a, team, 'create', true);
  await newConversation(b, team, 'join');
  await waitEvent(a, 'joined');
  await send(a, 'welcome to the team');
  await waitMessage(b, 'welcome to the team', 'received');
  await send(b, 'glad to be here');
  await waitMessage(a, 'glad to be here', 'received');
  await openConversation(b, alice);
  await send(a, 'news for the team');
  await waitUnread(b, team, 1);
  await openConversation(b, team);
  await waitMessage(b, 'news for the team', 'received');
  await waitUnread(b, team, 0);
  await shoot(a, 'chat-group.png');
  await a.click('#members-button');
  await a.locator('#members li[data-member="' + bob + '"]').waitFor({ timeout: WAIT_MS });
  await accessible(a, 'group-with-members');
  await a.click('#members-button');
  await openConversation(a, bob);
  await openConversation(b, alice);

  if (!HARNESS) {
    await assertNoPageErrors(errors);
    return;
  }

  step("alice's network drops while bob writes " + FLOOD + ' messages: her page catches them up once each, ACKs few');
  const acksBefore = wire.acks;
  wire.refuse = true;
  wire.server.close();
  await a.waitForFunction(() => document.body.dataset.state === 'reconnecting', null, { timeout: WAIT_MS });
  await harness('flood');
  wire.refuse = false;
  await a.waitForFunction(() => document.body.dataset.state === 'online', null, { timeout: 3 * WAIT_MS });
  await waitMessage(a, 'flood ' + (FLOOD - 1), 'received');
  const flood = (await a.locator('#messages li .text').allTextContents()).filter((t) => t.startsWith('flood '));
  assert.deepEqual(flood, Array.from({ length: FLOOD }, (_, i) => 'flood ' + i), 'the flood, in order, once each');
  fact('catch-up-acks', wire.acks - acksBefore);
  assert.ok(wire.acks - acksBefore <= 10, 'ACKs are coalesced: ' + (wire.acks - acksBefore) + ' for ' + FLOOD);
  assert.equal(wire.tooMany, 0, 'no ERR 429 on alice\'s connection');

  step("alice's gateway is drained: her page follows RECONNECT, RESUMEs and SYNCs");
  const before = await a.evaluate(() => document.body.dataset.node);
  await harness('drain');
  // Bob writes while alice moves, alice writes while she is between gateways: each arrives exactly once.
  await send(b, 'written during the drain');
  await a.fill('#composer-text', 'sent while moving');
  await a.press('#composer-text', 'Enter');
  await a.waitForFunction((old) => document.body.dataset.state === 'online'
    && document.body.dataset.node && document.body.dataset.node !== old, before, { timeout: WAIT_MS });
  const after = await a.evaluate(() => document.body.dataset.node);
  fact('alice-moved', before + ' ' + after);
  await waitMessage(a, 'written during the drain', 'received');
  await waitMessage(a, 'sent while moving', 'sent');
  await waitMessage(b, 'sent while moving', 'received');
  await send(b, 'after the drain');
  await waitMessage(a, 'after the drain', 'received');
  await assertOnce(a, ['hello from Beijing', 'hi from Shanghai', 'written during the drain', 'sent while moving',
    'after the drain']);
  await assertOnce(b, ['hello from Beijing', 'hi from Shanghai', 'written during the drain', 'sent while moving',
    'after the drain']);
  await shoot(a, 'chat-desktop.png');

  step("alice's gateway dies: her page reconnects through dispatch, RESUMEs and SYNCs what she missed");
  const moved = await a.evaluate(() => document.body.dataset.node);
  await harness('restart-gateway');
  await send(b, 'written while you were away');
  // Dispatch may name the dead gateway until the coordinator misses its reports: the page backs off and asks again.
  await a.waitForFunction((old) => document.body.dataset.state === 'online'
    && document.body.dataset.node && document.body.dataset.node !== old, moved, { timeout: 3 * WAIT_MS });
  fact('alice-back', moved + ' ' + await a.evaluate(() => document.body.dataset.node));
  await waitMessage(a, 'written while you were away', 'received');
  await send(a, 'back again');
  await waitMessage(b, 'back again', 'received');
  await assertOnce(a, ['written while you were away', 'back again']);
  await assertNoPageErrors(errors);
}

async function page(context, name, errors, prepare) {
  const p = await context.newPage();
  p.on('pageerror', (e) => errors.push(name + ': ' + e.message));
  if (prepare) {
    await prepare(p);
  }
  await p.goto(CHAT_URL);
  return p;
}

async function signIn(p, address, action) {
  await p.fill('#address', address);
  await p.fill('#password', PASSWORD);
  await p.click(action === 'register' ? '#register-button' : '#login-button');
  await p.waitForFunction(() => document.body.dataset.state === 'online', null, { timeout: WAIT_MS })
    .catch(async (e) => {
      throw new Error(address + ' did not get online: ' + await p.textContent('#sign-in-error') + ' / '
        + await p.textContent('#status'), { cause: e });
    });
  assert.equal(await p.textContent('#me'), address);
}

async function openConversation(p, key) {
  const existing = p.locator('button[data-conv="' + key + '"]');
  if (await existing.count() > 0) {
    if (await p.evaluate(() => document.body.dataset.view) === 'conversation'
      && await p.locator('#back').isVisible()) {
      await p.click('#back');
    }
    await existing.click();
  } else {
    await newConversation(p, key, 'open');
  }
  await p.waitForFunction((k) => document.body.dataset.conversation === k, key, { timeout: WAIT_MS });
  assert.equal(await p.textContent('#conversation-title'), key);
}

async function newConversation(p, key, action, open) {
  if (await p.locator('#back').isVisible()) {
    await p.click('#back');
  }
  await p.fill('#new-address', key);
  if (open !== undefined) {
    await p.setChecked('#create-open', open);
  }
  await p.click('#' + action + '-button');
  await p.waitForFunction((k) => document.body.dataset.conversation === k, key, { timeout: WAIT_MS })
    .catch(async (e) => {
      throw new Error(action + ' ' + key + ' failed: ' + await p.textContent('#new-error'), { cause: e });
    });
}

async function send(p, text) {
  await p.fill('#composer-text', text);
  await p.click('#send-button');
  await waitMessage(p, text, 'sent');
}

function messageLocator(p, text, status) {
  return p.locator('#messages li[data-status="' + status + '"]').filter({ has: p.locator('.text', { hasText: text }) });
}

async function waitMessage(p, text, status) {
  await messageLocator(p, text, status).first().waitFor({ timeout: WAIT_MS }).catch(async (e) => {
    throw new Error('"' + text + '" (' + status + ') did not show; the page shows: '
      + await p.locator('#messages').innerText() + ' / ' + await p.textContent('#composer-error'), { cause: e });
  });
}

async function waitEvent(p, words) {
  await p.locator('#messages li.event', { hasText: words }).first().waitFor({ timeout: WAIT_MS });
}

async function waitUnread(p, key, count) {
  await p.waitForFunction(([k, n]) => {
    const button = document.querySelector('button[data-conv="' + k + '"]');
    return button !== null && button.dataset.unread === String(n);
  }, [key, count], { timeout: WAIT_MS });
}

/** Each text shows exactly once in the open conversation: nothing lost, nothing twice. */
async function assertOnce(p, texts) {
  const shown = await p.locator('#messages li .text').allTextContents();
  for (const text of texts) {
    assert.equal(shown.filter((t) => t === text).length, 1, '"' + text + '" shows ' + shown.filter((t) => t === text)
      .length + ' times in ' + JSON.stringify(shown));
  }
}

/** axe-core's WCAG 2.1 A and AA rules find nothing on the page as it is now. */
async function accessible(p, label) {
  await p.evaluate(axe.source);
  const result = await p.evaluate(() => window.axe.run(document,
    { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } }));
  const problems = result.violations.map((v) => v.id + ' (' + v.impact + '): '
    + v.nodes.map((n) => n.target.join(' ') + ' ' + n.failureSummary).join('; '));
  fact('accessible-' + label, result.passes.length + ' rules passed, ' + result.violations.length + ' violated');
  assert.deepEqual(problems, [], label + ': axe-core found violations');
}

async function assertNoPageErrors(errors) {
  assert.deepEqual(errors, [], 'the pages threw');
}

async function shoot(p, name) {
  if (SCREENSHOTS) {
    await p.screenshot({ path: SCREENSHOTS + '/' + name });
  }
}
