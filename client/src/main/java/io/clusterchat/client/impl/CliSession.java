package io.clusterchat.client.impl;

import io.clusterchat.client.ChatClient;
import io.clusterchat.client.ChatEvent;
import io.clusterchat.client.ChatEvent.MessageReceived;
import io.clusterchat.client.ChatException;
import io.clusterchat.client.GroupSummary;
import io.clusterchat.client.GroupSyncResult;
import io.clusterchat.client.HistoryItem;
import io.clusterchat.client.Joined;
import io.clusterchat.client.MemberPage;
import io.clusterchat.client.Presence;
import io.clusterchat.client.Sent;
import io.clusterchat.client.Session;
import io.clusterchat.client.SyncResult;
import io.clusterchat.protocol.GroupAddress;
import io.clusterchat.protocol.GroupMode;
import io.vertx.core.Future;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * The interactive chat: reads command lines from a {@link Console}, runs them on a {@link ChatClient} (waiting for
 * each reply on the reading thread, never on an event loop) and prints the client's events as they come.
 */
public final class CliSession {

  static final String HELP = String.join("\n",
      "  <text>                       send <text> to the current peer (set it with /to)",
      "  /to <user>                   set the current peer: name (this region) or name@region",
      "  /to #<group>                 make a group the current peer: #name (this region) or #name@region",
      "  /send <to> <text>            send <text> to a user or a #group",
      "  /login <user> <password>     log in",
      "  /register <name> <password>  register a user in this gateway's region",
      "  /sync [<after> [<limit>]]    list inbox messages (default: after the acknowledged cursor)",
      "  /sync #<group> [<after> [<limit>]]  list a group's messages and events (default: after your read cursor)",
      "  /ack <seq>                   acknowledge the inbox up to <seq>",
      "  /ack #<group> <seq>          mark a group read up to <seq>",
      "  /history <peer> [<limit>]    the conversation with <peer> (a user or a #group), oldest first",
      "  /create #<group> [open|invite]  create a group, invite-only unless open; you are its owner",
      "  /join #<group>               join an open group, or one you were invited to",
      "  /invite #<group> <user>      invite <user> into a group",
      "  /leave #<group>              leave a group",
      "  /remove #<group> <user>      remove <user> from a group (its owner only)",
      "  /members #<group> [<offset> [<limit>]]  a group's members, in joining order",
      "  /groups                      your groups, with their unread counts",
      "  /who <user>                  is <user> online, and where",
      "  /ping                        round trip to the gateway",
      "  /help                        this list",
      "  /quit                        leave (so does the end of input)");

  /** Events waiting to be printed; past this the oldest are dropped rather than block the client's event loop. */
  /** A slash command, its first argument, and the rest of the line. */
  private static final int COMMAND_WORDS = 3;
  private static final String INVITE_USAGE = "/invite #<group> <user>";
  private static final String REMOVE_USAGE = "/remove #<group> <user>";
  private static final String MEMBERS_USAGE = "/members #<group> [<offset> [<limit>]]";
  private static final String GROUP_SYNC_USAGE = "/sync #<group> [<after> [<limit>]]";
  private static final int MAX_QUEUED_EVENTS = 1000;
  private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss", Locale.ROOT)
      .withZone(ZoneId.systemDefault());
  /** Beyond the client's own request timeout, so the client's timeout (with its clear message) comes first. */
  private static final long AWAIT_MARGIN_MILLIS = 2_000;

  private final ChatClient client;
  private final Console console;
  private final long awaitMillis;
  private final ExecutorService printer;
  private String peer;
  private boolean quit;

  public CliSession(ChatClient client, Console console, long requestTimeoutMillis) {
    this.client = client;
    this.console = console;
    this.awaitMillis = requestTimeoutMillis + AWAIT_MARGIN_MILLIS;
    this.printer = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
        new LinkedBlockingQueue<>(MAX_QUEUED_EVENTS), runnable -> {
          Thread thread = new Thread(runnable, "clusterchat-cli-printer");
          thread.setDaemon(true);
          return thread;
        }, new ThreadPoolExecutor.DiscardOldestPolicy());
    client.eventHandler(event -> printer.execute(() -> console.println(describe(event))));
  }

  /** Connects, offers to log in, then runs commands until /quit or the end of input; returns the exit code. */
  public int run() {
    try {
      await(client.connect());
    } catch (ChatException e) {
      console.println("cannot connect: " + e.getMessage());
      return 1;
    }
    console.println("connected to " + client.nodeId() + " (region " + client.region() + "); /help lists commands");
    if (console.interactive()) {
      promptLogin();
    }
    String line;
    while (!quit && (line = console.readLine(prompt())) != null) {
      execute(line.strip());
    }
    shutdown();
    return 0;
  }

  /** Asks for a login until one works, the user skips it, or quits; {@code /register} may come first. */
  private void promptLogin() {
    while (!quit && client.session() == null) {
      String user = console.readLine("log in as (name or name@region; /register <name> <password>; empty to skip): ");
      if (user == null) {
        quit = true;
      } else if (user.isBlank()) {
        return;
      } else if (user.strip().startsWith("/")) {
        execute(user.strip());
      } else {
        String password = console.readPassword("password: ");
        if (password == null) {
          quit = true;
        } else {
          execute("/login " + user.strip() + " " + password);
        }
      }
    }
  }

  private String prompt() {
    return peer == null ? "> " : "[" + peer + "]> ";
  }

  /** Runs one command line; failures are printed, never thrown. */
  void execute(String line) {
    if (line.isEmpty()) {
      return;
    }
    try {
      if (line.startsWith("/")) {
        command(line);
      } else if (peer == null) {
        console.println("no peer: set one with /to <user>, or use /send <to> <text>");
      } else {
        send(peer, line);
      }
    } catch (ChatException e) {
      console.println("error " + e.code() + ": " + e.reason());
    } catch (IllegalArgumentException e) {
      console.println(e.getMessage());
    }
  }

  private void command(String line) {
    String[] words = line.split(" +", COMMAND_WORDS);
    String name = words[0].toLowerCase(Locale.ROOT);
    switch (name) {
      case "/to" -> peer = arg(words, 1, "/to <user>");
      case "/send" -> send(arg(words, 1, "/send <to> <text>"), arg(words, 2, "/send <to> <text>"));
      case "/login" -> login(arg(words, 1, "/login <user> <password>"), arg(words, 2, "/login <user> <password>"));
      case "/register" -> register(arg(words, 1, "/register <name> <password>"),
          arg(words, 2, "/register <name> <password>"));
      case "/sync" -> sync(words);
      case "/ack" -> ack(words);
      case "/create" -> create(words);
      case "/join" -> join(groupArg(words, "/join #<group>"));
      case "/invite" -> invite(groupArg(words, INVITE_USAGE), arg(words, 2, INVITE_USAGE));
      case "/leave" -> leave(groupArg(words, "/leave #<group>"));
      case "/remove" -> remove(groupArg(words, REMOVE_USAGE), arg(words, 2, REMOVE_USAGE));
      case "/members" -> members(words);
      case "/groups" -> groups();
      case "/history" -> history(arg(words, 1, "/history <peer> [<limit>]"), words);
      case "/who" -> who(arg(words, 1, "/who <user>"));
      case "/ping" -> console.println("pong in " + await(client.ping()) + " ms");
      case "/help" -> console.println(HELP);
      case "/quit" -> quit = true;
      default -> console.println("unknown command " + name + "; /help lists commands");
    }
  }

  private void login(String user, String password) {
    Session session = await(client.login(user, password));
    console.println("logged in as " + session.address() + ", " + session.unread() + " unread");
    if (session.unread() > 0) {
      printSync(await(client.sync(null, null)));
    }
    catchUpGroups();
  }

  /** After a login: what the user's groups hold unread, as the inbox's unread messages are shown. */
  private void catchUpGroups() {
    List<GroupSummary> groups;
    try {
      groups = await(client.groups());
    } catch (ChatException e) {
      // A cluster without groups (or one that is busy): the login stands; /groups tells more.
      return;
    }
    for (GroupSummary group : groups) {
      if (group.unread() > 0) {
        console.println(group.group() + ": " + group.unread() + " unread");
        printGroupSync(group.group(), await(client.sync(group.group(), null, null)));
      }
    }
  }

  private void register(String name, String password) {
    console.println("registered " + await(client.register(name, password)) + "; now /login");
  }

  private void send(String to, String text) {
    Sent sent = await(client.send(to, text));
    console.println("sent " + sent.msg() + " at " + TIME.format(Instant.ofEpochMilli(sent.ts())));
  }

  private void sync(String[] words) {
    if (words.length > 1 && GroupAddress.isGroup(words[1])) {
      String[] rest = words.length > 2 ? words[2].strip().split(" +") : new String[0];
      Long after = rest.length > 0 ? number(rest[0], GROUP_SYNC_USAGE) : null;
      Integer limit = rest.length > 1 ? (int) number(rest[1], GROUP_SYNC_USAGE) : null;
      if (rest.length > 2) {
        throw new IllegalArgumentException("usage: " + GROUP_SYNC_USAGE);
      }
      printGroupSync(words[1], await(client.sync(words[1], after, limit)));
      return;
    }
    String usage = "/sync [<after> [<limit>]]";
    Long after = words.length > 1 ? number(words[1], usage) : null;
    Integer limit = words.length > 2 ? (int) number(words[2].strip(), usage) : null;
    printSync(await(client.sync(after, limit)));
  }

  private void printSync(SyncResult result) {
    result.messages().forEach(message -> console.println(describe(message)));
    console.println(result.messages().size() + " message(s), latest #" + result.latest()
        + (result.messages().isEmpty() ? "" : "; /ack " + result.messages().get(result.messages().size() - 1).seq()
        + " to mark them read"));
  }

  private void printGroupSync(String group, GroupSyncResult result) {
    List<ChatEvent.GroupEntry> entries = result.entries();
    entries.forEach(entry -> console.println(describe(entry)));
    console.println(entries.size() + " item(s) in " + group + ", latest #" + result.latest()
        + (entries.isEmpty() ? "" : "; /ack " + group + " " + entries.get(entries.size() - 1).seq()
        + " to mark them read"));
  }

  private void ack(String[] words) {
    if (words.length > 1 && GroupAddress.isGroup(words[1])) {
      long value = number(arg(words, 2, "/ack #<group> <seq>"), "/ack #<group> <seq>");
      await(client.ack(words[1], value));
      console.println("acknowledged " + words[1] + " up to #" + value);
      return;
    }
    long value = number(arg(words, 1, "/ack <seq>"), "/ack <seq>");
    await(client.ack(value));
    console.println("acknowledged up to #" + value);
  }

  // ---- groups ----

  private void create(String[] words) {
    String usage = "/create #<group> [open|invite]";
    String group = groupArg(words, usage);
    GroupMode mode = null;
    if (words.length > 2) {
      mode = GroupMode.of(words[2].strip());
      if (mode == null) {
        throw new IllegalArgumentException("usage: " + usage);
      }
    }
    String created = await(client.createGroup(group, mode));
    console.println("created " + created + (mode == null ? "" : " (" + mode.wireName() + ")"));
  }

  private void join(String group) {
    Joined joined = await(client.join(group));
    console.println("joined " + joined.group() + "; /to " + joined.group() + " to talk there");
  }

  private void invite(String group, String user) {
    console.println("invited " + await(client.invite(group, user)) + " to " + group);
  }

  private void leave(String group) {
    await(client.leave(group));
    if (group.equals(peer)) {
      peer = null;
    }
    console.println("left " + group);
  }

  private void remove(String group, String user) {
    console.println("removed " + await(client.remove(group, user)) + " from " + group);
  }

  private void members(String[] words) {
    String group = groupArg(words, MEMBERS_USAGE);
    String[] rest = words.length > 2 ? words[2].strip().split(" +") : new String[0];
    if (rest.length > 2) {
      throw new IllegalArgumentException("usage: " + MEMBERS_USAGE);
    }
    Integer offset = rest.length > 0 ? (int) number(rest[0], MEMBERS_USAGE) : null;
    Integer limit = rest.length > 1 ? (int) number(rest[1], MEMBERS_USAGE) : null;
    MemberPage page = await(client.members(group, offset, limit));
    page.members().forEach(member -> console.println("  " + member.address()
        + (member.isOwner() ? " (owner)" : "")));
    console.println(page.members().size() + " of " + page.total() + " member(s) of " + group);
  }

  private void groups() {
    List<GroupSummary> groups = await(client.groups());
    groups.forEach(group -> console.println("  " + group.group() + ": " + group.unread() + " unread, "
        + group.members() + " member(s), latest #" + group.latest() + ", read #" + group.read()));
    console.println(groups.size() + " group(s)");
  }

  private void history(String with, String[] words) {
    Integer limit = words.length > 2 ? (int) number(words[2].strip(), "/history <peer> [<limit>]") : null;
    List<HistoryItem> items = await(client.history(with, limit));
    items.forEach(item -> console.println("[" + TIME.format(Instant.ofEpochMilli(item.ts())) + "] " + item.from()
        + " -> " + item.to() + ": " + item.text()));
    console.println(items.size() + " message(s)");
  }

  private void who(String user) {
    Presence presence = await(client.who(user));
    console.println(presence.address() + (presence.online()
        ? " is online in " + String.join(",", presence.regions()) : " is offline"));
  }

  private void shutdown() {
    try {
      await(client.close());
    } catch (ChatException e) {
      // Leaving anyway: the server may already be gone.
    }
    printer.shutdown();
    try {
      printer.awaitTermination(1, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    console.println("bye");
  }

  /** How an event is shown. */
  static String describe(ChatEvent event) {
    if (event instanceof MessageReceived message) {
      return "[#" + message.seq() + " " + TIME.format(Instant.ofEpochMilli(message.ts())) + "] " + message.from()
          + ": " + message.text();
    } else if (event instanceof ChatEvent.GroupMessage message) {
      return "[" + message.group() + "] " + message.from() + ": " + message.text();
    } else if (event instanceof ChatEvent.MembershipChange change) {
      return "[" + change.group() + "] * " + describeChange(change);
    } else if (event instanceof ChatEvent.SentElsewhere sent) {
      return "[you -> " + sent.to() + "] " + sent.text();
    } else if (event instanceof ChatEvent.Notice notice) {
      return "*** notice: " + notice.text();
    } else if (event instanceof ChatEvent.Reconnect move) {
      return "*** moving to " + move.host() + ":" + move.port();
    } else if (event instanceof ChatEvent.Bye bye) {
      return "*** server says bye: " + bye.reason();
    } else if (event instanceof ChatEvent.Disconnected lost) {
      return "*** disconnected (" + (lost.cause() == null ? "closed" : lost.cause().getMessage()) + ")"
          + (lost.reconnecting() ? ", reconnecting..." : "");
    } else if (event instanceof ChatEvent.Reconnected back) {
      return "*** reconnected to " + back.host() + ":" + back.port()
          + (back.address() == null ? "" : " as " + back.address());
    }
    return "*** " + event;
  }

  /** A membership change in words: {@code bob@bj was invited by alice@bj}. */
  static String describeChange(ChatEvent.MembershipChange change) {
    boolean self = change.by() == null || change.by().equals(change.user());
    return switch (change.event()) {
      case ChatEvent.MembershipChange.CREATE -> change.user() + " created the group";
      case ChatEvent.MembershipChange.JOIN -> change.user() + " joined" + (self ? "" : " (by " + change.by() + ")");
      case ChatEvent.MembershipChange.INVITE -> change.user() + " was invited by " + change.by();
      case ChatEvent.MembershipChange.LEAVE -> change.user() + " left";
      case ChatEvent.MembershipChange.REMOVE -> change.user() + " was removed by " + change.by();
      default -> change.user() + ": " + change.event() + " by " + change.by();
    };
  }

  /**
   * The group a group command names: its first argument, {@code #} added when left out (only a group can be
   * meant there, as the protocol allows).
   */
  private static String groupArg(String[] words, String usage) {
    String group = arg(words, 1, usage);
    return GroupAddress.isGroup(group) ? group : GroupAddress.MARK + group;
  }

  private static String arg(String[] words, int index, String usage) {
    if (words.length <= index || words[index].isBlank()) {
      throw new IllegalArgumentException("usage: " + usage);
    }
    return words[index].strip();
  }

  private static long number(String word, String usage) {
    try {
      return Long.parseLong(word);
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("usage: " + usage);
    }
  }

  /** Waits on the reading thread (never an event loop) for a reply; failures come out as ChatException. */
  private <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(awaitMillis, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof ChatException chat ? chat
          : new ChatException(ChatException.PROTOCOL, String.valueOf(e.getCause()));
    } catch (TimeoutException e) {
      throw new ChatException(ChatException.TIMEOUT, "no answer in " + awaitMillis + " ms");
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new ChatException(ChatException.CLOSED, "interrupted");
    }
  }
}
