#!/usr/bin/env python3
"""Bytes per connection by class, from two `jcmd PID GC.class_histogram` outputs taken before and after.

usage: histogram_diff.py BEFORE AFTER CONNECTIONS [TOP]
Prints the classes whose footprint grew, largest first, in bytes and instances per connection, and the total.
"""
import re
import sys

ROW = re.compile(r'^\s*\d+:\s+(\d+)\s+(\d+)\s+(\S+)')


def read(path):
    classes = {}
    with open(path) as f:
        for line in f:
            m = ROW.match(line)
            if m:
                instances, size, name = int(m.group(1)), int(m.group(2)), m.group(3)
                old = classes.get(name, (0, 0))
                classes[name] = (old[0] + instances, old[1] + size)
    return classes


def main():
    before, after = read(sys.argv[1]), read(sys.argv[2])
    connections = int(sys.argv[3])
    top = int(sys.argv[4]) if len(sys.argv) > 4 else 30
    rows = []
    for name, (instances, size) in after.items():
        i0, s0 = before.get(name, (0, 0))
        rows.append(((size - s0) / connections, (instances - i0) / connections, name))
    rows.sort(reverse=True)
    total = sum(r[0] for r in rows)
    print(f'{"bytes/conn":>10} {"objects/conn":>12}  class   ({connections} connections)')
    for size, instances, name in rows[:top]:
        print(f'{size:10.1f} {instances:12.2f}  {name}')
    print(f'{total:10.1f} {"":12}  total (all classes)')


if __name__ == '__main__':
    main()
