#!/usr/bin/env python3
"""Package cycles among dev.jdnn packages, from `jdeps -verbose:package` over every module's target/classes.

Usage (after a build, e.g. ./mvnw -q -DskipTests package): python3 ci/package_cycles.py .
Prints the strongly connected groups of packages (a cycle of any length) and the two-package cycles.
"""
import subprocess, sys, os, re, itertools
root = sys.argv[1]
jdk = os.environ.get("JAVA_HOME", "/usr/lib/jvm/temurin-25-jdk-amd64")
dirs = [os.path.join(root, m, "target/classes") for m in sorted(os.listdir(root)) if os.path.isdir(os.path.join(root, m, "target/classes"))]
edges = {}
for d in dirs:
    out = subprocess.run([jdk + "/bin/jdeps", "-verbose:package", "--multi-release", "25", "-q", d], capture_output=True, text=True).stdout
    for line in out.splitlines():
        m = re.match(r"\s+(dev\.jdnn\.[\w.]+)\s+->\s+(dev\.jdnn\.[\w.]+)", line)
        if m and m.group(1) != m.group(2):
            edges.setdefault(m.group(1), set()).add(m.group(2))
# strongly connected components (Tarjan)
idx, low, on, st, sccs, n = {}, {}, set(), [], [], [0]
def visit(v):
    idx[v] = low[v] = n[0]; n[0] += 1; st.append(v); on.add(v)
    for w in edges.get(v, ()):
        if w not in idx: visit(w); low[v] = min(low[v], low[w])
        elif w in on: low[v] = min(low[v], idx[w])
    if low[v] == idx[v]:
        c = []
        while True:
            w = st.pop(); on.discard(w); c.append(w)
            if w == v: break
        if len(c) > 1: sccs.append(sorted(c))
sys.setrecursionlimit(10000)
for v in list(edges): 
    if v not in idx: visit(v)
pairs = sorted({(a, b) for a in edges for b in edges[a] if a in edges.get(b, ())  and a < b})
print("packages:", len(set(edges) | {b for s in edges.values() for b in s}))
print("cyclic groups (strongly connected, size > 1):", len(sccs))
for c in sccs: print("  ", " <-> ".join(c))
print("two-package cycles:", len(pairs))
for a, b in pairs: print("  ", a, "<->", b)
