// One session with a gateway over WebSocket, in PROTOCOL.md's JSON spelling: finds the gateway by dispatch,
// correlates replies with requests by "id", keeps the connection alive with PING, and on a drop or a RECONNECT
// opens a new connection (to the RECONNECT's URL, or dispatch again) and hands it to the app to RESUME and SYNC.
// No UI here: app.js listens to the events.

/** How long a request may wait for its final reply; a gateway answers every request (503 at worst). */
const REQUEST_TIMEOUT_MS = 15000;
/** PROTOCOL.md: clients send PING every 30 to 60 s (the idle timeout is 120 s). */
const PING_EVERY_MS = 30000;
/** Waiting for the HELLO that every gateway sends on accept. */
const HELLO_TIMEOUT_MS = 10000;
/** Reconnect backoff: 0.5 s doubling up to 15 s, with jitter, so a drained region is not hit at once. */
const BACKOFF_FIRST_MS = 500;
const BACKOFF_MAX_MS = 15000;
/** BYE reasons after which reconnecting by ourselves would be wrong: an operator or the rate limiter closed us. */
const FINAL_BYES = new Set(['kicked', 'abuse']);
/** Streamed reply items that belong to the request at the head of the queue (they are never pushed). */
const STREAMED_ITEMS = { hist: 'history', group: 'groups', member: 'members' };

function sameScheme(url, current) {
  try {
    return new URL(url).protocol === new URL(current).protocol;
  } catch (e) {
    return false;
  }
}

export class GatewayError extends Error {
  constructor(code, message) {
    super(message);
    this.code = code;
  }
}

export class Connection extends EventTarget {
  /** @param region the region whose gateways to use (dispatch asks the coordinator that served this page) */
  constructor(region) {
    super();
    this.region = region;
    this.socket = null;
    this.node = null;
    this.pending = [];
    this.nextId = 1;
    this.closedByUs = false;
    this.retries = 0;
    this.redirect = null;
    this.pingTimer = null;
    this.retryTimer = null;
  }

  /** Opens the first connection; resolves once the gateway said HELLO. */
  async open() {
    this.closedByUs = false;
    await this.connect(await this.dispatch());
  }

  /** Ends the session for good (sign out): QUIT if we can, then close, and never reconnect. */
  close() {
    this.closedByUs = true;
    clearTimeout(this.retryTimer);
    clearInterval(this.pingTimer);
    const socket = this.socket;
    if (socket && this.online) {
      this.request({ op: 'quit' }).catch(() => {});
      setTimeout(() => socket.close(), 500);
    } else if (socket) {
      // Still connecting (a reconnect in progress): close it as it is.
      socket.close();
    }
  }

  /** The session is whole again (RESUME and catch-up done): the next drop starts the backoff from the bottom. */
  settled() {
    this.retries = 0;
  }

  get online() {
    return this.socket !== null && this.socket.readyState === WebSocket.OPEN && this.node !== null;
  }

  /**
   * Sends one request; resolves with { reply, items } (items: the HIST, GROUP or MEMBER objects of a streamed reply),
   * rejects with a GatewayError for ERR, or an Error when the connection is gone before the reply.
   * @param frame the JSON request without "id", or with one (a SEND's idempotency key)
   */
  request(frame) {
    if (!this.online) {
      return Promise.reject(new Error('not connected'));
    }
    const id = frame.id || 'r' + this.nextId++;
    return new Promise((resolve, reject) => {
      const entry = { id, op: frame.op, items: [], resolve, reject };
      entry.timer = setTimeout(() => {
        // A reply that does not come means the link is dead or stuck: start over on a new connection.
        reject(new Error('no reply within ' + REQUEST_TIMEOUT_MS / 1000 + ' s'));
        this.drop('request timeout');
      }, REQUEST_TIMEOUT_MS);
      this.pending.push(entry);
      this.socket.send(JSON.stringify({ ...frame, id }));
    });
  }

  async dispatch() {
    const response = await fetch('/api/dispatch?region=' + encodeURIComponent(this.region),
      { cache: 'no-store' });
    const body = await response.json().catch(() => ({}));
    if (!response.ok) {
      throw new GatewayError(response.status, body.error || 'dispatch answered ' + response.status);
    }
    if (!body.wsUrl) {
      throw new GatewayError(503, 'gateway ' + body.node + ' of region ' + this.region + ' offers no WebSocket');
    }
    return body.wsUrl;
  }

  connect(url) {
    return new Promise((resolve, reject) => {
      let socket;
      try {
        socket = new WebSocket(url);
      } catch (e) {
        reject(e);
        return;
      }
      this.socket = socket;
      this.node = null;
      let established = false;
      const helloTimer = setTimeout(() => {
        reject(new Error('no HELLO from ' + url));
        socket.close();
      }, HELLO_TIMEOUT_MS);
      socket.onmessage = (event) => {
        if (this.node === null) {
          // HELLO clusterchat/1 <region> <node-id>: the one text frame we get before our first request.
          const hello = String(event.data).split(' ');
          if (hello[0] !== 'HELLO') {
            clearTimeout(helloTimer);
            reject(new Error('expected HELLO, got ' + event.data));
            socket.close();
            return;
          }
          clearTimeout(helloTimer);
          established = true;
          this.node = hello[3];
          this.gatewayRegion = hello[2];
          this.startPinging();
          resolve();
          return;
        }
        this.receive(event.data);
      };
      socket.onclose = () => {
        clearTimeout(helloTimer);
        if (this.socket !== socket) {
          return;
        }
        if (established) {
          this.lost();
        } else {
          this.socket = null;
          reject(new Error('could not connect to ' + url));
        }
      };
    });
  }

  receive(data) {
    let frame;
    try {
      frame = JSON.parse(data);
    } catch (e) {
      // Before our first request pushes come in text; we always send JSON first, so this is a gateway bug.
      this.emit('notice', { text: String(data) });
      return;
    }
    const head = this.pending[0];
    // Replies come in request order. An ERR without an id answers the head request too: the gateway could not read
    // that request (a frame too long, or not JSON), so it could not repeat its id.
    const answersHead = head && (frame.id === head.id || (frame.op === 'err' && frame.id === undefined));
    if (answersHead) {
      this.pending.shift();
      clearTimeout(head.timer);
      if (frame.op === 'err') {
        head.reject(new GatewayError(frame.code, frame.error));
      } else {
        head.resolve({ reply: frame, items: head.items });
      }
      return;
    }
    if (STREAMED_ITEMS[frame.op] && head && head.op === STREAMED_ITEMS[frame.op]) {
      head.items.push(frame);
      return;
    }
    if (frame.op === 'reconnect') {
      // A drain: the gateway names where to go (on WebSocket with its URL); its BYE drain and close follow. Only a
      // URL of the same scheme is followed: a page on wss:// never moves its session (and token) to plain ws://.
      this.redirect = frame.url && sameScheme(frame.url, this.socket.url) ? frame.url : null;
    }
    // msg, gmsg, gevent, sent, notice, reconnect, bye; and SYNC's msg/gmsg/gevent items, the same objects.
    this.emit(frame.op, frame);
    if (frame.op === 'bye') {
      this.lastBye = frame.reason;
    }
  }

  startPinging() {
    clearInterval(this.pingTimer);
    this.pingTimer = setInterval(() => {
      this.request({ op: 'ping' }).catch(() => {});
    }, PING_EVERY_MS);
  }

  /** Closes the current socket; its close event starts the reconnect. */
  drop(reason) {
    if (this.socket) {
      this.dropReason = reason;
      this.socket.close();
    }
  }

  lost() {
    clearInterval(this.pingTimer);
    const failed = this.pending;
    this.pending = [];
    for (const entry of failed) {
      clearTimeout(entry.timer);
      entry.reject(new Error('connection lost'));
    }
    this.socket = null;
    this.node = null;
    const bye = this.lastBye;
    this.lastBye = null;
    if (this.closedByUs) {
      this.emit('closed', { reason: 'signed out' });
      return;
    }
    if (FINAL_BYES.has(bye)) {
      this.emit('closed', { reason: bye });
      return;
    }
    this.emit('offline', { reason: bye || this.dropReason || 'connection lost' });
    this.dropReason = null;
    this.scheduleReconnect();
  }

  scheduleReconnect() {
    // A RECONNECT target is taken at once; otherwise back off before asking dispatch again.
    const target = this.redirect;
    this.redirect = null;
    const delay = target ? 0 : Math.min(BACKOFF_MAX_MS, BACKOFF_FIRST_MS * 2 ** this.retries) * (0.5 + Math.random());
    this.retries++;
    this.retryTimer = setTimeout(async () => {
      if (this.closedByUs) {
        return;
      }
      try {
        await this.connect(target || await this.dispatch());
        if (this.closedByUs) {
          // Signed out while this connection was being made.
          this.socket.close();
          return;
        }
        this.emit('online', { node: this.node, moved: target !== null });
      } catch (e) {
        if (!this.closedByUs && !this.online) {
          this.emit('offline', { reason: e.message });
          this.scheduleReconnect();
        }
      }
    }, delay);
  }

  emit(type, detail) {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }
}
