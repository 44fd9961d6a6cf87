#!/usr/bin/env python3
"""The latency budget of one SEND, hop by hop, from the cluster's own metrics around a load generator run.

  budget.py snapshot URL [URL ...] > before.json     Prometheus /metrics of the nodes, summed per series
  budget.py table LABEL before.json after.json loadgen.json
                                                     a Markdown table: the means of each hop during the run

Each hop is the mean over the run (a Prometheus timer's sum over its count, differenced between the snapshots);
the client's ends (OK SEND, the partner's MSG) come from the generator's JSON, mean and p50.
"""
import json
import re
import sys
import urllib.request

SERIES = re.compile(r'^(\w+)(?:\{(.*)\})?\s+(\S+)$')
LABEL = re.compile(r'(\w+)="((?:[^"\\]|\\.)*)"')
CACHE = 'clusterchat_gateway_session_cache_total'


def snapshot(urls):
    """Sums every _sum and _count series over the nodes, by metric name and address (the other labels dropped)."""
    totals = {}
    for url in urls:
        with urllib.request.urlopen(url, timeout=10) as response:
            text = response.read().decode()
        for line in text.splitlines():
            match = SERIES.match(line)
            if not match:
                continue
            name = match.group(1)
            labels = dict(LABEL.findall(match.group(2) or ''))
            if name == CACHE:
                key = name + '|' + labels.get('outcome', '')
            elif name.endswith('_sum') or name.endswith('_count'):
                if labels.get('outcome', 'success') != 'success':
                    continue
                key = name + '|' + labels.get('address', '')
            else:
                continue
            totals[key] = totals.get(key, 0.0) + float(match.group(3))
    return totals


def mean_ms(before, after, name, address=''):
    """The mean in ms of a timer over the run, or None when it recorded nothing."""
    total = after.get(f'{name}_sum|{address}', 0.0) - before.get(f'{name}_sum|{address}', 0.0)
    count = after.get(f'{name}_count|{address}', 0.0) - before.get(f'{name}_count|{address}', 0.0)
    return (total / count * 1000.0, int(count)) if count > 0 else (None, 0)


def table(label, before, after, run):
    step = run['steps'][0]
    delivery = step['latency']['delivery']
    stored = step['latency']['stored']
    append, appends = mean_ms(before, after, 'clusterchat_bus_request_seconds', 'store.message.append')
    wait, _ = mean_ms(before, after, 'clusterchat_store_append_wait_seconds')
    commit, commits = mean_ms(before, after, 'clusterchat_store_commit_seconds')
    sync, _ = mean_ms(before, after, 'clusterchat_store_sync_seconds')
    lookup, lookups = mean_ms(before, after, 'clusterchat_bus_request_seconds', 'session.lookup')
    hits = after.get(CACHE + '|hit', 0.0) - before.get(CACHE + '|hit', 0.0)

    def cell(value):
        return '-' if value is None else f'{value:.2f}'

    rows = [
        ('client: SEND to OK SEND (stored), mean / p50', f"{stored['meanMs']:.2f} / {stored['p50Ms']:.2f}"),
        ('gateway: store.message.append request, mean', cell(append)),
        ('  store: wait for the writer', cell(wait)),
        ('  store: group commit (insert, fence, commit, sync)', cell(commit)),
        ('    of which the sync (H2 CHECKPOINT SYNC; in the commit on PostgreSQL)', cell(sync)),
        ('  event bus both ways, routing, decoding (the rest of the request)',
         cell(None if append is None or wait is None or commit is None else append - wait - commit)),
        ('gateway: session.lookup after the commit, mean over lookups', cell(lookup)),
        ('client: SEND to the partner\'s MSG (delivery), mean / p50',
         f"{delivery['meanMs']:.2f} / {delivery['p50Ms']:.2f}"),
    ]
    out = [f'| {label}: hop | ms |', '|---|---|']
    out += [f'| {name} | {value} |' for name, value in rows]
    out.append('')
    out.append(f'{appends} appends in {commits} group commits; {lookups} session lookups'
               + (f' ({int(hits)} pushes from the session cache in all)' if hits else '') + '.')
    return '\n'.join(out)


def main(argv):
    if len(argv) >= 3 and argv[1] == 'snapshot':
        json.dump(snapshot(argv[2:]), sys.stdout)
    elif len(argv) == 6 and argv[1] == 'table':
        with open(argv[3]) as b, open(argv[4]) as a, open(argv[5]) as r:
            print(table(argv[2], json.load(b), json.load(a), json.load(r)))
    else:
        sys.exit(__doc__)


if __name__ == '__main__':
    main(sys.argv)
