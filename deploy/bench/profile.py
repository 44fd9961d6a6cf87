#!/usr/bin/env python3
"""Where the CPU went: async-profiler's collapsed stacks of several JVMs, as one Markdown table.

  profile.py LABEL profile-LABEL-NODE.collapsed [...]

Each sample counts once, for the first category (in the order below) that any frame of its stack falls in; the
columns are each node's share of all samples of all nodes (the CPU the cluster spent), and the node's own split.
"""
import collections
import os
import re
import sys

# First match wins: JIT and GC threads first, then the costs a request's own stack carries, outermost last.
CATEGORIES = [
    ('JIT compiler threads', ['CompileBroker', 'C2Compiler', 'C1Compiler', 'Compile::']),
    ('garbage collector', ['GCTaskThread', 'G1', 'SerialHeap', 'ParallelGC', 'WorkerThread::run', 'VM_GC',
                           'ConcurrentGCThread']),
    ('TLS (SSL engine, crypto)', ['sun/security/ssl', 'com/sun/crypto', 'sun/security/provider', 'javax/crypto',
                                  'handler/ssl', 'tcnative', 'libcrypto', 'boringssl', 'SSL_']),
    ('JSON (Jackson, JsonObject)', ['com/fasterxml/jackson', 'io/vertx/core/json']),
    ('H2 database', ['org/h2/']),
    ('PostgreSQL driver', ['org/postgresql']),
    ('metrics (Micrometer)', ['io/micrometer', 'io/vertx/micrometer']),
    ('Hazelcast', ['com/hazelcast']),
    ('password hashing', ['org/bouncycastle']),
    ('logging', ['ch/qos/logback']),
    ('event bus (Vert.x)', ['io/vertx/core/eventbus']),
    ('socket I/O (Netty, kernel)', ['io/netty/channel', 'sun/nio/ch', '[k]', 'epoll']),
    ('clusterchat code', ['io/clusterchat']),
]
NODE = re.compile(r'profile-.+?-([a-z0-9-]+)\.collapsed$')


def categorize(path):
    counts = collections.Counter()
    for line in open(path):
        stack, _, n = line.rstrip().rpartition(' ')
        if not stack:
            continue
        frames = stack.split(';')
        category = 'other'
        for name, keys in CATEGORIES:
            if any(key in frame for frame in frames for key in keys):
                category = name
                break
        counts[category] += int(n)
    return counts


def main(argv):
    if len(argv) < 3:
        sys.exit(__doc__)
    label, paths = argv[1], argv[2:]
    nodes = {}
    for path in paths:
        match = NODE.search(os.path.basename(path))
        node = match.group(1) if match else os.path.basename(path)
        # The label itself may contain dashes: the node is what follows it.
        prefix = f'profile-{label}-'
        base = os.path.basename(path)
        if base.startswith(prefix):
            node = base[len(prefix):-len('.collapsed')]
        nodes[node] = categorize(path)
    total = sum(sum(c.values()) for c in nodes.values()) or 1
    names = [name for name, _ in CATEGORIES] + ['other']
    order = sorted(nodes, key=lambda n: -sum(nodes[n].values()))
    print(f'| {label}: CPU samples by category | ' + ' | '.join(order) + ' |')
    print('|---|' + '---|' * len(order))
    print('| share of the cluster\'s samples | '
          + ' | '.join(f'{100 * sum(nodes[n].values()) / total:.0f} %' for n in order) + ' |')
    for name in names:
        if any(nodes[n][name] for n in order):
            cells = []
            for n in order:
                own = sum(nodes[n].values()) or 1
                cells.append(f'{100 * nodes[n][name] / own:.0f} %' if nodes[n][name] else '')
            print(f'| {name} | ' + ' | '.join(cells) + ' |')
    print()
    print(f'{total} samples in all (async-profiler, cpu, 10 ms interval); a node\'s column splits its own samples.')


if __name__ == '__main__':
    main(sys.argv)
