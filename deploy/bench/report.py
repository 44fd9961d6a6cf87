#!/usr/bin/env python3
"""Reads the load generator's result files of deploy/bench/bench.sh and reports them.

  report.py half-max FILE    half the best delivery rate of a chat result
  report.py summary DIR      markdown tables with ratios to the peers, and PNG plots (gnuplot) in DIR
"""
import glob
import json
import os
import subprocess
import sys


def load(path):
    with open(path) as f:
        return json.load(f)


def steps(result):
    return result.get('steps', [result])


def best(result):
    """The most answers a second of a result's steps; a fixed-rate step counts at most its offered rate (a window can
    also catch answers to an earlier step's backlog)."""
    return max(step['receivedPerSecond'] if not step.get('rate') else min(step['receivedPerSecond'], step['rate'])
               for step in steps(result))


def lat(step, name):
    return step['latency'][name]


def fmt(n):
    return '{:,}'.format(int(round(n)))


def ratio(a, b):
    return '{:.2f}x'.format(a / b) if b else 'n/a'


def gnuplot(script):
    subprocess.run(['gnuplot'], input=script.encode(), check=True)


def percentile_plot(png, title, curves):
    """curves: (label, [[percentile, ms], ...]); x on a 'nines' scale, y in ms on a log scale."""
    data = []
    plots = []
    for i, (label, points) in enumerate(curves):
        path = '{}.{}.dat'.format(png, i)
        with open(path, 'w') as f:
            for percentile, ms in points:
                if percentile < 100:
                    f.write('{} {}\n'.format(1 / (1 - percentile / 100), max(ms, 0.001)))
        data.append(path)
        plots.append('"{}" using 1:2 with lines lw 2 title "{}"'.format(path, label))
    gnuplot('''set terminal png size 900,540
set output "{png}"
set title "{title}"
set logscale xy
set xlabel "percentile"
set ylabel "latency (ms)"
set xtics ("50%%" 2, "90%%" 10, "99%%" 100, "99.9%%" 1000, "99.99%%" 10000, "99.999%%" 100000)
set grid
set key top left
plot {plots}
'''.format(png=png, title=title, plots=', '.join(plots)))
    for path in data:
        os.remove(path)


def throughput_plot(png, title, curves, unit):
    """curves: (label, [(offered, achieved), ...])."""
    data = []
    plots = []
    top = 0
    for i, (label, points) in enumerate(curves):
        path = '{}.{}.dat'.format(png, i)
        with open(path, 'w') as f:
            for offered, achieved in points:
                f.write('{} {}\n'.format(offered, achieved))
                top = max(top, offered, achieved)
        data.append(path)
        plots.append('"{}" using 1:2 with linespoints lw 2 pt 7 title "{}"'.format(path, label))
    plots.append('x with lines dt 2 lc rgb "gray" title "offered"')
    gnuplot('''set terminal png size 900,540
set output "{png}"
set title "{title}"
set xlabel "offered ({unit}/s)"
set ylabel "achieved ({unit}/s)"
set xrange [0:{top}]
set yrange [0:{top}]
set grid
set key top left
plot {plots}
'''.format(png=png, title=title, unit=unit, top=top * 1.05, plots=', '.join(plots)))
    for path in data:
        os.remove(path)


def echo_section(d, lines):
    labels = [('gateway-echo', 'gateway ECHO'), ('echo-service', 'echo service'),
              ('python-threaded', 'Python threaded echo'), ('vertx-bare', 'bare Vert.x echo')]
    closed = {k: load(p) for k, _ in labels for p in glob.glob(os.path.join(d, 'echo-{}-closed.json'.format(k)))}
    if not closed:
        return
    rates = {k: load(p) for k, _ in labels for p in glob.glob(os.path.join(d, 'echo-{}-rates.json'.format(k)))}
    conns = next(iter(closed.values()))['parameters']['connections']
    top = {k: max(best(closed[k]), best(rates[k]) if k in rates else 0) for k in closed}
    lines += ['## Echo', '',
              '{} connections, 64-byte payloads. Closed loop: each connection sends its next request when the reply '
              'comes ({} requests in flight). Best: the most replies a second of the closed loop and of every '
              'fixed offered rate below (a fixed-rate step counts at most its offered rate); the ratios compare '
              'bests.'.format(conns, conns), '',
              '| server | closed loop replies/s | p50 ms | p99 ms | p99.9 ms | best replies/s | vs Python threaded '
              '| vs bare Vert.x |',
              '|---|---|---|---|---|---|---|---|']
    py = top.get('python-threaded', 0)
    bare = top.get('vertx-bare', 0)
    for key, name in labels:
        if key not in closed:
            continue
        step = steps(closed[key])[0]
        l = lat(step, 'latency')
        lines.append('| {} | {} | {} | {} | {} | {} | {} | {} |'.format(
            name, fmt(step['receivedPerSecond']), l['p50Ms'], l['p99Ms'], l['p999Ms'], fmt(top[key]),
            ratio(top[key], py), ratio(top[key], bare)))
    lines.append('')
    if rates:
        lines += ['Fixed offered rates, the same for every server, spread over the connections (latency from the '
                  'intended send time, so corrected for coordinated omission):', '',
                  '| server | offered/s | replies/s | p50 ms | p99 ms | p99.9 ms | max ms |', '|---|---|---|---|---|---|---|']
        for key, name in labels:
            for step in steps(rates.get(key, {'steps': []})):
                l = lat(step, 'latency')
                lines.append('| {} | {} | {} | {} | {} | {} | {} |'.format(
                    name, fmt(step['rate']), fmt(step['receivedPerSecond']), l['p50Ms'], l['p99Ms'], l['p999Ms'],
                    l['maxMs']))
        lines.append('')
        throughput_plot(os.path.join(d, 'echo-throughput.png'),
                        'Echo: achieved against offered rate ({} connections)'.format(conns),
                        [(name, [(s['rate'], s['receivedPerSecond']) for s in steps(rates[key])])
                         for key, name in labels if key in rates], 'requests')
        # Latency percentiles at half of each server's best: a load every server carries.
        curves = []
        for key, name in labels:
            if key in rates:
                near = min(steps(rates[key]), key=lambda s: abs(s['rate'] - 0.5 * top[key]))
                curves.append(('{} at {}/s'.format(name, fmt(near['rate'])), lat(near, 'latency')['percentiles']))
        if curves:
            percentile_plot(os.path.join(d, 'echo-latency.png'),
                            'Echo latency at half of each server\'s best rate', curves)


def chat_section(d, lines):
    files = {k: os.path.join(d, 'chat-{}.json'.format(k)) for k in ('clusterchat', 'ngircd', 'clusterchat-half')}
    results = {k: load(p) for k, p in files.items() if os.path.exists(p)}
    if 'clusterchat' not in results:
        return
    pairs = results['clusterchat']['parameters']['pairs']
    lines += ['## Chat', '',
              '{} pairs of users, each user sending to its partner; clusterchat across two gateways (bj and sh) with '
              'every message durably stored before its OK; ngircd relaying PRIVMSG between the same number of pairs. '
              'Latency from the intended send time to the partner\'s push.'.format(pairs), '',
              '| server | offered/s | delivered/s | p50 ms | p99 ms | p99.9 ms | undelivered | out of order |',
              '|---|---|---|---|---|---|---|---|']
    for key in ('clusterchat', 'ngircd'):
        for step in steps(results.get(key, {'steps': []})):
            l = lat(step, 'delivery')
            lines.append('| {} | {} | {} | {} | {} | {} | {} | {} |'.format(
                key, fmt(step['rate']), fmt(step['receivedPerSecond']), l['p50Ms'], l['p99Ms'], l['p999Ms'],
                step['undelivered'], step['outOfOrder']))
    lines.append('')
    cc = best(results['clusterchat'])
    if 'ngircd' in results:
        irc = best(results['ngircd'])
        lines.append('Best delivered rate: clusterchat {}/s, ngircd {}/s: **{}** of ngircd.'.format(
            fmt(cc), fmt(irc), ratio(cc, irc)))
    if 'clusterchat-half' in results:
        step = steps(results['clusterchat-half'])[0]
        l = lat(step, 'delivery')
        s = lat(step, 'stored')
        lines.append('At half its best ({}/s offered): delivery p50 {} ms, p99 **{} ms**, p99.9 {} ms; '
                     'sender\'s OK (stored) p99 {} ms; undelivered {}.'.format(
                         fmt(step['rate']), l['p50Ms'], l['p99Ms'], l['p999Ms'], s['p99Ms'], step['undelivered']))
    lines.append('')
    throughput_plot(os.path.join(d, 'chat-throughput.png'),
                    'Chat: delivered against offered rate ({} pairs)'.format(pairs),
                    [(k, [(s['rate'], s['receivedPerSecond']) for s in steps(results[k])])
                     for k in ('clusterchat', 'ngircd') if k in results], 'messages')
    curves = []
    if 'clusterchat-half' in results:
        step = steps(results['clusterchat-half'])[0]
        curves.append(('clusterchat at {}/s'.format(fmt(step['rate'])), lat(step, 'delivery')['percentiles']))
        if 'ngircd' in results:
            near = min(steps(results['ngircd']), key=lambda s: abs(s['rate'] - step['rate']))
            curves.append(('ngircd at {}/s'.format(fmt(near['rate'])), lat(near, 'delivery')['percentiles']))
    if curves:
        percentile_plot(os.path.join(d, 'chat-latency.png'), 'Chat delivery latency', curves)


RELAY_PEERS = [('clusterchat-h2', 'clusterchat (H2)'), ('clusterchat-pg', 'clusterchat (PostgreSQL)'),
               ('ngircd', 'ngircd (flood control off)'), ('jetstream', 'NATS JetStream (file)'),
               ('rabbitmq', 'RabbitMQ (durable, confirms)')]
RELAY_BASES = [('clusterchat-h2', 'H2'), ('clusterchat-pg', 'PG')]


def relay_steps(d, workload):
    """{peer: [steps]} of one relay workload (one, closed, rates, half)."""
    found = {}
    for key, _ in RELAY_PEERS:
        path = os.path.join(d, 'relay-{}-{}.json'.format(key, workload))
        if os.path.exists(path):
            found[key] = steps(load(path))
    return found


def relay_table(lines, results, ratios):
    """One row per peer and step, and for each clusterchat store and each (header, fn) of ratios a column
    fn(clusterchat's step at the same offered rate, the peer's step)."""
    columns = [(base, '{} {}'.format(short, header), fn) for base, short in RELAY_BASES if base in results
               for header, fn in ratios]
    lines += ['| peer | offered/s | delivered/s | p50 ms | p99 ms | p99.9 ms | stored p99 ms | errors | undelivered |'
              + ''.join(' {} |'.format(header) for _, header, _ in columns),
              '|---' * (9 + len(columns)) + '|']
    for key, name in RELAY_PEERS:
        for step in results.get(key, []):
            l = lat(step, 'delivery')
            stored = lat(step, 'stored')['p99Ms'] if lat(step, 'stored')['count'] else '-'
            cells = ''
            for base, _, fn in columns:
                same = [s for s in results[base] if s['rate'] == step['rate']]
                cells += ' {} |'.format(fn(same[0], step) if same else 'n/a')
            lines.append('| {} | {} | {} | {} | {} | {} | {} | {} | {} |{}'.format(
                name, 'closed loop' if not step['rate'] else fmt(step['rate']), fmt(step['receivedPerSecond']),
                l['p50Ms'], l['p99Ms'], l['p999Ms'], stored, step['errors'], step['undelivered'], cells))
    lines.append('')


def p50_ratio(base, step):
    return ratio(lat(base, 'delivery')['p50Ms'], lat(step, 'delivery')['p50Ms'])


def p99_ratio(base, step):
    return ratio(lat(base, 'delivery')['p99Ms'], lat(step, 'delivery')['p99Ms'])


def rate_ratio(base, step):
    return ratio(base['receivedPerSecond'], step['receivedPerSecond'])


def relay_section(d, lines):
    one, closed, rates, half = (relay_steps(d, w) for w in ('one', 'closed', 'rates', 'half'))
    if not (one or closed or rates or half):
        return
    lines += ['## Relay', '',
              'The same `loadgen chat` load for every peer: pairs of users, each sending to its partner; clusterchat '
              'across two gateways with every message durably stored before its OK; ngircd relaying PRIVMSG with its '
              'flood control off; NATS JetStream (file storage, async publish with PubAck, a durable push consumer '
              'per user with explicit acks) and RabbitMQ (a durable queue per user, persistent messages, publisher '
              'confirms, a consumer per user with manual acks). Delivery latency from the send (closed loop) or its '
              'intended time (fixed rates) to the partner\'s receipt; "stored" from the same time to the relay\'s '
              'acknowledgement of storage (clusterchat\'s OK SEND, the PubAck, the confirm). Ratios are '
              'clusterchat\'s number over the peer\'s: for delivered/s above 1 is clusterchat faster, for p99 below '
              '1 is clusterchat quicker.', '']
    if one:
        lines += ['### One message across gateways, idle relay (1 pair, closed loop)', '']
        relay_table(lines, one, [('p50 ratio', p50_ratio), ('p99 ratio', p99_ratio)])
    if closed:
        lines += ['### {} pairs, closed loop (one message in flight per pair)'.format(load_pairs(d)), '']
        relay_table(lines, closed, [('delivered/s ratio', rate_ratio)])
    if rates:
        lines += ['### Fixed offered rates, the same for every peer', '']
        relay_table(lines, rates, [('p99 ratio', p99_ratio)])
    if half:
        lines += ['### At half of clusterchat\'s (H2) closed-loop best, every peer', '']
        relay_table(lines, half, [('p99 ratio', p99_ratio)])


def load_pairs(d):
    for key, _ in RELAY_PEERS:
        path = os.path.join(d, 'relay-{}-closed.json'.format(key))
        if os.path.exists(path):
            return load(path)['parameters']['pairs']
    return '?'


def density_section(d, lines):
    server = os.path.join(d, 'density-server.json')
    if not os.path.exists(server):
        return
    s = load(server)
    n = s['connections']
    heap = (s['heapAfter'] - s['heapBefore']) / n
    native = (s['rssAfter'] - s['rssBefore']) / n
    lines += ['## Density', '',
              '| connections held | heap after GC per connection | native (RSS growth, heap pre-touched) per '
              'connection | total per connection | open files |', '|---|---|---|---|---|',
              '| {} | {:.0f} B | {:.0f} B | **{:.0f} B** | {} |'.format(
                  fmt(n), heap, native, heap + native, fmt(s['openFiles'])), '']
    gen = os.path.join(d, 'density-connections.json')
    if os.path.exists(gen):
        g = load(gen)
        lines.append('Load generator: {} of {} established in {:.1f} s ({} failed), {} dropped while holding, '
                     'resume p99 {} ms.'.format(fmt(g['established']), fmt(g['requested']), g['rampSeconds'],
                                                g['failed'], g['droppedWhileHolding'],
                                                lat(g, 'resume')['p99Ms']))
        lines.append('')


def login_section(d, lines):
    rows = []
    for kind in ('login', 'resume'):
        path = os.path.join(d, 'login-{}.json'.format(kind))
        if os.path.exists(path):
            r = load(path)
            l = lat(r, 'session')
            rows.append('| {} | {} | {} | {} | {} | {} |'.format(
                kind.upper(), r['parameters']['concurrency'], fmt(r['receivedPerSecond']), l['p50Ms'], l['p99Ms'],
                r['errors']))
    if rows:
        lines += ['## Login', '', '| request | workers | sessions/s | p50 ms | p99 ms | errors |',
                  '|---|---|---|---|---|---|'] + rows + ['']


def summary(d):
    lines = ['# Benchmark results', '']
    for section in (echo_section, chat_section, relay_section, density_section, login_section):
        section(d, lines)
    store = os.path.join(d, 'store.txt')
    if os.path.exists(store):
        with open(store) as f:
            lines += ['## Store', '', '```'] + f.read().rstrip().splitlines() + ['```', '']
    print('\n'.join(lines))


def main():
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    command, arg = sys.argv[1], sys.argv[2]
    if command == 'half-max':
        print(int(best(load(arg)) / 2))
    elif command == 'summary':
        summary(arg)
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main()
